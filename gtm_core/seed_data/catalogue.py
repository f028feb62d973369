"""The shipped seed data: the seed taxonomy (``seed_taxonomy.json``, read by ``tools.taxonomy``) and
the seed tool catalogue (``seed_tools.jsonl``): hand-designed specs for every seed subfield.

Built by scripts/build_seed_tools.py; the offline teacher "generates" tools from the catalogue. Both
the teacher (``llm``) and the tool repository (``tools``) read it, so it sits below both.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

SEED_TAXONOMY = Path(__file__).parent / "seed_taxonomy.json"
SEED_TOOLS = Path(__file__).parent / "seed_tools.jsonl"

PUBLIC_KEYS = ("name", "description", "parameters", "required", "response")


def _key(field: str, subfield: str) -> tuple[str, str]:
    return field.strip().casefold(), subfield.strip().casefold()


@cache
def _load() -> tuple[dict[str, Any], ...]:
    text = SEED_TOOLS.read_text(encoding="utf-8")
    return tuple(json.loads(line) for line in text.splitlines() if line.strip())


def load_seed_tools() -> list[dict[str, Any]]:
    """All catalogue entries (copies), each with name, description, parameters, required, response,
    field and subfield."""
    return json.loads(json.dumps(_load()))


@cache
def _index() -> dict[tuple[str, str], tuple[int, ...]]:
    idx: dict[tuple[str, str], list[int]] = {}
    for i, t in enumerate(_load()):
        idx.setdefault(_key(t["field"], t["subfield"]), []).append(i)
    return {k: tuple(v) for k, v in idx.items()}


def seed_tools_for(field: str, subfield: str) -> list[dict[str, Any]]:
    """Catalogue entries of one (field, subfield), matched case-insensitively; [] when absent."""
    rows = _load()
    return [json.loads(json.dumps(rows[i])) for i in _index().get(_key(field, subfield), ())]
