"""Model references: the one grammar every front reads (``gtm serve``, ``gtm eval``, ``gtm audit``,
``bench/``, the evaluation assets) and the simulator backend each one runs on.

* ``models:/NAME@ALIAS``, ``models:/NAME/VERSION``, ``runs:/...`` or a local folder: a trained GTM,
  run by ``transformers`` (CPU) or ``vllm`` (CUDA with the gpu profile) (``local_kind``);
* ``offline``: the model-free offline teacher;
* ``openai:<model>@<base_url>``: any OpenAI-compatible endpoint;
* nothing: ``DEFAULT_MODEL`` (``@champion``), else ``@candidate``, else the offline teacher.

``make_backend(kind, model)`` builds a backend by kind (``BACKENDS``), ``ref_backend(ref)`` the
backend of a parsed reference, ``model_folder`` resolves a reference to the local folder a backend
loads: the one place that turns a model reference into a backend.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gtm_core.llm.decode import PREFIX_CACHE_MB
from gtm_core.settings import Settings

if TYPE_CHECKING:
    from gtm_core.simulator.backends import SimBackend

MODEL_NAME = "gtm"
DEFAULT_MODEL = f"models:/{MODEL_NAME}@champion"
OFFLINE_NOTE = "no registered model: the offline teacher's 'simulate' task (model-free baseline)"


@dataclass
class ModelRef:
    """A model to evaluate. ``kind``: offline | transformers | vllm | openai (endpoint)."""

    label: str
    kind: str = "offline"
    uri: str | None = None
    version: str | None = None
    run_id: str | None = None
    base_url: str | None = None
    api_key: str | None = None
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("api_key")
        return d


def local_kind(settings: Settings | None = None) -> str:
    """vllm on a CUDA machine with the gpu profile, else transformers (CPU)."""
    try:
        import torch

        cuda = torch.cuda.is_available()
    except ImportError:  # pragma: no cover
        cuda = False
    return "vllm" if cuda and settings is not None and settings.profile == "gpu" else "transformers"


def ref_backend(
    ref: ModelRef,
    settings: Settings | None = None,
    *,
    seed: int = 0,
    max_tokens: int = 512,
    batch_size: int = 16,
):
    """The simulator backend of ``ref``."""
    if ref.kind == "offline":
        return make_backend("offline", seed=seed)
    if ref.kind == "openai":
        return make_backend("openai", ref.uri or "gtm", base_url=ref.base_url, api_key=ref.api_key)
    from gtm_core.model_registry import resolve_model

    uri = str(ref.uri or "")
    if not uri.startswith(("models:/", "runs:/")) and not Path(uri).expanduser().exists():
        raise FileNotFoundError(
            f"model {uri!r}: no such folder (give a folder, models:/..., runs:/..., offline or "
            "openai:<model>@<url>)"
        )
    try:
        path = resolve_model(uri, settings=settings)
    except FileNotFoundError:
        raise
    except Exception as e:  # registry: unknown name / alias / version
        raise ValueError(f"model {uri!r}: {e}") from None
    # continuous batching over every core: evaluation is the only work of its process
    return make_backend(
        ref.kind,
        path,
        options=BackendOptions(
            max_tokens=max_tokens, batch_size=batch_size, continuous=True, cpu_threads=None
        ),
    )


def backend_for(
    model: str | None,
    settings: Settings,
    *,
    seed: int = 0,
    max_tokens: int = 512,
    batch_size: int = 16,
) -> tuple[ModelRef, Any]:
    """``parse_model(model)`` and its backend (``ref_backend``): what ``gtm audit`` and ``gtm eval``
    score."""
    ref = parse_model(model, settings)
    return ref, ref_backend(ref, settings, seed=seed, max_tokens=max_tokens, batch_size=batch_size)


def registry_versions(settings: Settings, name: str = MODEL_NAME) -> list[dict[str, Any]]:
    """Registered versions of ``name``, newest first ([] when none is registered)."""
    from gtm_core import model_registry as registry

    try:
        return registry.list_models(name, settings=settings)
    except Exception:  # no such registered model (fresh data folder)
        return []


def ref_for_version(row: dict[str, Any], settings: Settings, label: str | None = None) -> ModelRef:
    aliases = ",".join(row.get("aliases") or [])
    return ModelRef(
        label=label or f"{row['name']} v{row['version']}" + (f" @{aliases}" if aliases else ""),
        kind=local_kind(settings),
        uri=f"models:/{row['name']}/{row['version']}",
        version=str(row["version"]),
        run_id=row.get("run_id"),
    )


def default_model(settings: Settings, name: str = MODEL_NAME) -> ModelRef:
    """``models:/gtm@champion``, else ``@candidate``, else the offline teacher (said in
    ``note``)."""
    rows = registry_versions(settings, name)
    for alias in ("champion", "candidate"):
        for r in rows:
            if alias in (r.get("aliases") or []):
                ref = ref_for_version(r, settings, f"{name}@{alias} (v{r['version']})")
                ref.uri = f"models:/{name}@{alias}"
                return ref
    return ModelRef(label="offline-teacher", kind="offline", note=OFFLINE_NOTE)


def parse_model(spec: str | None, settings: Settings) -> ModelRef:
    """A model from a CLI string: None = default; 'offline'; models:/..., runs:/..., a folder;
    'openai:<model>@<base_url>' for an OpenAI-compatible endpoint."""
    if not spec:
        return default_model(settings)
    if spec == "offline":
        return ModelRef(
            label="offline-teacher", kind="offline", note="model-free baseline (offline teacher)"
        )
    if spec.startswith("openai:"):
        model, _, url = spec[len("openai:") :].partition("@")
        if not url:
            raise ValueError(f"model {spec!r}: endpoint form is openai:<model>@<base_url>")
        return ModelRef(label=f"{model} @ {url}", kind="openai", uri=model, base_url=url)
    return ModelRef(label=spec, kind=local_kind(settings), uri=spec)


def model_folder(model: str | Path) -> Path:
    """A local model folder from a ``models:/name@alias`` registry URI or a local path."""
    m = str(model)
    if m.startswith("models:/"):
        try:
            from gtm_core.model_registry import resolve_model as registry_resolve
        except ImportError as e:
            raise RuntimeError(
                f"model {m!r}: resolving registry URIs needs gtm_core.model_registry ({e})"
            ) from e
        return Path(registry_resolve(m))
    from gtm_core.llm.base_models import ensure_base, is_packaged

    if is_packaged(
        m
    ):  # an untuned packaged base model (smollm2-135m-instruct): its converted folder
        return ensure_base(m)
    p = Path(m).expanduser()
    if not p.exists():
        raise FileNotFoundError(
            f"model {m!r}: no such local path (give a folder or a models:/ URI)"
        )
    return p


@dataclass(frozen=True)
class BackendOptions:
    """Settings that travel to a local model backend, typed (``gtm serve``'s flags, eval and audit
    fill them): ``max_tokens`` for transformers and vLLM, the rest for transformers (batch rows,
    continuous batching, prompt-prefix KV memory, CPU threads of the decode loop; None: torch's)."""

    max_tokens: int = 512
    batch_size: int = 32
    continuous: bool = False
    prefix_cache_mb: int = PREFIX_CACHE_MB
    cpu_threads: int | None = 1


# a backend kind -> its class; adding a backend is one class and one entry here (and its branch
# below
# when its constructor needs more than the options)
BACKENDS: dict[str, str] = {  # kind -> class in ``simulator.backends`` (imported on first use)
    "offline": "OfflineSimBackend",
    "transformers": "TransformersSimBackend",
    "vllm": "VLLMSimBackend",
    "openai": "OpenAISimBackend",
}


def make_backend(
    kind: str = "offline",
    model: str | Path | None = None,
    *,
    seed: int = 0,
    base_url: str | None = None,
    api_key: str | None = None,
    lora_path: str | None = None,
    options: BackendOptions | None = None,
    **kw,
) -> SimBackend:
    """Build a simulator backend by kind (``BACKENDS``); ``kw`` goes to the backend as is (the
    OpenAI client's ``concurrency``, vLLM engine arguments)."""
    if kind not in BACKENDS:
        raise ValueError(f"backend: unknown kind {kind!r} ({', '.join(BACKENDS)})")
    from gtm_core.simulator import backends

    cls = getattr(backends, BACKENDS[kind])
    o = options or BackendOptions()
    if kind == "offline":
        return cls(seed=seed)
    if kind == "openai":
        if not base_url:
            raise ValueError("backend openai: base_url is required (e.g. http://127.0.0.1:8000/v1)")
        return cls(str(model or "gtm"), base_url, api_key, **kw)
    path = model_folder(model or DEFAULT_MODEL)
    if kind == "transformers":
        return cls(
            path,
            max_tokens=o.max_tokens,
            batch_size=o.batch_size,
            continuous=o.continuous,
            prefix_cache_mb=o.prefix_cache_mb,
            cpu_threads=o.cpu_threads,
            **kw,
        )
    return cls(path, lora_path=lora_path, max_tokens=o.max_tokens, **kw)
