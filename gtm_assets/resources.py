"""The one Dagster resource: project settings, storage, LLM, embedder
(thin wrapper over gtm_core)."""

from __future__ import annotations

import dagster as dg
from pydantic import PrivateAttr

from gtm_core.settings import Settings, get_settings


class GTMResource(dg.ConfigurableResource):
    """Profile and data folder of the run; everything else comes from ``GTM_*`` settings."""

    profile: str = "local"
    data_dir: str | None = None

    _settings: Settings | None = PrivateAttr(default=None)

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            overrides = {"data_dir": self.data_dir} if self.data_dir else {}
            self._settings = get_settings(profile=self.profile, **overrides)
        return self._settings

    def store(self):
        from gtm_core.storage import Store

        return Store(self.settings.duckdb_path)

    def chat(self, role: str = "teacher"):
        """The configured ChatModel: ``teacher`` (settings.llm) or ``judge`` (settings.judge)."""
        from gtm_core.llm import make_chat_model

        cfg = self.settings.judge if role == "judge" else self.settings.llm
        return None if cfg is None else make_chat_model(cfg)

    def embedder(self):
        from gtm_core.embed import Embedder

        return Embedder(self.settings.embedder_model, batch_size=self.settings.embed_batch_size)
