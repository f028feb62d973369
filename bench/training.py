"""Tokens/s of the tiny-cpu preset with and without sequence packing (2 torch threads).

Usage: uv run python bench/training.py [--examples 240] [--epochs 1]
Last line: RESULT tokens_per_s=<unpacked> packed_tokens_per_s=<packed>
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "2")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--examples", type=int, default=240)
    ap.add_argument("--epochs", type=float, default=1.0)
    a = ap.parse_args()

    from gtm_core.settings import get_settings
    from gtm_core.training.presets import get_preset
    from gtm_core.training.sample_data import real_or_hand_written_specs, write_sft
    from gtm_core.training.train import train

    specs, source = real_or_hand_written_specs(get_settings().shared_data(), limit=400)
    with tempfile.TemporaryDirectory() as tmp:
        sft = Path(tmp) / "sft"
        write_sft(sft, specs, n=int(a.examples / 0.8) + 1)
        figures = {}
        for packing in (False, True):
            cfg = get_preset("tiny-cpu", packing=packing, epochs=a.epochs, early_stopping_patience=0,
                             max_eval_examples=8, eval_steps=10_000)
            r = train(cfg, sft, Path(tmp) / f"run-{packing}", progress=False, log=lambda _m: None)
            figures[packing] = r.tokens_per_s
            print(f"packing={packing}: {r.train_examples} examples from {source}, "
                  f"{r.global_step} steps, {r.metrics['train_runtime_s']:.1f} s, "
                  f"{r.tokens_per_s:.0f} tokens/s, final loss {r.metrics['final_loss']:.3f}")
    print(f"RESULT tokens_per_s={figures[False]:.1f} packed_tokens_per_s={figures[True]:.1f}")


if __name__ == "__main__":
    main()
