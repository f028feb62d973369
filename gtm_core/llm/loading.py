"""Load a trained GTM folder for inference: a full model, or a LoRA adapter on its base model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

META_FILE = "gtm_model.json"


def read_meta(path: str | Path) -> dict[str, Any]:
    p = Path(path) / META_FILE
    return json.loads(p.read_text()) if p.exists() else {}


def is_adapter(path: str | Path) -> bool:
    return (Path(path) / "adapter_config.json").exists()


def base_of(path: str | Path) -> str | None:
    """The base model an adapter was trained on: a packaged model's name (``smollm2-135m-instruct``,
    see ``base_models``), a hub id or a local folder."""
    meta = read_meta(path)
    if meta.get("base_model"):
        return meta["base_model"]
    cfg = Path(path) / "adapter_config.json"
    return json.loads(cfg.read_text()).get("base_model_name_or_path") if cfg.exists() else None


def load_model(path: str | Path, device: str = "cpu", dtype: str | None = None, merge: bool = True):
    """(model, tokenizer) from a model folder; adapters are applied to their base (and merged). A
    packaged base is resolved to its converted folder on this machine (converted on first use)."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from gtm_core.llm.base_models import resolve_base

    path = Path(path)
    torch_dtype = getattr(torch, dtype) if dtype else None
    tok = AutoTokenizer.from_pretrained(path)
    if is_adapter(path):
        from peft import PeftModel

        base = base_of(path)
        if not base:
            raise ValueError(f"adapter {path}: field 'base_model': no base model recorded")
        model = AutoModelForCausalLM.from_pretrained(resolve_base(base), dtype=torch_dtype)
        model = PeftModel.from_pretrained(model, path)
        if merge:
            model = model.merge_and_unload()
    else:
        model = AutoModelForCausalLM.from_pretrained(path, dtype=torch_dtype)
    return model.to(device).eval(), tok


def generate(
    model,
    tokenizer,
    messages: list[dict[str, str]],
    max_new_tokens: int = 256,
    do_sample: bool = False,
) -> str:
    """The assistant's answer to ``messages`` (greedy by default), without the end token."""
    import torch

    text = tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
    enc = tokenizer(text, return_tensors="pt", add_special_tokens=False).to(model.device)
    with torch.no_grad():
        out = model.generate(
            **enc,
            max_new_tokens=max_new_tokens,
            do_sample=do_sample,
            eos_token_id=tokenizer.convert_tokens_to_ids("<|im_end|>"),
            pad_token_id=tokenizer.pad_token_id,
        )
    return tokenizer.decode(out[0, enc["input_ids"].shape[1] :], skip_special_tokens=True)
