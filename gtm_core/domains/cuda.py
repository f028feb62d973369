"""CUDA Code Validator domain (paper §5.4, Table 4).

KernelBench problems (a PyTorch reference ``Model`` with ``get_inputs``/``get_init_inputs``) and
candidate kernels (module source defining ``ModelNew``) with outcomes (compiled, correct,
runtime ms) become SFT records in the simulator's prompt contract for the ``validate_cuda_kernel``
tool; ``table4_metrics`` scores predicted outcomes; ``measure_kernel`` is the real tool (compile
and run on CUDA). Run ``python -m gtm_core.domains.cuda`` as the isolated measuring worker.

Outcome provenance: ``kernelbench:<hardware>/<variant>`` = real H100 timings shipped with the
problems (eager reference and torch.compile); ``measured:<gpu>`` = ``measure_kernel``;
``constructed`` = failure candidates whose outcome holds by construction (a CUDA source with a
syntax error cannot compile; an output scaled by 1.5 and shifted by 1 cannot match) — verify them
with ``gtm cuda-measure`` on a GPU.
"""

from __future__ import annotations

import hashlib
import json
import math
import statistics
import sys
import time
import traceback
import types
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gtm_core.spec import ToolSpec

TOOL_NAME = "validate_cuda_kernel"
HARDWARE = {"H100_Modal": "NVIDIA H100 80GB HBM3", "H100_PCIe_LambdaLabs": "NVIDIA H100 PCIe"}
ERROR_KINDS = ("compilation_error", "runtime_error", "output_mismatch", "timeout")
# The ``cuda-validator`` fine-tuning preset (gtm_core.domains.cuda_model.domain_train_config): it
# continues the registered GTM (first ref that resolves) with the base model's own preset, for a
# few epochs at ``lr_scale`` x its learning rate, on prompts long enough for kernel sources.
DOMAIN_PRESET: dict[str, Any] = {
    "name": "cuda-validator",
    "model_name": "gtm-cuda-validator",
    "init_from": ("models:/gtm@champion", "models:/gtm@candidate"),
    "epochs": 3.0,
    "lr_scale": 0.25,
    "max_length": 4096,
    "max_length_cpu": 2048,
    "warmup_ratio": 0.05,
    "max_train_examples": None,
    "max_train_examples_cpu": 8,
    "epochs_cpu": 1.0,
}

VALIDATOR_SPEC = ToolSpec.parse(
    {
        "name": TOOL_NAME,
        "description": (
            "CUDA Code Validator: compiles a candidate kernel module (PyTorch + inline CUDA "
            "defining class ModelNew) and runs it against the PyTorch reference Model on the "
            "given GPU; reports whether it compiled, whether its outputs match the reference, "
            "and its mean execution time in milliseconds."
        ),
        "parameters": {
            "type": "object",
            "properties": {
                "reference_code": {
                    "type": "string",
                    "description": (
                        "PyTorch reference: class Model, get_inputs(), get_init_inputs()"
                    ),
                },
                "kernel_code": {
                    "type": "string",
                    "description": "candidate module defining class ModelNew (may use load_inline)",
                },
                "gpu": {
                    "type": "string",
                    "description": "GPU the kernel is timed on",
                    "default": HARDWARE["H100_Modal"],
                },
            },
            "required": ["reference_code", "kernel_code"],
        },
        "response": {
            "type": "object",
            "properties": {
                "compiled": {"type": "boolean"},
                "correct": {"type": "boolean"},
                "runtime_ms": {
                    "type": ["number", "null"],
                    "description": "mean runtime of a correct kernel",
                },
                "error": {"type": ["string", "null"], "enum": [*ERROR_KINDS, None]},
            },
            "required": ["compiled", "correct", "runtime_ms", "error"],
        },
    },
    source="gtm:domains/cuda",
    field="Software Development",
    subfield="GPU kernels",
)


class CudaUnavailableError(RuntimeError):
    """The real measuring tool needs a CUDA GPU."""


class ProblemError(ValueError):
    """A KernelBench record that cannot be used: names the line, the field and the reason."""


@dataclass
class KernelProblem:
    level: str
    problem_id: str
    name: str
    reference_code: str
    timings: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.level}/{self.problem_id}"


def load_problems(path: str | Path) -> list[KernelProblem]:
    """KernelBench problems from JSONL (fields level, problem_id, name,
    reference_code, baseline_timing_ms)."""
    out = []
    for ln, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            r = json.loads(line)
        except json.JSONDecodeError as e:
            raise ProblemError(f"{path}: line {ln}: not JSON: {e.msg}") from None
        for f in ("level", "problem_id", "reference_code"):
            if not isinstance(r.get(f), str) or not r[f].strip():
                raise ProblemError(
                    f"{path}: line {ln}: field {f!r}: missing or not a non-empty string"
                )
        if "class Model" not in r["reference_code"] or "def get_inputs" not in r["reference_code"]:
            raise ProblemError(
                f"{path}: line {ln}: field 'reference_code': needs class Model and get_inputs()"
            )
        out.append(
            KernelProblem(
                r["level"],
                r["problem_id"],
                r.get("name") or r["problem_id"],
                r["reference_code"],
                r.get("baseline_timing_ms") or {},
            )
        )
    return out


# ---- candidate kernels ---------------------------------------------------------------------------
# Candidate modules run in a namespace holding the reference module's names (Model, torch, nn, ...).
_EAGER = '''class ModelNew(Model):
    """The reference, unchanged (PyTorch eager kernels)."""
'''
_COMPILE = '''class ModelNew(Model):
    """The reference compiled by TorchInductor (generated Triton/CUDA kernels)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.forward = torch.compile(super().forward, backend="inductor")
'''
_SYNTAX_ERROR = '''from torch.utils.cpp_extension import load_inline

cuda_source = r"""
#include <torch/extension.h>
__global__ void scale_kernel(const float* x, float* y, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x
    if (i < n) y[i] = x[i];
}
torch::Tensor identity_cuda(torch::Tensor x) {
    auto y = torch::empty_like(x);
    int n = x.numel();
    scale_kernel<<<(n + 255) / 256, 256>>>(x.data_ptr<float>(), y.data_ptr<float>(), n);
    return y;
}
"""
ext = load_inline(name="gtm_identity_%(tag)s", \
cpp_sources="torch::Tensor identity_cuda(torch::Tensor x);",
                  cuda_sources=cuda_source, functions=["identity_cuda"], verbose=False)


class ModelNew(Model):
    def forward(self, *args):
        return super().forward(*[ext.identity_cuda(a) if torch.is_tensor(a) \
and a.is_floating_point() else a
                                 for a in args])
'''
_WRONG = '''def _perturb(out):
    if torch.is_tensor(out):
        if out.dtype == torch.bool:
            return ~out
        return out * 1.5 + 1 if out.is_floating_point() or out.is_complex() else out + 1
    if isinstance(out, (tuple, list)):
        return type(out)(_perturb(o) for o in out)
    return out


class ModelNew(Model):
    """Fused epilogue with a wrong scale/shift."""

    def forward(self, *args):
        return _perturb(super().forward(*args))
'''
VARIANTS = {
    "eager": _EAGER,
    "torch_compile": _COMPILE,
    "syntax_error": _SYNTAX_ERROR,
    "wrong_output": _WRONG,
}
_TIMING_VARIANT = {"eager": "torch", "torch_compile": "torch_compile_inductor_default"}
_CONSTRUCTED = {
    "syntax_error": (False, False, "compilation_error"),
    "wrong_output": (True, False, "output_mismatch"),
}


def candidate_code(problem: KernelProblem, variant: str) -> str:
    if variant not in VARIANTS:
        raise ValueError(f"variant: unknown {variant!r} (one of {sorted(VARIANTS)})")
    tag = hashlib.sha1(problem.key.encode()).hexdigest()[:8]
    return VARIANTS[variant].replace("%(tag)s", tag)


def candidate_kernels(
    problems: Iterable[KernelProblem], variants: Sequence[str] = tuple(VARIANTS)
) -> list[dict]:
    """Candidate records {level, problem_id, variant, kernel_code} to measure."""
    return [
        {
            "level": p.level,
            "problem_id": p.problem_id,
            "variant": v,
            "kernel_code": candidate_code(p, v),
        }
        for p in problems
        for v in variants
    ]


def kernelbench_outcomes(
    problems: Iterable[KernelProblem],
    hardware: Sequence[str] = tuple(HARDWARE),
    include_constructed: bool = True,
) -> list[dict]:
    """Outcome records from the real timings in the problem file (+ constructed failures)."""
    out = []
    for p in problems:
        for hw in hardware:
            gpu = HARDWARE.get(hw, hw)
            for variant, tv in _TIMING_VARIANT.items():
                t = p.timings.get(f"{hw}/{tv}")
                if t and isinstance(t.get("mean"), int | float):
                    out.append(
                        {
                            "level": p.level,
                            "problem_id": p.problem_id,
                            "variant": variant,
                            "kernel_code": candidate_code(p, variant),
                            "gpu": t.get("hardware") or gpu,
                            "compiled": True,
                            "correct": True,
                            "runtime_ms": float(t["mean"]),
                            "error": None,
                            "provenance": f"kernelbench:{hw}/{tv}",
                        }
                    )
            if include_constructed and any(k.startswith(f"{hw}/") for k in p.timings):
                for variant, (comp, corr, err) in _CONSTRUCTED.items():
                    out.append(
                        {
                            "level": p.level,
                            "problem_id": p.problem_id,
                            "variant": variant,
                            "kernel_code": candidate_code(p, variant),
                            "gpu": gpu,
                            "compiled": comp,
                            "correct": corr,
                            "runtime_ms": None,
                            "error": err,
                            "provenance": "constructed",
                        }
                    )
    return out


def tool_output(outcome: dict) -> dict[str, Any]:
    """The validator's response for an outcome record (the SFT target)."""
    rt = outcome.get("runtime_ms")
    correct = bool(outcome.get("correct"))
    return {
        "compiled": bool(outcome.get("compiled")),
        "correct": correct,
        "runtime_ms": round(float(rt), 4) if correct and isinstance(rt, int | float) else None,
        "error": outcome.get("error") if not correct else None,
    }


def split_of(key: str, test_fraction: float, seed: int = 0) -> str:
    """Deterministic split by problem (all candidates of a problem land in the same split)."""
    h = int(hashlib.sha1(f"{seed}:{key}".encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    return "test" if h < test_fraction else "train"


def build_domain_dataset(
    problems: Sequence[KernelProblem],
    outcomes: Iterable[dict],
    *,
    test_fraction: float = 0.2,
    seed: int = 0,
) -> list[dict]:
    """Chat-format SFT records (``messages``) plus their labels, split by problem.

    Later outcomes for the same (problem, variant, gpu) replace earlier ones, so measured records
    passed after the file/constructed ones win.
    """
    from gtm_core.chat_format import sft_example

    by_key = {p.key: p for p in problems}
    merged: dict[tuple, dict] = {}
    for o in outcomes:
        key = f"{o.get('level')}/{o.get('problem_id')}"
        if key not in by_key:
            raise ProblemError(f"outcome for unknown problem {key!r} (field 'problem_id')")
        if not isinstance(o.get("kernel_code"), str) or not o["kernel_code"].strip():
            raise ProblemError(f"outcome for {key}: field 'kernel_code': missing")
        merged[
            (
                key,
                o.get("variant") or hashlib.sha1(o["kernel_code"].encode()).hexdigest()[:8],
                o.get("gpu") or HARDWARE["H100_Modal"],
            )
        ] = o
    records = []
    for (key, variant, gpu), o in merged.items():
        p = by_key[key]
        args = {"reference_code": p.reference_code, "kernel_code": o["kernel_code"], "gpu": gpu}
        out = tool_output(o)
        records.append(
            {
                "level": p.level,
                "problem_id": p.problem_id,
                "name": p.name,
                "variant": variant,
                "gpu": gpu,
                "split": split_of(key, test_fraction, seed),
                "provenance": o.get("provenance") or "",
                **out,
                "arguments": args,
                "messages": sft_example(VALIDATOR_SPEC, args, out)["messages"],
            }
        )
    return records


def export_dataset(records: Sequence[dict], out_dir: str | Path) -> dict[str, int]:
    """``out_dir/{train,test}.jsonl`` (one record per line, split by
    ``split``); counts per split."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    counts = {}
    for split in ("train", "test"):
        with (out_dir / f"{split}.jsonl").open("w", encoding="utf-8") as fh:
            rows = [r for r in records if r["split"] == split]
            fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
        counts[split] = len(rows)
    return counts


# ---- metrics (Table 4) ---------------------------------------------------------------------------
def parse_prediction(text: str) -> dict[str, Any] | None:
    """A model's validator output -> {compiled, correct, runtime_ms}, or None when unusable."""
    from gtm_core.llm import OutputParseError, extract_json

    try:
        obj = extract_json(text)
    except OutputParseError:
        return None
    if (
        not isinstance(obj, dict)
        or not isinstance(obj.get("compiled"), bool)
        or not isinstance(obj.get("correct"), bool)
    ):
        return None
    rt = obj.get("runtime_ms")
    return {
        "compiled": obj["compiled"],
        "correct": obj["correct"],
        "runtime_ms": float(rt)
        if isinstance(rt, int | float) and not isinstance(rt, bool)
        else None,
    }


def _binary(pred: list[bool | None], truth: list[bool], positive: bool) -> dict[str, float]:
    tp = sum(1 for p, t in zip(pred, truth, strict=True) if p is positive and t is positive)
    fp = sum(1 for p, t in zip(pred, truth, strict=True) if p is positive and t is not positive)
    fn = sum(1 for p, t in zip(pred, truth, strict=True) if p is not positive and t is positive)
    acc = sum(1 for p, t in zip(pred, truth, strict=True) if p is t) / len(truth) if truth else 0.0
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {
        "accuracy": acc,
        "precision": prec,
        "recall": rec,
        "f1": f1,
        "n": len(truth),
        "n_positive": sum(1 for t in truth if t is positive),
    }


def table4_metrics(
    predictions: Sequence[dict | None],
    truths: Sequence[dict],
    *,
    runtime_tol_ms: float = 1.0,
    positive: str = "failure",
) -> dict[str, Any]:
    """Paper Table 4: accuracy/precision/recall/F1 for ``compiled`` and ``correct``, runtime
    accuracy (|pred - true| <= ``runtime_tol_ms``) and mean/median absolute runtime error (ms).

    ``positive="failure"`` scores error detection (a compile error / wrong result is the positive
    class, as the paper frames it); ``"success"`` flips it. A prediction that is None (unparseable)
    counts as wrong everywhere. Runtime is scored on pairs whose truth has a runtime; a missing
    predicted runtime counts as a miss and is left out of the error statistics.
    """
    if len(predictions) != len(truths):
        raise ValueError(f"predictions: {len(predictions)} items but truths has {len(truths)}")
    if positive not in ("failure", "success"):
        raise ValueError(f"positive: must be 'failure' or 'success', got {positive!r}")
    pos = positive == "success"
    res: dict[str, Any] = {
        "n": len(truths),
        "n_unparsed": sum(p is None for p in predictions),
        "positive": positive,
        "runtime_tol_ms": runtime_tol_ms,
    }
    for key in ("compiled", "correct"):
        pred = [
            (p or {}).get(key) if isinstance((p or {}).get(key), bool) else None
            for p in predictions
        ]
        res[key] = _binary(pred, [bool(t[key]) for t in truths], pos)
    errs, hits, missing = [], 0, 0
    for p, t in zip(predictions, truths, strict=True):
        tr = t.get("runtime_ms")
        if not isinstance(tr, int | float) or not t.get("correct"):
            continue
        pr = (p or {}).get("runtime_ms")
        if not isinstance(pr, int | float) or isinstance(pr, bool) or not math.isfinite(pr):
            missing += 1
            continue
        e = abs(float(pr) - float(tr))
        errs.append(e)
        hits += e <= runtime_tol_ms
    n_rt = len(errs) + missing
    res["runtime"] = {
        "n": n_rt,
        "missing": missing,
        "accuracy": hits / n_rt if n_rt else 0.0,
        "mean_abs_error_ms": statistics.fmean(errs) if errs else None,
        "median_abs_error_ms": statistics.median(errs) if errs else None,
    }
    return res


def table4_markdown(m: dict[str, Any]) -> str:
    rows = ["| metric | accuracy | precision | recall | F1 |", "|---|---|---|---|---|"]
    for k in ("compiled", "correct"):
        r = m[k]
        rows.append(
            f"| {k} | {r['accuracy']:.2%} | {r['precision']:.2%} | {r['recall']:.2%} "
            f"| {r['f1']:.2%} |"
        )
    rt = m["runtime"]

    def fmt(v: float | None) -> str:
        return "–" if v is None else f"{v:.3f}"

    rows.append(
        f"\nruntime within {m['runtime_tol_ms']} ms: {rt['accuracy']:.2%} of {rt['n']}; mean abs "
        f"error {fmt(rt['mean_abs_error_ms'])} ms, median {fmt(rt['median_abs_error_ms'])} ms"
    )
    return "\n".join(rows)


# ---- the real measuring tool ---------------------------------------------------------------------
def _to(obj: Any, device: str) -> Any:
    import torch

    if torch.is_tensor(obj):
        return obj.to(device)
    if isinstance(obj, list | tuple):
        return type(obj)(_to(o, device) for o in obj)
    return obj


def _match(a: Any, b: Any, atol: float, rtol: float) -> str | None:
    """None when outputs match, else the reason."""
    import torch

    if torch.is_tensor(a) or torch.is_tensor(b):
        if not (torch.is_tensor(a) and torch.is_tensor(b)):
            return f"type mismatch: {type(a).__name__} vs {type(b).__name__}"
        if a.shape != b.shape:
            return f"shape mismatch: {tuple(a.shape)} vs {tuple(b.shape)}"
        a, b = a.detach().to("cpu"), b.detach().to("cpu")
        if a.dtype == torch.bool or b.dtype == torch.bool:
            return None if torch.equal(a, b) else "values differ"
        if not torch.allclose(a.double(), b.double(), atol=atol, rtol=rtol, equal_nan=True):
            return (
                f"values differ (max abs diff {(a.double() - b.double()).abs().max().item():.4g})"
            )
        return None
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        if len(a) != len(b):
            return f"length mismatch: {len(a)} vs {len(b)}"
        for x, y in zip(a, b, strict=True):
            r = _match(x, y, atol, rtol)
            if r:
                return r
        return None
    return None if a == b else f"value mismatch: {a!r} vs {b!r}"


def _tail(exc: BaseException, n: int = 800) -> str:
    return "".join(traceback.format_exception_only(type(exc), exc)).strip()[-n:]


def _measure(
    reference_code: str,
    kernel_code: str,
    *,
    device: str = "cuda",
    warmup: int = 3,
    trials: int = 100,
    correct_trials: int = 2,
    atol: float = 1e-2,
    rtol: float = 1e-2,
    seed: int = 42,
) -> dict[str, Any]:
    """Measure in this process (device may be ``cpu`` for tests of the comparison logic)."""
    import torch

    ref = types.ModuleType("gtm_kernel_reference")
    exec(
        compile(reference_code, "<reference>", "exec"), ref.__dict__
    )  # bad reference: raise, not an outcome
    for f in ("Model", "get_inputs"):
        if f not in ref.__dict__:
            raise ProblemError(f"reference_code: defines no {f}")
    init = list(ref.get_init_inputs()) if "get_init_inputs" in ref.__dict__ else []
    base = {
        "compiled": False,
        "correct": False,
        "runtime_ms": None,
        "error": None,
        "detail": None,
        "hardware": torch.cuda.get_device_name(device) if device.startswith("cuda") else device,
    }
    ns = types.ModuleType("gtm_kernel_candidate")
    ns.__dict__.update({k: v for k, v in ref.__dict__.items() if not k.startswith("__")})
    try:
        exec(compile(kernel_code, "<kernel>", "exec"), ns.__dict__)
        if not isinstance(ns.__dict__.get("ModelNew"), type):
            raise NameError("kernel_code defines no class ModelNew")
    except Exception as e:  # noqa: BLE001 - any failure to build the module is a compile failure
        return {**base, "error": "compilation_error", "detail": _tail(e)}
    base["compiled"] = True
    try:
        torch.manual_seed(seed)
        model = ref.Model(*_to(init, device)).to(device).eval()
        torch.manual_seed(seed)
        new = ns.ModelNew(*_to(init, device)).to(device).eval()
        for k in range(correct_trials):
            torch.manual_seed(seed + k)
            inputs = _to(list(ref.get_inputs()), device)
            with torch.no_grad():
                want = model(*inputs)
                got = new(*inputs)
            if device.startswith("cuda"):
                torch.cuda.synchronize(device)
            why = _match(got, want, atol, rtol)
            if why:
                return {**base, "error": "output_mismatch", "detail": why}
    except Exception as e:  # noqa: BLE001 - the kernel crashed at run time
        return {**base, "error": "runtime_error", "detail": _tail(e)}
    base["correct"] = True
    with torch.no_grad():
        for _ in range(warmup):
            new(*inputs)
        times = []
        for _ in range(trials):
            if device.startswith("cuda"):
                start, end = (
                    torch.cuda.Event(enable_timing=True),
                    torch.cuda.Event(enable_timing=True),
                )
                start.record()
                new(*inputs)
                end.record()
                torch.cuda.synchronize(device)
                times.append(start.elapsed_time(end))
            else:
                t0 = time.perf_counter()
                new(*inputs)
                times.append((time.perf_counter() - t0) * 1000)
    base["runtime_ms"] = statistics.fmean(times)
    base["runtime_std_ms"] = statistics.pstdev(times)
    return base


def require_cuda() -> None:
    import torch

    if not torch.cuda.is_available():
        raise CudaUnavailableError(
            "measuring CUDA kernels needs a CUDA GPU: torch.cuda.is_available() is False "
            f"on this machine (torch {torch.__version__}); run `gtm cuda-measure` on a GPU host"
        )


def measure_kernel(
    reference_code: str,
    kernel_code: str,
    *,
    device: str = "cuda",
    isolate: bool = True,
    timeout_s: float = 900.0,
    **kw: Any,
) -> dict[str, Any]:
    """The real CUDA Code Validator: compile ``kernel_code`` (e.g. ``load_inline``), check
    ``ModelNew`` against the reference ``Model`` on ``get_inputs()``, time it with CUDA events.

    Returns {compiled, correct, runtime_ms, error, detail, hardware}. With ``isolate`` each kernel
    runs in a fresh Python process (a crashing kernel cannot poison the next CUDA context).
    Raises CudaUnavailableError without CUDA.
    """
    if not device.startswith("cuda"):
        raise ValueError(f"device: measure_kernel measures CUDA kernels, got {device!r}")
    require_cuda()
    if not isolate:
        return _measure(reference_code, kernel_code, device=device, **kw)
    import subprocess

    job = json.dumps(
        {"reference_code": reference_code, "kernel_code": kernel_code, "device": device, **kw}
    )
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "gtm_core.domains.cuda"],
            input=job,
            capture_output=True,
            text=True,
            timeout=timeout_s,
        )
    except subprocess.TimeoutExpired:
        return {
            "compiled": None,
            "correct": False,
            "runtime_ms": None,
            "error": "timeout",
            "detail": f"no result within {timeout_s} s",
            "hardware": None,
        }
    lines = [x for x in proc.stdout.splitlines() if x.startswith("{")]
    if proc.returncode != 0 or not lines:
        return {
            "compiled": None,
            "correct": False,
            "runtime_ms": None,
            "error": "runtime_error",
            "detail": f"worker exited with {proc.returncode}: {proc.stderr[-800:]}",
            "hardware": None,
        }
    return json.loads(lines[-1])


def _worker() -> None:
    job = json.loads(sys.stdin.read())
    job.pop("isolate", None)
    ref, code = job.pop("reference_code"), job.pop("kernel_code")
    print(json.dumps(_measure(ref, code, **job)), flush=True)


if __name__ == "__main__":
    _worker()
