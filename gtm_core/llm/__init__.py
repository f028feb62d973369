"""LLM layer: one ChatModel interface, several backends, and the factory that picks one."""

from __future__ import annotations

from gtm_core.llm.base import ChatModel, ChatRequest, OutputParseError, extract_json, prompt_request
from gtm_core.settings import LLMSettings

__all__ = [
    "ChatModel",
    "ChatRequest",
    "OutputParseError",
    "extract_json",
    "prompt_request",
    "make_chat_model",
]


def make_chat_model(cfg: LLMSettings) -> ChatModel:
    """Build the configured backend (imports heavy libraries only for the chosen one)."""
    if cfg.backend == "offline":
        from gtm_core.llm.offline import OfflineTeacher

        return OfflineTeacher(seed=cfg.seed)
    if cfg.backend == "openai":
        from gtm_core.llm.openai_compat import OpenAIChat

        if not cfg.base_url:
            raise ValueError(
                "llm.base_url: required for the openai backend (e.g. http://127.0.0.1:8000/v1)"
            )
        return OpenAIChat(
            cfg.model,
            cfg.base_url,
            cfg.api_key,
            temperature=cfg.temperature,
            max_tokens=cfg.max_tokens,
            timeout_s=cfg.timeout_s,
            max_retries=cfg.max_retries,
            concurrency=cfg.concurrency,
        )
    if cfg.backend == "transformers":
        from gtm_core.llm.transformers_chat import TransformersChat

        return TransformersChat(cfg.model, max_tokens=cfg.max_tokens, temperature=cfg.temperature)
    if cfg.backend == "vllm":
        from gtm_core.llm.vllm_chat import VLLMChat

        return VLLMChat(cfg.model, temperature=cfg.temperature, max_tokens=cfg.max_tokens)
    raise ValueError(f"llm.backend: unknown backend {cfg.backend!r}")
