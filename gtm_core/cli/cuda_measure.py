"""``gtm cuda-measure``: the real CUDA Code Validator over candidate kernels (needs a GPU)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from gtm_core.cli.app import app, console, emit


@app.command("cuda-measure")
def cuda_measure(
    problems: Path = typer.Option(..., "--problems", help="KernelBench problems JSONL"),
    out: Path = typer.Option(
        ..., "--out", help="outcomes JSONL (appended; already measured kernels are skipped)"
    ),
    kernels: Path | None = typer.Option(
        None,
        "--kernels",
        help="candidates JSONL {level, problem_id, variant, kernel_code}; "
        "default: the built-in candidate variants",
    ),
    variant: list[str] = typer.Option(
        [], "--variant", help="built-in variants to measure (default: all)"
    ),
    limit: int | None = typer.Option(None, help="measure at most this many candidates"),
    trials: int = typer.Option(100, help="timed runs per kernel"),
    timeout_s: float = typer.Option(900.0, help="per-kernel limit (compile + run)"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
) -> None:
    """Compile and run candidate kernels against their PyTorch references; write measured
    outcomes."""
    from tqdm import tqdm

    from gtm_core.domains.cuda import (
        VARIANTS,
        CudaUnavailableError,
        ProblemError,
        candidate_kernels,
        load_problems,
        measure_kernel,
        require_cuda,
    )

    try:
        probs = {p.key: p for p in load_problems(problems)}
    except (OSError, ProblemError) as e:
        raise typer.BadParameter(str(e), param_hint="--problems") from None
    if kernels is not None:
        if not kernels.is_file():
            raise typer.BadParameter(f"no such file: {kernels}", param_hint="--kernels")
        cands = [
            json.loads(x) for x in kernels.read_text(encoding="utf-8").splitlines() if x.strip()
        ]
        for i, c in enumerate(cands):
            for f in ("level", "problem_id", "kernel_code"):
                if not isinstance(c.get(f), str) or not c[f]:
                    raise typer.BadParameter(
                        f"line {i + 1}: field {f!r}: missing", param_hint="--kernels"
                    )
            if f"{c['level']}/{c['problem_id']}" not in probs:
                raise typer.BadParameter(
                    f"line {i + 1}: field 'problem_id': unknown problem "
                    f"{c['level']}/{c['problem_id']}",
                    param_hint="--kernels",
                )
    else:
        bad = [v for v in variant if v not in VARIANTS]
        if bad:
            raise typer.BadParameter(
                f"unknown variants {bad} (one of {sorted(VARIANTS)})", param_hint="--variant"
            )
        cands = candidate_kernels(probs.values(), variant or tuple(VARIANTS))
    try:
        require_cuda()
    except CudaUnavailableError as e:
        emit(
            {"skipped": True, "reason": str(e), "n_candidates": len(cands), "measured": 0}, as_json
        )
        return
    done = set()
    if out.is_file():
        done = {
            (r["level"], r["problem_id"], r.get("variant"), r.get("kernel_sha"))
            for r in map(
                json.loads, filter(str.strip, out.read_text(encoding="utf-8").splitlines())
            )
        }
    import hashlib

    todo = []
    for c in cands:
        sha = hashlib.sha1(c["kernel_code"].encode()).hexdigest()[:16]
        if (c["level"], c["problem_id"], c.get("variant"), sha) not in done:
            todo.append({**c, "kernel_sha": sha})
    todo = todo[:limit] if limit is not None else todo
    out.parent.mkdir(parents=True, exist_ok=True)
    counts = {"compiled": 0, "correct": 0}
    with out.open("a", encoding="utf-8") as fh:
        for c in tqdm(todo, desc="measure", disable=as_json):
            p = probs[f"{c['level']}/{c['problem_id']}"]
            r = measure_kernel(
                p.reference_code, c["kernel_code"], trials=trials, timeout_s=timeout_s
            )
            counts["compiled"] += bool(r.get("compiled"))
            counts["correct"] += bool(r.get("correct"))
            fh.write(
                json.dumps(
                    {
                        **c,
                        **r,
                        "gpu": r.get("hardware"),
                        "provenance": f"measured:{r.get('hardware')}",
                    }
                )
                + "\n"
            )
            fh.flush()
    if not as_json:
        console.print(f"measured {len(todo)} kernels into {out}")
    emit(
        {
            "skipped": False,
            "n_candidates": len(cands),
            "measured": len(todo),
            "already_measured": len(cands) - len(todo) if limit is None else None,
            **counts,
            "out": str(out),
        },
        as_json,
    )
