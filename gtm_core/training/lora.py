"""LoRA (peft) for Qwen2-architecture models: the adapter config and wrapping a base model."""

from __future__ import annotations

from gtm_core.training.presets import TrainConfig


def lora_config(cfg: TrainConfig):
    """A causal-LM ``LoraConfig`` on the Qwen2 attention and MLP projections."""
    from peft import LoraConfig, TaskType

    return LoraConfig(
        r=cfg.lora_r, lora_alpha=cfg.lora_alpha, lora_dropout=cfg.lora_dropout,
        target_modules=list(cfg.lora_target_modules), bias="none", task_type=TaskType.CAUSAL_LM,
    )


def wrap_lora(model, cfg: TrainConfig):
    """Wrap ``model`` with a fresh LoRA adapter; only adapter weights stay trainable."""
    from peft import get_peft_model

    if cfg.gradient_checkpointing:
        model.enable_input_require_grads()
    return get_peft_model(model, lora_config(cfg))


def trainable_parameters(model) -> tuple[int, int]:
    """(trainable, total) parameter counts."""
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    total = sum(p.numel() for p in model.parameters())
    return trainable, total
