"""LoRA (peft) for Qwen2 / Llama-family models: the adapter config (optionally on the top layers
only), wrapping a base model, and freezing all but the top layers for full fine-tuning."""

from __future__ import annotations

from gtm_core.training.presets import TrainConfig


def num_layers(model) -> int:
    """The number of decoder layers of ``model`` (plain or PEFT-wrapped)."""
    base = model.get_base_model() if hasattr(model, "get_base_model") else model
    return int(base.config.num_hidden_layers)


def top_layer_ids(model, top: int | None) -> list[int] | None:
    """Indices of the top ``top`` decoder layers (None: all layers)."""
    if top is None:
        return None
    n = num_layers(model)
    return list(range(max(n - int(top), 0), n))


def lora_config(cfg: TrainConfig, layers: list[int] | None = None):
    """A causal-LM ``LoraConfig`` on the attention and MLP projections (of
    ``layers`` only, if given)."""
    from peft import LoraConfig, TaskType

    extra = (
        {"layers_to_transform": layers, "layers_pattern": "layers"} if layers is not None else {}
    )
    return LoraConfig(
        r=cfg.lora_r,
        lora_alpha=cfg.lora_alpha,
        lora_dropout=cfg.lora_dropout,
        target_modules=list(cfg.lora_target_modules),
        bias="none",
        task_type=TaskType.CAUSAL_LM,
        **extra,
    )


def wrap_lora(model, cfg: TrainConfig):
    """Wrap ``model`` with a fresh LoRA adapter (on the top ``cfg.top_layers`` layers, or all);
    only adapter weights stay trainable."""
    from peft import get_peft_model

    if cfg.gradient_checkpointing:
        model.enable_input_require_grads()
    return get_peft_model(model, lora_config(cfg, top_layer_ids(model, cfg.top_layers)))


def freeze_below_top(model, top: int) -> None:
    """Full fine-tuning of the top ``top`` decoder layers and the final norm only: embeddings (and a
    head tied to them), and every lower layer are frozen, so the backward pass stops early."""
    base = model.get_base_model() if hasattr(model, "get_base_model") else model
    keep = set(top_layer_ids(model, top) or [])
    for p in base.parameters():
        p.requires_grad_(False)
    for i, layer in enumerate(base.model.layers):
        if i in keep:
            for p in layer.parameters():
                p.requires_grad_(True)
    for p in base.model.norm.parameters():
        p.requires_grad_(True)


def trainable_parameters(model) -> tuple[int, int]:
    """(trainable, total) parameter counts."""
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    total = sum(p.numel() for p in model.parameters())
    return trainable, total
