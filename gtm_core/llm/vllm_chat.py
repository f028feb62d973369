"""In-process vLLM backend (GPU): batched chat with structured outputs and optional LoRA."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from gtm_core.llm.base import ChatRequest


def sampling_params_for(
    request: ChatRequest, *, temperature: float, max_tokens: int
) -> dict[str, Any]:
    """Keyword arguments for ``vllm.SamplingParams`` of one request (pure; testable on CPU)."""
    kw: dict[str, Any] = {
        "temperature": temperature if request.temperature is None else request.temperature,
        "max_tokens": request.max_tokens or max_tokens,
    }
    if request.seed is not None:
        kw["seed"] = request.seed
    if request.response_schema is not None:
        # becomes StructuredOutputsParams(json=schema) in build_sampling_params
        kw["structured_outputs"] = {"json": request.response_schema}
    return kw


def build_sampling_params(request: ChatRequest, *, temperature: float, max_tokens: int):
    """``vllm.SamplingParams`` for one request, decoding constrained to its response schema."""
    from vllm import SamplingParams
    from vllm.sampling_params import StructuredOutputsParams

    kw = sampling_params_for(request, temperature=temperature, max_tokens=max_tokens)
    if "structured_outputs" in kw:
        kw["structured_outputs"] = StructuredOutputsParams(**kw["structured_outputs"])
    return SamplingParams(**kw)


class VLLMChat:
    """``vllm.LLM`` in this process. Needs CUDA; tensor/data parallel sizes pass through."""

    def __init__(
        self,
        model_path: str,
        *,
        temperature: float = 0.7,
        max_tokens: int = 1024,
        lora_path: str | None = None,
        **engine_kwargs,
    ):
        from vllm import LLM

        self.name = f"vllm:{model_path}"
        self.temperature, self.max_tokens = temperature, max_tokens
        self.lora_path = lora_path
        if lora_path:
            engine_kwargs.setdefault("enable_lora", True)
        self.llm = LLM(model=model_path, **engine_kwargs)

    def generate(self, requests: Sequence[ChatRequest], *, progress: bool = False) -> list[str]:
        params = [
            build_sampling_params(r, temperature=self.temperature, max_tokens=self.max_tokens)
            for r in requests
        ]
        lora = None
        if self.lora_path:
            from vllm.lora.request import LoRARequest

            lora = LoRARequest("gtm", 1, self.lora_path)
        outs = self.llm.chat(
            [r.messages for r in requests], params, use_tqdm=progress, lora_request=lora
        )
        return [o.outputs[0].text for o in outs]
