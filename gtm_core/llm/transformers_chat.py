"""Local transformers backend: batched ``generate`` with left padding on CPU or GPU."""

from __future__ import annotations

from collections.abc import Sequence

from tqdm.auto import tqdm

from gtm_core.llm.base import ChatRequest


class TransformersChat:
    """A causal LM + tokenizer with a chat template, loaded from a local folder (a full model, or a
    LoRA adapter merged into its base), a hub id, or a packaged base model's name
    (``smollm2-135m-instruct``, converted on first use)."""

    def __init__(
        self,
        model_path: str,
        *,
        device: str | None = None,
        max_tokens: int = 512,
        temperature: float = 0.0,
        batch_size: int = 16,
        model=None,
        tokenizer=None,
    ):
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        from gtm_core.llm.base_models import resolve_base
        from gtm_core.llm.loading import is_adapter, load_model
        from gtm_core.llm.precision import model_dtype

        self.name = f"transformers:{model_path}"
        self.device = device or ("cuda" if torch.cuda.is_available() else "cpu")
        dtype = getattr(
            torch, model_dtype(self.device)
        )  # bfloat16 where the hardware computes it natively
        if model is None and is_adapter(model_path):  # its recorded base, resolved on this machine
            model, tok = load_model(
                model_path, device=self.device, dtype=str(dtype).removeprefix("torch.")
            )
            tokenizer = tokenizer or tok
        source = resolve_base(model_path) if model is None or tokenizer is None else model_path
        self.tokenizer = tokenizer or AutoTokenizer.from_pretrained(source)
        self.tokenizer.padding_side = "left"
        if self.tokenizer.pad_token is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        self.model = model or AutoModelForCausalLM.from_pretrained(source, dtype=dtype)
        self.model.to(self.device).eval()
        self.max_tokens, self.temperature, self.batch_size = max_tokens, temperature, batch_size

    def encode_prompts(self, requests: Sequence[ChatRequest]) -> list[str]:
        return [
            self.tokenizer.apply_chat_template(
                r.messages, tokenize=False, add_generation_prompt=True
            )
            for r in requests
        ]

    def generate(
        self,
        requests: Sequence[ChatRequest],
        *,
        progress: bool = False,
        logits_processor_factory=None,
    ) -> list[str]:
        """Generate for all requests in batches; ``logits_processor_factory(batch)`` may return
        logits processors (e.g. grammar constraints) for a batch."""
        import torch

        out: list[str] = []
        texts = self.encode_prompts(requests)
        for start in tqdm(
            range(0, len(texts), self.batch_size), disable=not progress, desc=self.name
        ):
            batch_req = requests[start : start + self.batch_size]
            enc = self.tokenizer(
                texts[start : start + self.batch_size],
                return_tensors="pt",
                padding=True,
                add_special_tokens=False,
            ).to(self.device)
            temp = (
                batch_req[0].temperature
                if batch_req[0].temperature is not None
                else self.temperature
            )
            kwargs = dict(
                max_new_tokens=max(r.max_tokens or self.max_tokens for r in batch_req),
                do_sample=temp > 0,
                pad_token_id=self.tokenizer.pad_token_id,
            )
            if temp > 0:
                kwargs["temperature"] = temp
            if batch_req[0].seed is not None:
                torch.manual_seed(batch_req[0].seed)
            if logits_processor_factory is not None:
                procs = logits_processor_factory(batch_req)
                if procs:
                    kwargs["logits_processor"] = procs
            with torch.inference_mode():
                gen = self.model.generate(**enc, **kwargs)
            new = gen[:, enc["input_ids"].shape[1] :]
            out.extend(self.tokenizer.batch_decode(new, skip_special_tokens=True))
        return out
