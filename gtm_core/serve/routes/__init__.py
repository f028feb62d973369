"""The HTTP front's routes, one ``APIRouter`` per resource (``ROUTERS``), and the MCP mount."""

from __future__ import annotations

from gtm_core.serve.routes import ops, search, sessions, simulate, tools

ROUTERS = (simulate.router, sessions.router, tools.router, search.router, ops.router)
