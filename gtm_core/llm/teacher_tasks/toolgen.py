"""Offline answer to ``generate_tools``: tools of a (field, subfield)
drawn from the seed catalogue."""

from __future__ import annotations

import random
from typing import Any

from gtm_core.llm.teacher_tasks import task
from gtm_core.seed_data.catalogue import PUBLIC_KEYS, seed_tools_for


@task("generate_tools")
def generate_tools(payload: dict[str, Any], rng: random.Random) -> dict[str, list[dict[str, Any]]]:
    """Up to ``n`` catalogue tools of the payload's (field, subfield) whose names are not in
    ``existing``, in an rng-shuffled (deterministic) order; ``{"tools": []}`` for unknown
    subfields."""
    field, subfield = str(payload.get("field") or ""), str(payload.get("subfield") or "")
    try:
        n = int(payload.get("n", 5))
    except (TypeError, ValueError):
        n = 5
    existing = {str(x).strip().casefold() for x in payload.get("existing") or []}
    fresh = [t for t in seed_tools_for(field, subfield) if t["name"].casefold() not in existing]
    rng.shuffle(fresh)
    return {"tools": [{k: t[k] for k in PUBLIC_KEYS} for t in fresh[: max(0, n)]]}
