"""Tool-spec importers: one module per public format, auto-detected, never raising on bad input.

``import_file(path)`` reads a JSON / JSON Lines file, detects its format (``FORMATS``), converts
each record to the unified raw form and validates it with ``ToolSpec.parse``. Everything that
cannot be used becomes a ``Reject`` with a stage (``read``: the file or a line; ``convert``: the
record does not fit its format; ``validate``: ToolSpec rejected it), the spec name, the field and
the reason, so nothing is lost: ``n_read == len(specs) + len(rejects)``.
``complete_specs`` asks the configured ChatModel for missing parameter types / response schemas.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from gtm_core.spec import Reject, SpecError, ToolSpec
from gtm_core.tools.importers import (
    apigen_xlam,
    bfcl,
    mcp_tools_list,
    openai_functions,
    seal_tools,
    toolbench_rapidapi,
    tooleyes,
)
from gtm_core.tools.importers.reader import ReadFailure, read_records

__all__ = [
    "FORMATS",
    "ImportResult",
    "complete_specs",
    "detect_format",
    "import_file",
    "import_sources",
]

FORMATS: dict[str, ModuleType] = {
    m.NAME: m
    for m in (
        openai_functions,
        seal_tools,
        tooleyes,
        apigen_xlam,
        bfcl,
        toolbench_rapidapi,
        mcp_tools_list,
    )
}


@dataclass
class ImportResult:
    """Accepted specs and rejects (with reasons) of one or more sources."""

    specs: list[ToolSpec] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    n_read: int = 0
    source: str = ""
    format: str = ""
    timings: dict[str, float] = field(
        default_factory=dict
    )  # seconds per stage: read, convert, validate

    def __add__(self, other: ImportResult) -> ImportResult:
        return ImportResult.combine([self, other])

    @classmethod
    def combine(cls, results: Iterable[ImportResult]) -> ImportResult:
        results = list(results)
        fmts = sorted({r.format for r in results if r.format})
        timings: dict[str, float] = {}
        for r in results:
            for k, v in r.timings.items():
                timings[k] = timings.get(k, 0.0) + v
        return cls(
            timings=timings,
            specs=[s for r in results for s in r.specs],
            rejects=[x for r in results for x in r.rejects],
            n_read=sum(r.n_read for r in results),
            source=",".join(r.source for r in results if r.source),
            format=fmts[0] if len(fmts) == 1 else ",".join(fmts),
        )

    @property
    def n_loaded(self) -> int:
        return len(self.specs)

    @property
    def load_rate(self) -> float:
        return len(self.specs) / self.n_read if self.n_read else 1.0

    def summary(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "format": self.format,
            "read": self.n_read,
            "loaded": len(self.specs),
            "rejected": len(self.rejects),
            "load_rate": round(self.load_rate, 4),
        }

    def specs_frame(self):
        import pandas as pd

        return pd.DataFrame(
            [s.to_row() for s in self.specs], columns=list(ToolSpec(name="x").to_row())
        )

    def rejects_frame(self):
        import pandas as pd

        return pd.DataFrame(
            [r.to_row() for r in self.rejects],
            columns=["source", "name", "field", "reason", "stage", "raw"],
        )


def detect_format(path: str | Path, sample_records: Sequence[Any]) -> str:
    """The format whose ``detect`` scores the sample highest (file name
    as a hint); ties -> openai."""
    scores = dict.fromkeys(FORMATS, 0)
    for rec in sample_records:
        if isinstance(rec, ReadFailure):
            continue
        for name, mod in FORMATS.items():
            scores[name] += mod.detect(rec, str(path))
    best = max(scores.values())
    if best == 0:
        return openai_functions.NAME
    return next(n for n, s in sorted(scores.items(), key=lambda kv: -kv[1]) if s == best)


def import_file(
    path: str | Path, fmt: str | None = None, *, limit: int | None = None
) -> ImportResult:
    """Import one spec file. Never raises on bad records or a broken/unreadable file."""
    p = Path(path)
    src = p.name
    t_read = t_conv = t_val = 0.0
    t0 = time.perf_counter()
    specs: list[ToolSpec] = []
    rejects: list[Reject] = []
    if fmt is not None and fmt not in FORMATS:
        rejects.append(
            Reject(
                src,
                "<file>",
                "format",
                f"unknown format {fmt!r}; known: {sorted(FORMATS)}",
                raw=str(p),
                stage="read",
            )
        )
        return ImportResult(specs, rejects, 1, str(p), fmt)
    records = read_records(p)
    head: list[tuple[str, Any]] = []
    for item in records:
        head.append(item)
        if len(head) >= 20:
            break
    fmt = fmt or detect_format(p, [r for _, r in head])
    mod = FORMATS[fmt]
    n_read = 0

    def all_records():
        yield from head
        yield from records

    t_read += time.perf_counter() - t0
    it = all_records()
    while True:
        t0 = time.perf_counter()
        where, rec = next(it, (None, None))
        t_read += time.perf_counter() - t0
        if where is None:
            break
        if limit is not None and n_read >= limit:
            break
        if isinstance(rec, ReadFailure):
            n_read += 1
            rejects.append(
                Reject(src, "<unread>", where, rec.reason, raw=rec.text or None, stage="read")
            )
            continue
        t0 = time.perf_counter()
        try:
            raws = mod.convert(rec, str(p))
        except Exception as e:  # a converter bug must not stop the file
            raws = [
                SpecError("<unnamed>", "<root>", f"cannot convert {where}: {type(e).__name__}: {e}")
            ]
        t1 = time.perf_counter()
        t_conv += t1 - t0
        for raw in raws:
            if limit is not None and n_read >= limit:
                break
            n_read += 1
            if isinstance(raw, SpecError):
                rejects.append(
                    Reject(
                        src,
                        raw.spec,
                        raw.field,
                        f"{raw.reason} ({where})",
                        raw=rec,
                        stage="convert",
                    )
                )
                continue
            try:
                specs.append(ToolSpec.parse(raw, source=src))
            except SpecError as e:
                rejects.append(Reject(src, e.spec, e.field, e.reason, raw=raw, stage="validate"))
            except Exception as e:  # pydantic or an unexpected value type
                rejects.append(
                    Reject(
                        src,
                        str(raw.get("name", "<unnamed>")),
                        "<root>",
                        f"{type(e).__name__}: {str(e)[:300]}",
                        raw=raw,
                        stage="validate",
                    )
                )
        t_val += time.perf_counter() - t1
    return ImportResult(
        specs,
        rejects,
        n_read,
        str(p),
        fmt,
        timings={"read": t_read, "convert": t_conv, "validate": t_val},
    )


def import_sources(
    paths: Iterable[str | Path], *, limit_per_source: int | None = None, progress: bool = False
) -> ImportResult:
    """Import several files; one broken file does not stop the others."""
    from tqdm.auto import tqdm

    paths = list(paths)
    results = []
    for p in tqdm(paths, desc="import specs", disable=not progress):
        try:
            results.append(import_file(p, limit=limit_per_source))
        except Exception as e:  # defensive: import_file itself should never raise
            results.append(
                ImportResult(
                    [],
                    [
                        Reject(
                            Path(p).name,
                            "<file>",
                            "file",
                            f"{type(e).__name__}: {e}",
                            raw=str(p),
                            stage="read",
                        )
                    ],
                    1,
                    str(p),
                    "",
                )
            )
    return ImportResult.combine(results)


from gtm_core.tools.importers.completion import complete_specs  # noqa: E402
