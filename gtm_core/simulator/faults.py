"""Fault injection: simulated server errors, timeouts and rate limits, decided by a seeded draw
so a rollout with the same seeds sees the same faults."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from gtm_core.chat_format import error_payload


@dataclass(frozen=True)
class FaultConfig:
    """Probabilities of each fault per call (checked in this order), and their parameters."""

    error_rate: float = 0.0
    timeout_rate: float = 0.0
    rate_limit_rate: float = 0.0
    timeout_s: float = 0.0  # how long a simulated timeout stalls before answering (0 = at once)
    retry_after_s: float = 1.0

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> FaultConfig | None:
        if not d:
            return None
        cfg = cls(**{k: d[k] for k in cls.__dataclass_fields__ if k in d})
        for k in ("error_rate", "timeout_rate", "rate_limit_rate"):
            v = getattr(cfg, k)
            if not 0.0 <= v <= 1.0:
                raise ValueError(f"faults.{k}: must be within [0, 1], got {v}")
        return cfg if (cfg.error_rate or cfg.timeout_rate or cfg.rate_limit_rate) else None


def _draw(seed: int, key: str) -> float:
    h = hashlib.blake2b(f"{seed}:{key}".encode(), digest_size=8).digest()
    return int.from_bytes(h, "big") / 2**64


def inject(cfg: FaultConfig | None, seed: int, key: str) -> tuple[dict | None, float]:
    """(fault payload or None, seconds to stall) for one call identified by ``key``."""
    if cfg is None:
        return None, 0.0
    u = _draw(seed, key)
    if u < cfg.error_rate:
        return error_payload("server_error", "Internal server error (simulated fault).", None), 0.0
    u -= cfg.error_rate
    if u < cfg.timeout_rate:
        return (
            error_payload(
                "timeout",
                f"The request timed out after {cfg.timeout_s:g} s (simulated fault).",
                None,
            ),
            cfg.timeout_s,
        )
    u -= cfg.timeout_rate
    if u < cfg.rate_limit_rate:
        p = error_payload(
            "rate_limited",
            f"Too many requests; retry after {cfg.retry_after_s:g} s (simulated fault).",
            None,
        )
        p["error"]["retry_after_s"] = cfg.retry_after_s
        return p, 0.0
    return None, 0.0
