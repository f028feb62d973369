"""Prompt templates (``*.j2``) and their content hashes.

Every prompt the pipeline sends is a template file here; assets hash the templates they use into
their Dagster ``code_version`` so a prompt edit marks exactly the dependent assets stale.
"""

from __future__ import annotations

import hashlib
import os
from functools import cache
from pathlib import Path

import jinja2

PACKAGE_PROMPTS = Path(__file__).parent
# GTM_PROMPTS_DIR points at an edited copy of this folder (custom prompts
# without touching the package).
PROMPTS_DIR = Path(os.environ.get("GTM_PROMPTS_DIR") or PACKAGE_PROMPTS)

_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(PROMPTS_DIR)),
    undefined=jinja2.StrictUndefined,
    keep_trailing_newline=False,
    autoescape=False,
)
_env.filters["tojson"] = lambda v, indent=None: __import__("json").dumps(
    v, ensure_ascii=False, indent=indent
)


def template_path(name: str) -> Path:
    p = PROMPTS_DIR / f"{name}.j2"
    if not p.is_file():
        raise FileNotFoundError(f"prompt template {name!r} not found in {PROMPTS_DIR}")
    return p


def render(name: str, **variables) -> tuple[str, str]:
    """Render template ``name`` -> (system, user). The system part is the block before a line
    ``---user---``; templates without the marker have an empty system part."""
    text = _env.get_template(f"{name}.j2").render(**variables)
    if "---user---" in text:
        system, user = text.split("---user---", 1)
        return system.strip(), user.strip()
    return "", text.strip()


@cache
def _file_hash(path: Path, mtime: float) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def prompt_hash(*names: str) -> str:
    """A combined content hash of the named templates."""
    h = hashlib.sha256()
    for n in sorted(names):
        p = template_path(n)
        h.update(n.encode())
        h.update(_file_hash(p, p.stat().st_mtime).encode())
    return h.hexdigest()[:16]


def available() -> list[str]:
    return sorted(p.stem for p in PROMPTS_DIR.glob("*.j2"))
