"""Field/subfield taxonomy (paper §4.1): seed fields grown by an LLM from pairs of exemplars.

Offline (no LLM), the taxonomy is the seed shipped in
``gtm_core/seed_data/seed_taxonomy.json``; with a configured LLM it grows to ``target_fields``
and every field gets ``subfields_per_field`` subfields.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

from gtm_core.llm.base import ChatModel, OutputParseError, extract_json, prompt_request
from gtm_core.seed_data.catalogue import SEED_TAXONOMY

PROMPTS = ("expand_fields", "subfields")


@dataclass
class Taxonomy:
    """Ordered fields, each with its subfields, and where each field came from (seed / llm)."""

    subfields: dict[str, list[str]] = field(default_factory=dict)
    origin: dict[str, str] = field(default_factory=dict)

    @property
    def fields(self) -> list[str]:
        return list(self.subfields)

    def pairs(self) -> list[tuple[str, str]]:
        return [(f, s) for f, subs in self.subfields.items() for s in subs]

    def rows(self) -> list[dict]:
        return [
            {"field": f, "subfield": s, "origin": self.origin.get(f, "seed")}
            for f, s in self.pairs()
        ]

    def has(self, name: str) -> bool:
        return name.strip().lower() in {f.lower() for f in self.subfields}


def field_key(field: str) -> str:
    """A stable, URL-safe key of a field name (the CARG partition key):
    'Food and Dining' -> 'food_and_dining'."""
    return re.sub(r"[^a-z0-9]+", "_", field.lower()).strip("_")


def load_seed_taxonomy(path: Path = SEED_TAXONOMY) -> Taxonomy:
    data = json.loads(Path(path).read_text())
    tax = Taxonomy()
    for entry in data["fields"]:
        tax.subfields[entry["field"]] = list(entry["subfields"])
        tax.origin[entry["field"]] = "seed"
    return tax


def grow_fields(
    tax: Taxonomy,
    target: int,
    chat: ChatModel,
    *,
    seed: int = 0,
    batch: int = 8,
    max_rounds: int = 50,
) -> tuple[Taxonomy, list[str]]:
    """Prompt the LLM with two random existing fields until ``target`` fields exist.
    Returns the grown taxonomy and a log of rejected proposals (duplicates, unparsable)."""
    rng = random.Random(seed)
    log: list[str] = []
    for _ in range(max_rounds):
        need = target - len(tax.subfields)
        if need <= 0:
            break
        reqs = []
        for _ in range(min(batch, need)):
            a, b = rng.sample(tax.fields, 2)
            reqs.append(
                prompt_request(
                    "expand_fields",
                    {"exemplars": [a, b], "existing": tax.fields},
                    seed=rng.randrange(1 << 30),
                )
            )
        for text in chat.generate(reqs):
            try:
                name = str(extract_json(text)["field"]).strip()
            except (OutputParseError, KeyError, TypeError) as e:
                log.append(f"unparsable proposal: {e}")
                continue
            if not name or len(name) > 80:
                log.append(f"rejected field {name!r}: empty or too long")
            elif tax.has(name):
                log.append(f"rejected field {name!r}: already present")
            elif len(tax.subfields) < target:
                tax.subfields[name] = []
                tax.origin[name] = "llm"
    return tax, log


def fill_subfields(tax: Taxonomy, n: int, chat: ChatModel) -> tuple[Taxonomy, list[str]]:
    """Ask the LLM for subfields of every field that has fewer than ``n``."""
    todo = [f for f, subs in tax.subfields.items() if len(subs) < n]
    log: list[str] = []
    if not todo:
        return tax, log
    outs = chat.generate([prompt_request("subfields", {"field": f, "n": n}) for f in todo])
    for f, text in zip(todo, outs, strict=True):
        try:
            subs = [str(s).strip() for s in extract_json(text)["subfields"] if str(s).strip()]
        except (OutputParseError, KeyError, TypeError) as e:
            log.append(f"field {f!r}: unparsable subfields: {e}")
            continue
        seen = {s.lower() for s in tax.subfields[f]}
        for s in subs:
            if s.lower() not in seen and len(tax.subfields[f]) < n:
                tax.subfields[f].append(s)
                seen.add(s.lower())
    return tax, log


def taxonomy_from_rows(rows: list[dict]) -> Taxonomy:
    """Inverse of ``Taxonomy.rows`` (rows of field, subfield, origin)."""
    tax = Taxonomy()
    for r in rows:
        tax.subfields.setdefault(r["field"], [])
        if r.get("subfield"):
            tax.subfields[r["field"]].append(r["subfield"])
        tax.origin[r["field"]] = r.get("origin") or "seed"
    return tax


def build_taxonomy(
    seed_tax: Taxonomy,
    chat: ChatModel | None,
    *,
    target_fields: int,
    subfields_per_field: int,
    seed: int = 0,
    grow: bool | None = None,
) -> tuple[Taxonomy, list[str]]:
    """The seed taxonomy, grown with the LLM when ``grow`` (default:
    when the model is not offline)."""
    tax = Taxonomy({f: list(s) for f, s in seed_tax.subfields.items()}, dict(seed_tax.origin))
    grow = (chat is not None and getattr(chat, "name", "") != "offline") if grow is None else grow
    if not grow or chat is None:
        return tax, []
    tax, log = grow_fields(tax, target_fields, chat, seed=seed)
    tax, log2 = fill_subfields(tax, subfields_per_field, chat)
    return tax, log + log2
