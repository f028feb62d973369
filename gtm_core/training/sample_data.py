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


def build_examples(specs: list[ToolSpec], n: int, seed: int = 0, history_p: float = 0.2) -> list[dict[str, Any]]:
    """``n`` chat records over ``specs`` (some with a one-call history of the same tool)."""
    rng = random.Random(seed)
    synth = ValueSynth(rng)
    out = []
    for i in range(n):
        spec = specs[i % len(specs)]
        history = []
        if rng.random() < history_p:
            a0 = synth.arguments(spec.parameters)
            history = [{"tool": spec.name, "arguments": a0, "output": synth.response(spec.response_schema, a0)}]
        args = synth.arguments(spec.parameters)
        output = synth.response(spec.response_schema, args)
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
    parts = {"val": specs[:k], "test": specs[k:2 * k], "train": specs[2 * k:]}
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
