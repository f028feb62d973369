"""CUDA Code Validator domain: problems, dataset builder, Table 4 metrics, the measuring tool."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from gtm_core.domains.cuda import (
    HARDWARE,
    TOOL_NAME,
    VALIDATOR_SPEC,
    CudaUnavailableError,
    KernelProblem,
    ProblemError,
    _measure,
    build_domain_dataset,
    candidate_code,
    kernelbench_outcomes,
    load_problems,
    measure_kernel,
    parse_prediction,
    table4_metrics,
)
from gtm_core.settings import get_settings

SHARED = get_settings().shared_data() or Path("../shared/data").resolve()
torch = pytest.importorskip("torch")
HAS_CUDA = torch.cuda.is_available()

TINY_REF = """import torch
import torch.nn as nn

class Model(nn.Module):
    def __init__(self, scale):
        super().__init__()
        self.scale = scale

    def forward(self, x, y):
        return torch.relu(x * self.scale + y), (x > 0)

def get_inputs():
    return [torch.randn(64, 32), torch.randn(64, 32)]

def get_init_inputs():
    return [2.0]
"""


@pytest.fixture(scope="module")
def problems_file() -> Path:
    p = SHARED / "kernelbench_problems.jsonl"
    if not p.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"{p} missing (CI is set)")
        pytest.skip(f"shared data {p} not present (set GTM_SHARED_DATA_DIR)")
    return p


@pytest.fixture(scope="module")
def problems(problems_file):
    return load_problems(problems_file)


def test_load_problems_real(problems, problems_file):
    assert len(problems) == 270 and len({p.key for p in problems}) == 270
    assert sum(bool(p.timings) for p in problems) == 250
    assert {p.level for p in problems} == {"level1", "level2", "level3", "level4"}


def test_load_problems_errors_name_the_field(tmp_path):
    bad = tmp_path / "p.jsonl"
    bad.write_text(json.dumps({"level": "level1", "problem_id": "1", "reference_code": ""}) + "\n")
    with pytest.raises(ProblemError, match=r"line 1: field 'reference_code'"):
        load_problems(bad)
    bad.write_text('{"level": "level1"\n')
    with pytest.raises(ProblemError, match="line 1: not JSON"):
        load_problems(bad)


def test_dataset_from_real_timings(problems, problems_file):
    outcomes = kernelbench_outcomes(problems)
    timed = [p for p in problems if p.timings]
    # eager + torch.compile (real timings) + 2 constructed failures, per problem and per H100 host
    assert len(outcomes) == len(timed) * len(HARDWARE) * 4
    recs = build_domain_dataset(problems, outcomes, test_fraction=0.2, seed=0)
    assert len(recs) == len(outcomes)
    train = {(r["level"], r["problem_id"]) for r in recs if r["split"] == "train"}
    test = {(r["level"], r["problem_id"]) for r in recs if r["split"] == "test"}
    assert train and test and not train & test and 0.1 < len(test) / (len(train) + len(test)) < 0.3
    # labels come from the problem file: check one against the raw JSON
    raw = next(
        json.loads(x) for x in problems_file.read_text().splitlines() if '"100_HingeLoss"' in x
    )
    eager = next(
        r
        for r in recs
        if r["name"] == "100_HingeLoss"
        and r["variant"] == "eager"
        and r["gpu"] == raw["baseline_timing_ms"]["H100_Modal/torch"]["hardware"]
    )
    assert eager["runtime_ms"] == raw["baseline_timing_ms"]["H100_Modal/torch"]["mean"]
    assert eager["provenance"] == "kernelbench:H100_Modal/torch"
    msgs = eager["messages"]
    assert [m["role"] for m in msgs] == ["system", "user", "assistant"]
    assert json.loads(msgs[2]["content"]) == {
        "compiled": True,
        "correct": True,
        "runtime_ms": eager["runtime_ms"],
        "error": None,
    }
    assert (
        TOOL_NAME in msgs[1]["content"]
        and "torch.clamp(1 - predictions * targets" in msgs[1]["content"]
    )
    bad = next(r for r in recs if r["variant"] == "syntax_error")
    assert json.loads(bad["messages"][2]["content"]) == {
        "compiled": False,
        "correct": False,
        "runtime_ms": None,
        "error": "compilation_error",
    }
    # a measured outcome for the same (problem, variant, gpu) replaces the file's
    p0 = timed[0]
    measured = {
        "level": p0.level,
        "problem_id": p0.problem_id,
        "variant": "torch_compile",
        "kernel_code": candidate_code(p0, "torch_compile"),
        "gpu": HARDWARE["H100_Modal"],
        "compiled": True,
        "correct": False,
        "runtime_ms": None,
        "error": "runtime_error",
        "provenance": "measured:NVIDIA H100 80GB HBM3",
    }
    recs2 = build_domain_dataset(problems, outcomes + [measured])
    r = [
        x
        for x in recs2
        if x["problem_id"] == p0.problem_id
        and x["level"] == p0.level
        and x["variant"] == "torch_compile"
        and x["gpu"] == HARDWARE["H100_Modal"]
    ]
    assert len(r) == 1 and r[0]["correct"] is False and r[0]["provenance"].startswith("measured")
    with pytest.raises(ProblemError, match="unknown problem 'level9/1'"):
        build_domain_dataset(problems, [{**measured, "level": "level9", "problem_id": "1"}])


def test_validator_spec():
    assert VALIDATOR_SPEC.name == TOOL_NAME and VALIDATOR_SPEC.required == [
        "reference_code",
        "kernel_code",
    ]
    assert set(VALIDATOR_SPEC.response_schema["properties"]) == {
        "compiled",
        "correct",
        "runtime_ms",
        "error",
    }


def test_table4_metrics_hand_made():
    T = [
        {"compiled": True, "correct": True, "runtime_ms": 2.0},
        {"compiled": True, "correct": True, "runtime_ms": 10.0},
        {"compiled": True, "correct": False, "runtime_ms": None},
        {"compiled": False, "correct": False, "runtime_ms": None},
        {"compiled": True, "correct": True, "runtime_ms": 5.0},
    ]
    P = [
        {"compiled": True, "correct": True, "runtime_ms": 2.5},  # runtime err 0.5 (hit)
        {"compiled": True, "correct": True, "runtime_ms": 13.0},  # runtime err 3.0 (miss)
        {
            "compiled": False,
            "correct": False,
            "runtime_ms": None,
        },  # compiled FP-wise: predicts failure wrongly
        {"compiled": False, "correct": False, "runtime_ms": None},  # both right
        None,
    ]  # unparseable: wrong everywhere
    m = table4_metrics(P, T, runtime_tol_ms=1.0)
    # compiled, positive = failure: truth failures {3}; predicted failures {2, 3}; item 4 None
    assert m["compiled"]["accuracy"] == pytest.approx(3 / 5)
    assert m["compiled"]["precision"] == pytest.approx(1 / 2) and m["compiled"][
        "recall"
    ] == pytest.approx(1.0)
    assert m["compiled"]["f1"] == pytest.approx(2 / 3)
    # correct, positive = failure: truth failures {2, 3}; predicted {2, 3};
    # item 4 None (truth success)
    assert m["correct"]["accuracy"] == pytest.approx(4 / 5)
    assert (
        m["correct"]["precision"] == 1.0
        and m["correct"]["recall"] == 1.0
        and m["correct"]["f1"] == 1.0
    )
    # runtime: truths with runtime {0, 1, 4}; item 4 missing -> 1 hit of 3, errors [0.5, 3.0]
    assert m["runtime"]["n"] == 3 and m["runtime"]["missing"] == 1
    assert m["runtime"]["accuracy"] == pytest.approx(1 / 3)
    assert m["runtime"]["mean_abs_error_ms"] == pytest.approx(1.75)
    assert m["runtime"]["median_abs_error_ms"] == pytest.approx(1.75)
    s = table4_metrics(P, T, positive="success")
    assert s["compiled"]["accuracy"] == m["compiled"]["accuracy"]
    # positive = success: truth successes {0,1,2,4}; predicted {0,1}: precision 1, recall 2/4
    assert s["compiled"]["precision"] == 1.0 and s["compiled"]["recall"] == pytest.approx(0.5)
    with pytest.raises(ValueError, match="predictions: 1 items"):
        table4_metrics(P[:1], T)


def test_parse_prediction():
    assert parse_prediction(
        '```json\n{"compiled": true, "correct": false, "runtime_ms": null, "error": '
        '"output_mismatch"}\n```'
    ) == {"compiled": True, "correct": False, "runtime_ms": None}
    assert (
        parse_prediction('{"compiled": true, "correct": true, "runtime_ms": 3}')["runtime_ms"]
        == 3.0
    )
    assert parse_prediction("no idea") is None
    assert parse_prediction('{"compiled": "yes", "correct": true}') is None


# ---- the measuring tool --------------------------------------------------------------------------
def _tiny() -> KernelProblem:
    return KernelProblem("level0", "1", "tiny", TINY_REF)


def test_measure_logic_on_cpu_outcomes():
    """The comparison/timing core on CPU with pure-PyTorch candidates (no CUDA compile needed)."""
    p = _tiny()
    ok = _measure(p.reference_code, candidate_code(p, "eager"), device="cpu", trials=3)
    assert ok["compiled"] and ok["correct"] and ok["error"] is None and ok["runtime_ms"] > 0
    wrong = _measure(p.reference_code, candidate_code(p, "wrong_output"), device="cpu", trials=3)
    assert wrong["compiled"] and not wrong["correct"] and wrong["error"] == "output_mismatch"
    assert wrong["runtime_ms"] is None
    broken = _measure(p.reference_code, "class ModelNew(Model)\n    pass\n", device="cpu")
    assert broken == {**broken, "compiled": False, "correct": False, "error": "compilation_error"}
    assert "SyntaxError" in broken["detail"]
    missing = _measure(p.reference_code, "x = 1\n", device="cpu")
    assert missing["error"] == "compilation_error" and "ModelNew" in missing["detail"]
    crash = _measure(
        p.reference_code,
        "class ModelNew(Model):\n    def forward(self, x, y):\n        return x @ y\n",
        device="cpu",
    )
    assert crash["compiled"] and crash["error"] == "runtime_error" and "mat" in crash["detail"]
    shape = _measure(
        p.reference_code,
        "class ModelNew(Model):\n    def forward(self, x, y):\n"
        "        a, b = super().forward(x, y)\n        return a[:1], b\n",
        device="cpu",
    )
    assert shape["error"] == "output_mismatch" and "shape" in shape["detail"]
    with pytest.raises(ProblemError, match="defines no Model"):
        _measure("import torch\ndef get_inputs():\n    return []\n", "", device="cpu")


@pytest.mark.skipif(HAS_CUDA, reason="checks the CPU-only error path; this machine has CUDA")
def test_measure_kernel_needs_cuda():
    p = _tiny()
    with pytest.raises(CudaUnavailableError, match="needs a CUDA GPU"):
        measure_kernel(p.reference_code, candidate_code(p, "eager"))
    with pytest.raises(ValueError, match="device: measure_kernel measures CUDA kernels"):
        measure_kernel(p.reference_code, candidate_code(p, "eager"), device="cpu")


@pytest.mark.gpu
@pytest.mark.skipif(
    not HAS_CUDA, reason="measure_kernel compiles and runs kernels on a CUDA GPU; none here"
)
def test_measure_kernel_on_gpu():
    p = _tiny()
    ok = measure_kernel(p.reference_code, candidate_code(p, "eager"), trials=10)
    assert ok["compiled"] and ok["correct"] and ok["runtime_ms"] > 0 and ok["hardware"]
    assert (
        measure_kernel(p.reference_code, candidate_code(p, "wrong_output"))["error"]
        == "output_mismatch"
    )
    bad = measure_kernel(p.reference_code, candidate_code(p, "syntax_error"))
    assert not bad["compiled"] and bad["error"] == "compilation_error"


def test_cli_cuda_measure(problems_file, tmp_path):
    from typer.testing import CliRunner

    from gtm_core.cli import app

    out = tmp_path / "measured.jsonl"
    res = CliRunner().invoke(
        app,
        [
            "cuda-measure",
            "--problems",
            str(problems_file),
            "--out",
            str(out),
            "--variant",
            "eager",
            "--limit",
            "2",
            "--trials",
            "5",
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    obj = json.loads(res.output.strip().splitlines()[-1])
    if HAS_CUDA:
        assert obj["measured"] == 2 and len(out.read_text().splitlines()) == 2
    else:
        assert (
            obj["skipped"] is True
            and "needs a CUDA GPU" in obj["reason"]
            and obj["n_candidates"] == 270
        )
        assert not out.exists()
    bad = CliRunner().invoke(
        app,
        ["cuda-measure", "--problems", str(problems_file), "--out", str(out), "--variant", "nope"],
    )
    assert bad.exit_code != 0 and "unknown variants" in bad.output


def test_cuda_dataset_asset(problems_file, tmp_path):
    import dagster as dg

    from gtm_assets.defs.domains import CudaDatasetConfig, cuda_validator_dataset
    from gtm_assets.resources import GTMResource

    res = GTMResource(data_dir=str(tmp_path))
    measured = tmp_path / "m.jsonl"
    p0 = next(p for p in load_problems(problems_file) if p.timings)
    measured.write_text(
        json.dumps(
            {
                "level": p0.level,
                "problem_id": p0.problem_id,
                "variant": "eager",
                "kernel_code": candidate_code(p0, "eager"),
                "gpu": "NVIDIA H200",
                "compiled": True,
                "correct": True,
                "runtime_ms": 1.25,
                "provenance": "measured:NVIDIA H200",
            }
        )
        + "\n"
    )
    cfg = {"problems": str(problems_file), "measured": [str(measured)], "hardware": ["H100_Modal"]}
    r = dg.materialize(
        [cuda_validator_dataset],
        resources={"gtm": res},
        run_config=dg.RunConfig(ops={"cuda_validator_dataset": CudaDatasetConfig(**cfg)}),
    )
    assert r.success
    md = r.asset_materializations_for_node("cuda_validator_dataset")[0].metadata
    assert md["n_records"].value == 250 * 4 + 1 and md["n_measured_outcomes"].value == 1
    train = Path(md["train_path"].value).read_text().splitlines()
    test = Path(md["test_path"].value).read_text().splitlines()
    assert len(train) == md["n_train"].value and len(test) == md["n_test"].value
    assert "messages" in json.loads(train[0])
    df = res.store().read("cuda_validator_samples")
    assert (
        len(df) == md["n_records"].value and (df["provenance"] == "measured:NVIDIA H200").sum() == 1
    )
