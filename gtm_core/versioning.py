"""Content hashes of code and prompts: the source of every Dagster asset's ``code_version``."""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import inspect
from pathlib import Path
from types import ModuleType

from gtm_core.prompts import prompt_hash


def code_hash(*modules: str | ModuleType) -> str:
    """Hash of the source text of the given modules (or dotted module names)."""
    h = hashlib.sha256()
    for m in sorted(modules, key=lambda x: x if isinstance(x, str) else x.__name__):
        if isinstance(
            m, str
        ):  # read the source without importing (no import cycles, no heavy imports)
            spec = importlib.util.find_spec(m)
            if spec is not None and spec.origin and Path(spec.origin).suffix == ".py":
                h.update(m.encode())
                h.update(Path(spec.origin).read_text(encoding="utf-8").encode())
                continue
            m = importlib.import_module(m)
        h.update(m.__name__.encode())
        try:
            h.update(inspect.getsource(m).encode())
        except (OSError, TypeError):
            h.update(getattr(m, "__version__", "").encode())
    return h.hexdigest()[:16]


def code_version(
    *,
    modules: tuple[str, ...] = (),
    prompts: tuple[str, ...] = (),
    files: tuple[Path, ...] = (),
    extra: str = "",
) -> str:
    """The code_version of an asset: its code modules + prompt templates + data files (+ a tag)."""
    h = hashlib.sha256()
    for f in sorted(files):
        h.update(Path(f).read_bytes())
    h.update(code_hash(*modules).encode() if modules else b"")
    h.update(prompt_hash(*prompts).encode() if prompts else b"")
    h.update(extra.encode())
    return h.hexdigest()[:16]
