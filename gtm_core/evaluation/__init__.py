"""Evaluation (paper §5.1): deterministic checks, an LLM judge, Table-1 metrics, runs of simulated
outputs for the candidate and baselines, and the sim-to-real audit on real tool traces."""
