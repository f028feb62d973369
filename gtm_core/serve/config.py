"""The serving settings, typed once: ``gtm serve``'s options are generated from ``ServeConfig``'s
fields (``gtm_core.cli.options``), ``gtm simulate`` takes a few of ``SimulatorSetup``'s, and
``build_simulator`` reads one ``SimulatorSetup``.

``SimulatorSetup`` = which tools + which model answers (``BackendConfig``) + how the engine answers
(``SimulatorConfig``, the simulator's own model); ``ServeConfig`` adds the front (HTTP/MCP, queue).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from gtm_core.llm.decode import PREFIX_CACHE_MB
from gtm_core.simulator.config import SimulatorConfig
from gtm_core.simulator.models import DEFAULT_MODEL, BackendOptions


class BackendConfig(BaseModel):
    """Which model answers and how a local backend runs it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    backend: str = Field("offline", description="offline | transformers | vllm | openai")
    model: str | None = Field(
        None, description=f"models:/ URI or local folder (default {DEFAULT_MODEL})"
    )
    base_url: str | None = Field(None, description="openai backend: endpoint base URL")
    api_key: str | None = Field(None, description="openai backend: API key")
    lora: str | None = Field(None, description="vllm backend: LoRA adapter folder")
    max_batch: int = Field(
        32,
        description="most calls in one batch (the HTTP front's, the transformers backend's rows)",
    )
    continuous: bool = Field(
        True,
        description="transformers backend: continuous batching (calls join the running decode "
        "batch between steps) instead of one batch at a time",
    )
    prefix_cache_mb: int = Field(
        PREFIX_CACHE_MB, description="transformers backend: memory for cached prompt-prefix KV"
    )
    cpu_threads: int | None = Field(
        None,
        ge=1,
        description="transformers backend on CPU: torch intra-op threads of the decode loop "
        "under load (a batch of 4 rows or more; default: every core); a smaller batch decodes "
        "on one thread, leaving the other cores to the HTTP front",
    )

    def options(self, max_tokens: int) -> BackendOptions:
        """The ``BackendOptions`` that travel to the backend (``max_tokens``: the simulator's)."""
        return BackendOptions(
            max_tokens=max_tokens,
            batch_size=self.max_batch,
            continuous=self.continuous,
            prefix_cache_mb=self.prefix_cache_mb,
            cpu_threads=self.cpu_threads,
        )


class SimulatorSetup(BaseModel):
    """What ``build_simulator`` builds a Simulator from: the tools, the backend, the engine."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    engine: BackendConfig = BackendConfig()
    tools: Path | None = Field(
        None, description="JSONL of tool specs (default: DuckDB tools table)"
    )
    tool: list[str] | None = Field(None, description="serve only these tools (repeatable)")
    search_preset: bool = Field(
        False, description="add the 'search' preset tool (Search-R1 /retrieve)"
    )
    simulator: SimulatorConfig = SimulatorConfig()


class ServeConfig(SimulatorSetup):
    """``gtm serve``: a ``SimulatorSetup`` behind HTTP (FastAPI) or MCP."""

    host: str = Field("127.0.0.1", description="bind address (127.0.0.1 = this machine only)")
    port: int = Field(8080, description="HTTP port")
    token: str | None = Field(None, description="require 'Authorization: Bearer TOKEN'")
    mcp: bool = Field(False, description="serve MCP over stdio instead of HTTP")
    mcp_http: bool = Field(False, description="also serve MCP (streamable HTTP) at /mcp")
    max_wait_ms: float = Field(5.0, description="longest wait (ms) for a batch to fill")
    max_queue: int = Field(1024, description="calls queued before the front answers 503")
    warmup: bool = Field(
        True,
        description="compile every tool's decoding grammar before serving and (transformers "
        "backend) precompute each tool's prompt prefix KV, as far as --prefix-cache-mb holds",
    )


__all__ = ["BackendConfig", "ServeConfig", "SimulatorSetup"]
