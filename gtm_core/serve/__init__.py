"""Fronts of the simulator: HTTP (FastAPI), MCP, and the RL client/adapter."""
