"""verl's ``ToolAgentLoop`` that ends the simulator sessions of each trajectory (needs verl).

verl calls ``create -> execute -> release`` around every tool call and has no hook for the end of a
trajectory, so ``GTMSimTool`` keys its session on ``agent_data.request_id`` and this loop
(registered
as ``gtm_tool_agent``) deletes that session on every GTM server once ``run`` returns or fails. Point
verl at it with ``rollout.agent.agent_loop_config_path`` (``gtm rl verl-config --agent-loop-out``)
and ``rollout.agent.default_agent_loop=gtm_tool_agent``; without it, the server's session TTL
reclaims the sessions instead.
"""

from __future__ import annotations

from typing import Any

from verl.experimental.agent_loop.agent_loop import register
from verl.experimental.agent_loop.tool_agent_loop import ToolAgentLoop

from gtm_core.serve.rl import GTMSimTool
from gtm_core.serve.verl_config import AGENT_LOOP_NAME


@register(AGENT_LOOP_NAME)
class GTMToolAgentLoop(ToolAgentLoop):
    """``ToolAgentLoop`` + the end of the trajectory's simulator sessions."""

    def _make_request_id(self, priority: int, full_determinism: bool) -> str:  # type: ignore[override]
        rid = ToolAgentLoop._make_request_id(priority, full_determinism)
        self.__dict__.setdefault("_gtm_trajectories", []).append(rid)
        return rid

    async def run(self, sampling_params: dict[str, Any], priority: int = 0, **kwargs):
        try:
            return await super().run(sampling_params, priority=priority, **kwargs)
        finally:
            await self.end_trajectories()

    async def end_trajectories(self) -> int:
        """Delete the sessions of the trajectories this loop ran, once per simulator server;
        returns how many deletions were sent."""
        rids = self.__dict__.pop("_gtm_trajectories", [])
        servers: dict[str, GTMSimTool] = {}
        for t in getattr(self, "tools", {}).values():
            if isinstance(t, GTMSimTool):
                servers.setdefault(t.config["simulator_url"].rstrip("/"), t)
        n = 0
        for rid in rids:
            for t in servers.values():
                await t.end_trajectory(rid)
                n += 1
        return n
