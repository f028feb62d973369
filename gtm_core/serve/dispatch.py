"""The batching policy of the HTTP front: a call the simulator can answer at once (gate, fault,
cache, replay) is answered on the event loop; the rest go to the ``Batcher`` queue (a session's
later calls queue behind its queued one, so they run in order). A full queue is a 503."""

from __future__ import annotations

import asyncio
import time

from gtm_core.serve.batcher import Batcher, Overloaded
from gtm_core.serve.metrics import Metrics
from gtm_core.serve.wire import HTTPError
from gtm_core.simulator import SimCall, SimResult, Simulator, UnknownTool
from gtm_core.simulator.session import ReplayMismatch


class Dispatcher:
    """Runs calls for the routes: fast path first, the batcher for the rest; waits out simulated
    stalls and records each result's latency in ``metrics``."""

    def __init__(self, sim: Simulator, batcher: Batcher, metrics: Metrics, retry_after_s: int = 1):
        self.sim, self.batcher, self.metrics = sim, batcher, metrics
        self.retry_after_s = retry_after_s

    async def run(self, calls: list[SimCall]) -> list[SimResult]:
        """The results of ``calls`` in order; HTTPError 404 (unknown tool), 409 (the call differs
        from the replayed recording) or 503 (queue full, with Retry-After)."""
        t0 = time.perf_counter()
        out, queued = self._fast(calls)
        if queued:
            for i, r in zip(queued, await self._queue([calls[i] for i in queued]), strict=True):
                out[i] = r
        stall = max((r.stall_s for r in out if r is not None), default=0.0)
        if stall:
            await asyncio.sleep(stall)
        ms = (time.perf_counter() - t0) * 1000
        for r in out:
            self.metrics.observe(r.source, ms)  # type: ignore[union-attr]
        return out  # type: ignore[return-value]

    def _fast(self, calls: list[SimCall]) -> tuple[list[SimResult | None], list[int]]:
        """Fast-path answers (None where the model must answer) and the positions to queue."""
        out: list[SimResult | None] = [None] * len(calls)
        queued: list[int] = []
        waiting: set[str] = set()  # sessions with a queued call: their later calls queue behind it
        for i, c in enumerate(calls):
            if c.session_id is not None and c.session_id in waiting:
                if c.tool not in self.sim.tools:
                    raise HTTPError(404, f"unknown tool {c.tool!r}", "tool")
                queued.append(i)
                continue
            try:
                r = self.sim.fast_path(c)
            except UnknownTool:
                raise HTTPError(404, f"unknown tool {c.tool!r}", "tool") from None
            except ReplayMismatch as e:
                raise HTTPError(409, str(e), "arguments") from None
            if r is None:
                queued.append(i)
                if c.session_id is not None:
                    waiting.add(c.session_id)
            else:
                out[i] = r
        return out, queued

    async def _queue(self, calls: list[SimCall]) -> list[SimResult]:
        """The batcher's results for ``calls``; a full queue is a 503 with Retry-After."""
        try:
            return await self.batcher.submit(calls)
        except Overloaded:
            raise HTTPError(
                503,
                f"the simulator queue is full ({self.batcher.max_queue} calls); retry later",
                None,
                {"Retry-After": str(self.retry_after_s)},
            ) from None
        except ReplayMismatch as e:
            raise HTTPError(409, str(e), "arguments") from None
