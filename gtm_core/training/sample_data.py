"""A small, real SFT set built from tool specs (for smoke runs, tests and benchmarks): arguments
and outputs drawn by ``ValueSynth``, rendered by ``chat_format.sft_example`` and split 80/10/10."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from gtm_core import chat_format
from gtm_core.spec import ToolSpec, parse_specs
from gtm_core.synth import ValueSynth


def load_specs(path: Path, limit: int | None = None) -> list[ToolSpec]:
    raws = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                raws.append(json.loads(line))
            if limit and len(raws) >= limit:
                break
    specs, _rejects = parse_specs(raws, source=Path(path).name)
    return specs


def build_examples(
    specs: list[ToolSpec], n: int, seed: int = 0, history_p: float = 0.2
) -> list[dict[str, Any]]:
    """``n`` chat records over ``specs`` (some with a one-call history of the same tool)."""
    rng = random.Random(seed)
    synth = ValueSynth(rng)
    out = []
    for i in range(n):
        spec = specs[i % len(specs)]
        history = []
        if rng.random() < history_p:
            a0 = synth.arguments(spec.parameters)
            history = [
                {
                    "tool": spec.name,
                    "arguments": a0,
                    "output": synth.response(spec.response_schema, a0, tool=spec.name),
                }
            ]
        args = synth.arguments(spec.parameters)
        output = synth.response(spec.response_schema, args, tool=spec.name)
        out.append(chat_format.sft_example(spec, args, output, history))
    return out


def write_sft(folder: Path, specs: list[ToolSpec], n: int = 300, seed: int = 0) -> dict[str, int]:
    """Write ``train/val/test.jsonl`` (80/10/10 by tool, so val/test tools differ from train's)
    plus ``unseen.jsonl`` (empty); returns the counts per split."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    specs = list(specs)
    random.Random(seed).shuffle(specs)
    k = max(1, len(specs) // 10)
    parts = {"val": specs[:k], "test": specs[k : 2 * k], "train": specs[2 * k :]}
    sizes = {"train": int(n * 0.8), "val": n // 10, "test": n // 10}
    counts = {}
    for split, sp in parts.items():
        recs = build_examples(sp, sizes[split], seed + hash(split) % 1000) if sp else []
        with open(folder / f"{split}.jsonl", "w", encoding="utf-8") as f:
            for r in recs:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        counts[split] = len(recs)
    (folder / "unseen.jsonl").write_text("")
    counts["unseen"] = 0
    return counts


_HAND_WRITTEN = [
    {
        "name": "get_weather",
        "description": "Current weather for a city",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {"type": "string"},
                "unit": {"type": "string", "enum": ["metric", "imperial"]},
            },
            "required": ["city"],
        },
        "response": {
            "type": "object",
            "properties": {
                "city": {"type": "string"},
                "temperature": {"type": "number"},
                "condition": {"type": "string", "enum": ["sunny", "cloudy", "rain", "snow"]},
            },
            "required": ["city", "temperature", "condition"],
        },
    },
    {
        "name": "search_books",
        "description": "Search a library catalogue",
        "parameters": {
            "type": "object",
            "properties": {
                "query": {"type": "string"},
                "limit": {"type": "integer", "minimum": 1, "maximum": 10},
            },
            "required": ["query"],
        },
        "response": {
            "type": "object",
            "properties": {
                "results": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "title": {"type": "string"},
                            "author": {"type": "string"},
                            "year": {"type": "integer"},
                        },
                    },
                },
                "count": {"type": "integer"},
            },
        },
    },
    {
        "name": "convert_currency",
        "description": "Convert an amount between currencies",
        "parameters": {
            "type": "object",
            "properties": {
                "amount": {"type": "number"},
                "from_currency": {"type": "string"},
                "to_currency": {"type": "string"},
            },
            "required": ["amount", "from_currency", "to_currency"],
        },
        "response": {
            "type": "object",
            "properties": {"converted_amount": {"type": "number"}, "rate": {"type": "number"}},
        },
    },
    {
        "name": "book_hotel",
        "description": "Reserve a hotel room",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {"type": "string"},
                "check_in": {"type": "string", "format": "date"},
                "check_out": {"type": "string", "format": "date"},
                "guests": {"type": "integer"},
            },
            "required": ["city", "check_in", "check_out"],
        },
        "response": {
            "type": "object",
            "properties": {
                "reservation_id": {"type": "string"},
                "status": {"type": "string"},
                "total_price": {"type": "number"},
            },
        },
    },
    {
        "name": "send_email",
        "description": "Send an email message",
        "parameters": {
            "type": "object",
            "properties": {
                "recipient": {"type": "string", "format": "email"},
                "subject": {"type": "string"},
                "body": {"type": "string"},
            },
            "required": ["recipient", "subject"],
        },
        "response": {
            "type": "object",
            "properties": {"message_id": {"type": "string"}, "status": {"type": "string"}},
        },
    },
    {
        "name": "get_stock_price",
        "description": "Latest price of a stock",
        "parameters": {
            "type": "object",
            "properties": {"symbol": {"type": "string"}},
            "required": ["symbol"],
        },
        "response": {
            "type": "object",
            "properties": {
                "symbol": {"type": "string"},
                "price": {"type": "number"},
                "currency": {"type": "string"},
            },
        },
    },
    {
        "name": "translate_text",
        "description": "Translate text to a language",
        "parameters": {
            "type": "object",
            "properties": {"text": {"type": "string"}, "target_language": {"type": "string"}},
            "required": ["text", "target_language"],
        },
        "response": {
            "type": "object",
            "properties": {
                "translated_text": {"type": "string"},
                "detected_language": {"type": "string"},
            },
        },
    },
    {
        "name": "create_calendar_event",
        "description": "Create an event in a calendar",
        "parameters": {
            "type": "object",
            "properties": {
                "title": {"type": "string"},
                "start_date": {"type": "string", "format": "date"},
                "end_date": {"type": "string", "format": "date"},
                "location": {"type": "string"},
            },
            "required": ["title", "start_date"],
        },
        "response": {
            "type": "object",
            "properties": {
                "event_id": {"type": "string"},
                "title": {"type": "string"},
                "status": {"type": "string"},
            },
        },
    },
    {
        "name": "list_orders",
        "description": "List a customer's recent orders",
        "parameters": {
            "type": "object",
            "properties": {
                "customer_id": {"type": "string"},
                "status": {"type": "string", "enum": ["pending", "shipped", "delivered"]},
                "limit": {"type": "integer"},
            },
            "required": ["customer_id"],
        },
        "response": {
            "type": "object",
            "properties": {
                "orders": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "order_id": {"type": "string"},
                            "total": {"type": "number"},
                            "status": {"type": "string"},
                        },
                    },
                },
                "count": {"type": "integer"},
            },
        },
    },
    {
        "name": "geocode_address",
        "description": "Coordinates of a street address",
        "parameters": {
            "type": "object",
            "properties": {"address": {"type": "string"}, "country": {"type": "string"}},
            "required": ["address"],
        },
        "response": {
            "type": "object",
            "properties": {
                "latitude": {"type": "number"},
                "longitude": {"type": "number"},
                "address": {"type": "string"},
            },
        },
    },
]


def hand_written_specs() -> list[ToolSpec]:
    """Ten hand-written tools (used when the shared real-data folder is absent)."""
    specs, rejects = parse_specs(_HAND_WRITTEN, source="hand-written")
    assert not rejects, rejects
    return specs


def real_or_hand_written_specs(shared: Path | None, limit: int = 300) -> tuple[list[ToolSpec], str]:
    """Specs from ``shared/seal_tools_tools.jsonl`` when present, else the hand-written ones."""
    if shared is not None and (Path(shared) / "seal_tools_tools.jsonl").exists():
        return load_specs(Path(shared) / "seal_tools_tools.jsonl", limit), "seal_tools_tools.jsonl"
    return hand_written_specs(), "hand-written"
