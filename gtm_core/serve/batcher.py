"""Dynamic batching for the HTTP front: a bounded queue and one worker feeding batches of waiting
calls to ``Simulator.simulate_batch`` (calls of one session in order; a full queue raises
Overloaded)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from dataclasses import dataclass

from gtm_core.simulator.engine import SimCall, SimResult, Simulator


class Overloaded(Exception):
    """The queue is full (the HTTP front answers 503 with Retry-After)."""


# ---- dynamic batching ---------------------------------------------------------------------------
@dataclass
class _Item:
    call: SimCall
    fut: asyncio.Future
    t0: float


class Batcher:
    """Bounded queue + one worker that feeds dynamic batches to ``Simulator.simulate_batch``."""

    def __init__(
        self,
        sim: Simulator,
        *,
        max_queue: int = 1024,
        max_batch: int = 32,
        max_wait_ms: float = 5.0,
        max_inflight: int = 16,
    ):
        self.sim, self.max_queue, self.max_batch, self.max_wait_s = (
            sim,
            max_queue,
            max_batch,
            max_wait_ms / 1000,
        )
        self.queue: asyncio.Queue[_Item] | None = None
        self.depth = 0
        self.batch_sizes: Counter[int] = Counter()
        self._task: asyncio.Task | None = None
        self._tasks: set[asyncio.Task] = set()
        self._sessions: dict[str, asyncio.Event] = {}
        self._slots = asyncio.Semaphore(max_inflight)
        self.max_inflight = max_inflight
        self._pool = None  # threads for side-by-side batches (continuous batching backends)

    async def start(self) -> None:
        if getattr(self.sim.backend, "concurrent", False) and self._pool is None:
            from concurrent.futures import ThreadPoolExecutor

            self._pool = ThreadPoolExecutor(self.max_inflight, thread_name_prefix="gtm-batch")
        self.queue = asyncio.Queue()
        self._task = asyncio.create_task(self._worker())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    async def submit(self, calls: list[SimCall]) -> list[SimResult]:
        assert self.queue is not None, "batcher not started"
        if self.depth + len(calls) > self.max_queue:
            raise Overloaded()
        loop = asyncio.get_running_loop()
        items = [_Item(c, loop.create_future(), time.perf_counter()) for c in calls]
        self.depth += len(items)
        for it in items:
            self.queue.put_nowait(it)
        return list(await asyncio.gather(*(it.fut for it in items)))

    async def _worker(self) -> None:
        assert self.queue is not None
        loop = asyncio.get_running_loop()
        while True:
            first = await self.queue.get()
            batch = [first]
            # a continuous-batching backend merges calls between decode steps: no waiting to fill
            deadline = loop.time() + (0 if self._pool is not None else self.max_wait_s)
            while len(batch) < self.max_batch:
                timeout = deadline - loop.time()
                if timeout <= 0:
                    while len(batch) < self.max_batch and not self.queue.empty():
                        batch.append(self.queue.get_nowait())
                    break
                try:
                    batch.append(await asyncio.wait_for(self.queue.get(), timeout))
                except TimeoutError:
                    break
            self.batch_sizes[len(batch)] += 1
            if not getattr(self.sim.backend, "concurrent", False):
                await self._run(batch)
                continue
            # continuous batching backend: calls run side by side (their rows join one running
            # decode batch); a call waits only for in-flight calls of its session
            for sid in {it.call.session_id for it in batch} - {None}:
                ev = self._sessions.get(sid)
                if ev is not None:
                    await ev.wait()
            for it in batch:  # one call per engine batch: each answer leaves when its row ends
                await self._slots.acquire()
                task = asyncio.create_task(self._run([it], track=True))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)

    async def _run(self, batch: list[_Item], track: bool = False) -> None:
        done = asyncio.Event()
        sids = {it.call.session_id for it in batch} - {None} if track else set()
        for sid in sids:
            self._sessions[sid] = done
        try:
            calls = [it.call for it in batch]
            if self._pool is not None:
                results = await asyncio.get_running_loop().run_in_executor(
                    self._pool, self.sim.simulate_batch, calls
                )
            else:
                results = await asyncio.to_thread(self.sim.simulate_batch, calls)
            for it, r in zip(batch, results, strict=True):
                if not it.fut.done():
                    it.fut.set_result(r)
        except Exception as e:  # noqa: BLE001 - answer every waiter, keep serving
            for it in batch:
                if not it.fut.done():
                    it.fut.set_exception(e)
        finally:
            self.depth -= len(batch)
            for sid in sids:
                if self._sessions.get(sid) is done:
                    del self._sessions[sid]
            done.set()
            if track:
                self._slots.release()
