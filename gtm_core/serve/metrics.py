"""Prometheus text metrics of the HTTP front (requests by route and status, latency by source)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from gtm_core.serve.batcher import Batcher
from gtm_core.simulator import Simulator
from gtm_core.simulator.call import SOURCES

# ---- metrics ----------------------------------------------------------------------------------
_BUCKETS_MS = (0.5, 1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000)
_BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128)


class Metrics:
    """Counters of the HTTP front: requests by (route, status), call latency by result source."""

    def __init__(self):
        self.requests: Counter[tuple[str, int]] = Counter()
        self.latency: dict[str, list[int]] = {}
        self.latency_sum: Counter[str] = Counter()
        self.latency_n: Counter[str] = Counter()

    def observe(self, source: str, ms: float) -> None:
        """Count one call answered from ``source`` in ``ms`` milliseconds."""
        b = self.latency.setdefault(source, [0] * len(_BUCKETS_MS))
        for i, ub in enumerate(_BUCKETS_MS):
            if ms <= ub:
                b[i] += 1
        self.latency_sum[source] += ms / 1000
        self.latency_n[source] += 1

    def render(self, sim: Simulator, batcher: Batcher) -> str:
        """The Prometheus text exposition of these counters, the simulator's and the batcher's."""
        lines = self._request_lines() + _simulator_lines(sim.stats(), batcher.depth)
        continuous = getattr(sim.backend, "_continuous", None)
        if getattr(continuous, "steps", None) is not None:  # rows per decode step
            lines += _decode_lines(continuous)
        return "\n".join(lines + _batch_lines(batcher) + self._latency_lines()) + "\n"

    def _request_lines(self) -> list[str]:
        lines = [
            "# HELP gtm_http_requests_total HTTP requests by route and status",
            "# TYPE gtm_http_requests_total counter",
        ]
        for (route, status), n in sorted(self.requests.items()):
            lines.append(f'gtm_http_requests_total{{route="{route}",status="{status}"}} {n}')
        return lines

    def _latency_lines(self) -> list[str]:
        lines = [
            "# HELP gtm_call_latency_seconds Server-side latency of simulated calls",
            "# TYPE gtm_call_latency_seconds histogram",
        ]
        for src, b in sorted(self.latency.items()):
            name, n = "gtm_call_latency_seconds", self.latency_n[src]
            for ub, count in zip(_BUCKETS_MS, b, strict=True):
                lines.append(f'{name}_bucket{{source="{src}",le="{ub / 1000:g}"}} {count}')
            lines += [
                f'{name}_bucket{{source="{src}",le="+Inf"}} {n}',
                f'{name}_sum{{source="{src}"}} {self.latency_sum[src]:.6f}',
                f'{name}_count{{source="{src}"}} {n}',
            ]
        return lines


def _simulator_lines(st: dict[str, Any], queue_depth: int) -> list[str]:
    """Results by source, model calls, cache, sessions (``Simulator.stats``) and queue depth."""
    lines = [
        "# HELP gtm_sim_results_total Simulated call results by source",
        "# TYPE gtm_sim_results_total counter",
    ]
    counters = st["counters"]
    for src in SOURCES:
        lines.append(f'gtm_sim_results_total{{source="{src}"}} {counters.get(src, 0)}')
    return lines + [
        "# TYPE gtm_model_calls_total counter",
        f"gtm_model_calls_total {counters.get('model_calls', 0)}",
        "# TYPE gtm_model_retries_total counter",
        f"gtm_model_retries_total {counters.get('retries', 0)}",
        "# TYPE gtm_cache_hits_total counter",
        f"gtm_cache_hits_total {st['cache_hits']}",
        "# TYPE gtm_cache_misses_total counter",
        f"gtm_cache_misses_total {st['cache_misses']}",
        "# TYPE gtm_cache_entries gauge",
        f"gtm_cache_entries {st['cache_entries']}",
        "# TYPE gtm_sessions gauge",
        f"gtm_sessions {st['sessions']}",
        "# HELP gtm_sessions_expired_total Sessions dropped idle (TTL) or beyond the session limit",
        "# TYPE gtm_sessions_expired_total counter",
        f"gtm_sessions_expired_total {st['sessions_expired']}",
        "# TYPE gtm_queue_depth gauge",
        f"gtm_queue_depth {queue_depth}",
    ]


def _decode_lines(c: Any) -> list[str]:
    """Decode and prefill counters of a continuous-batching backend."""
    return [
        "# HELP gtm_decode_steps_total Decode steps of the continuous batch",
        "# TYPE gtm_decode_steps_total counter",
        f"gtm_decode_steps_total {c.steps}",
        "# HELP gtm_decode_rows_total Live rows summed over decode steps",
        "# TYPE gtm_decode_rows_total counter",
        f"gtm_decode_rows_total {c.live_rows}",
        "# HELP gtm_decode_seconds_total Seconds in decode steps "
        "(with the prompts of calls joining in them)",
        "# TYPE gtm_decode_seconds_total counter",
        f"gtm_decode_seconds_total {c.step_s:.6f}",
        "# HELP gtm_prefill_total Admissions of waiting calls into the running batch",
        "# TYPE gtm_prefill_total counter",
        f"gtm_prefill_total {c.prefills}",
        "# HELP gtm_prefill_rows_total Calls prefilled on admission",
        "# TYPE gtm_prefill_rows_total counter",
        f"gtm_prefill_rows_total {c.prefill_rows}",
        "# HELP gtm_prefill_seconds_total Seconds in prefill-only passes "
        "(joins into a running batch count as decode)",
        "# TYPE gtm_prefill_seconds_total counter",
        f"gtm_prefill_seconds_total {c.prefill_s:.6f}",
        "# HELP gtm_decode_wait_seconds_total Seconds calls waited to join the running batch "
        "(summed over calls)",
        "# TYPE gtm_decode_wait_seconds_total counter",
        f"gtm_decode_wait_seconds_total {c.wait_s:.6f}",
        "# HELP gtm_decode_call_seconds_total Seconds from a call's submission to its answer "
        "(summed over calls)",
        "# TYPE gtm_decode_call_seconds_total counter",
        f"gtm_decode_call_seconds_total {c.row_s:.6f}",
    ]


def _batch_lines(batcher: Batcher) -> list[str]:
    """The histogram of calls per model batch."""
    sizes = batcher.batch_sizes
    total = sum(sizes.values())
    lines = ["# HELP gtm_batch_size Calls per model batch", "# TYPE gtm_batch_size histogram"]
    for ub in _BATCH_BUCKETS:
        lines.append(
            f'gtm_batch_size_bucket{{le="{ub}"}} {sum(n for s, n in sizes.items() if s <= ub)}'
        )
    return lines + [
        f'gtm_batch_size_bucket{{le="+Inf"}} {total}',
        f"gtm_batch_size_sum {sum(s * n for s, n in sizes.items())}",
        f"gtm_batch_size_count {total}",
    ]
