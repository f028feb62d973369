"""The CUDA Code Validator model end to end on CPU: a tiny GTM trained and registered here, the
``cuda-validator`` fine-tune from it (registered as gtm-cuda-validator), Table 4 through the
simulator engine for the domain model and the base, and the two Dagster assets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gtm_core.settings import get_settings

TINY_ARCH = dict(
    hidden_size=64,
    num_layers=2,
    num_heads=4,
    num_kv_heads=2,
    intermediate_size=128,
    vocab_size=2048,
)
N_PROBLEMS = 8  # the shortest real KernelBench problems with timings


@pytest.fixture(scope="module")
def problems_file(shared_data, tmp_path_factory) -> Path:
    """A small real problems file: the shortest references of the shared KernelBench file."""
    src = shared_data / "kernelbench_problems.jsonl"
    if not src.exists():
        pytest.skip(f"{src} is not present")
    rows = [json.loads(x) for x in src.read_text().splitlines() if x.strip()]
    rows = sorted(
        (r for r in rows if r.get("baseline_timing_ms")), key=lambda r: len(r["reference_code"])
    )
    out = tmp_path_factory.mktemp("kb") / "problems.jsonl"
    out.write_text("".join(json.dumps(r) + "\n" for r in rows[:N_PROBLEMS]))
    return out


@pytest.fixture(scope="module")
def env(shared_data, problems_file, tmp_path_factory):
    """A data folder with a tiny GTM registered as gtm@candidate (no @champion) and the domain
    exports of the small problems file (one H100 host: 4 candidates per problem)."""
    from gtm_core.domains.cuda import (
        build_domain_dataset,
        export_dataset,
        kernelbench_outcomes,
        load_problems,
    )
    from gtm_core.training.presets import get_preset
    from gtm_core.training.run import run_training
    from gtm_core.training.sample_data import real_or_hand_written_specs, write_sft

    root = tmp_path_factory.mktemp("gtmdata")
    settings = get_settings(data_dir=root)
    specs, _ = real_or_hand_written_specs(shared_data, limit=120)
    write_sft(settings.exports_dir / "sft", specs, n=120, seed=0)
    cfg = get_preset("tiny-cpu", **TINY_ARCH, max_steps=12, eval_steps=6, batch_size=8)
    base = run_training(cfg, settings, progress=False, log=lambda *_: None)
    problems = load_problems(problems_file)
    recs = build_domain_dataset(
        problems, kernelbench_outcomes(problems, ["H100_Modal"]), test_fraction=0.25
    )
    counts = export_dataset(recs, settings.exports_dir / "cuda")
    assert counts["train"] >= 16 and counts["test"] >= 4
    return {"settings": settings, "base": base, "counts": counts, "root": root}


def test_missing_base_names_the_refs(tmp_path):
    from gtm_core.domains.cuda_model import BaseModelMissing, resolve_base

    with pytest.raises(
        BaseModelMissing, match=r"init_from: .*models:/gtm@champion.*models:/gtm@candidate"
    ):
        resolve_base(get_settings(data_dir=tmp_path))


@pytest.mark.slow
def test_domain_preset_derives_from_the_base(env):
    from gtm_core.domains.cuda import DOMAIN_PRESET
    from gtm_core.domains.cuda_model import domain_train_config, resolve_base

    ref, folder = resolve_base(env["settings"])
    assert ref == "models:/gtm@candidate"  # no @champion yet: falls back
    cfg = domain_train_config(folder, ref)
    base = env["base"]
    assert cfg.preset == "cuda-validator" and cfg.method == "full" and cfg.init_from == ref
    assert cfg.hidden_size == TINY_ARCH["hidden_size"] and cfg.num_layers == TINY_ARCH["num_layers"]
    assert cfg.learning_rate == pytest.approx(get_base_lr(base) * DOMAIN_PRESET["lr_scale"])
    import torch

    epochs = DOMAIN_PRESET["epochs"] if torch.cuda.is_available() else DOMAIN_PRESET["epochs_cpu"]
    assert cfg.epochs == epochs and cfg.max_length >= DOMAIN_PRESET["max_length_cpu"]
    with pytest.raises(ValueError, match="'nope'.*unknown field"):
        domain_train_config(folder, ref, nope=1)


@pytest.mark.slow
def test_continue_a_lora_adapter(env, tmp_path):
    """init_from an adapter: method lora trains that adapter further (only its weights trainable,
    starting from its values); method full merges it into the base."""
    import torch
    from transformers import Qwen2Config, Qwen2ForCausalLM

    from gtm_core import model_registry as registry
    from gtm_core.training.lora import trainable_parameters, wrap_lora
    from gtm_core.training.presets import get_preset
    from gtm_core.training.train import _saved_base, build_model, build_tokenizer

    tok_dir = registry.resolve_model("models:/gtm@candidate", settings=env["settings"])
    base_dir, adapter_dir = tmp_path / "base", tmp_path / "adapter"
    torch.manual_seed(0)
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(tok_dir)
    base = Qwen2ForCausalLM(
        Qwen2Config(
            vocab_size=len(tok),
            hidden_size=32,
            num_hidden_layers=1,
            num_attention_heads=2,
            num_key_value_heads=1,
            intermediate_size=64,
        )
    )
    base.save_pretrained(base_dir)
    tok.save_pretrained(base_dir)
    cfg = get_preset("tiny-cpu", method="lora", base_model=str(base_dir), lora_r=4)
    lora = wrap_lora(base, cfg)
    for n, p in lora.named_parameters():
        if "lora_B" in n:
            torch.nn.init.normal_(p)  # a non-trivial adapter (fresh B is zero)
    lora.save_pretrained(adapter_dir)
    tok.save_pretrained(adapter_dir)
    (adapter_dir / "gtm_model.json").write_text(
        json.dumps({"base_model": str(base_dir), "method": "lora"})
    )
    want = {n: p.detach().clone() for n, p in lora.named_parameters() if "lora_" in n}

    cont = get_preset("tiny-cpu", method="lora", init_from=str(adapter_dir), lora_r=4)
    assert build_tokenizer(cont, [], tmp_path).get_vocab() == tok.get_vocab()
    m = build_model(cont, tok)
    got = {n: p for n, p in m.named_parameters() if p.requires_grad}
    assert got and all("lora_" in n for n in got)
    assert all(torch.equal(got[n], want[n]) for n in want if n in got) and set(want) & set(got)
    assert trainable_parameters(m)[0] == sum(p.numel() for p in want.values())
    assert _saved_base(cont) == str(base_dir)  # the adapter stays an adapter of the same base
    merged = build_model(get_preset("tiny-cpu", method="full", init_from=str(adapter_dir)), tok)
    assert not any("lora_" in n for n, _ in merged.named_parameters())
    with pytest.raises(ValueError, match="'method'"):
        get_preset("tiny-cpu", init_from=str(adapter_dir))  # scratch cannot continue a model


def get_base_lr(base: dict) -> float:
    from gtm_core.model_registry import model_info

    return model_info(Path(base["model_dir"]))["config"]["learning_rate"]


@pytest.fixture(scope="module")
def domain(env):
    from gtm_core.domains.cuda_model import train_domain_model

    return train_domain_model(
        env["settings"], max_steps=6, eval_steps=3, progress=False, log=lambda *_: None
    )


@pytest.mark.slow
def test_fine_tune_registers_and_loads(env, domain):
    import torch

    from gtm_core import model_registry as registry
    from gtm_core.llm.loading import generate, load_model

    s = env["settings"]
    reg = domain["registered"]
    assert reg["name"] == "gtm-cuda-validator" and reg["alias"] == "candidate"
    assert domain["init_from"] == "models:/gtm@candidate" and domain["skipped_too_long"] == 0
    from gtm_core.domains.cuda import DOMAIN_PRESET

    assert (
        domain["train_examples"] >= min(12, DOMAIN_PRESET["max_train_examples_cpu"])
        and domain["eval_examples"] >= 1
    )
    path = registry.resolve_model("models:/gtm-cuda-validator@candidate", settings=s)
    info = registry.model_info(path)
    assert info["preset"] == "cuda-validator"
    assert info["init_from"] == str(registry.resolve_model("models:/gtm@candidate", settings=s))
    run = registry.client(s).get_run(domain["mlflow_run_id"])
    assert (
        run.data.tags["init_from"] == "models:/gtm@candidate" and run.data.tags["domain"] == "cuda"
    )
    # continued from the base: same tokenizer and architecture, weights moved
    dom, tok = load_model(path)
    base, base_tok = load_model(registry.resolve_model("models:/gtm@candidate", settings=s))
    assert tok.get_vocab() == base_tok.get_vocab()
    assert dom.config.hidden_size == base.config.hidden_size
    diffs = [
        float((a - b).detach().abs().max())
        for a, b in zip(dom.parameters(), base.parameters(), strict=True)
    ]
    assert max(diffs) > 0
    rec = json.loads((s.exports_dir / "cuda" / "test.jsonl").read_text().splitlines()[0])
    assert isinstance(generate(dom, tok, rec["messages"][:-1], max_new_tokens=8), str)
    assert torch.isfinite(next(dom.parameters())).all()


@pytest.mark.slow
def test_eval_reports_every_table4_figure(env, domain):
    from gtm_core import model_registry as registry
    from gtm_core.domains.cuda_model import evaluate
    from gtm_core.storage import Store

    s = env["settings"]
    n = min(8, env["counts"]["test"])
    res = evaluate(s, limit=n, batch_size=8, progress=False, log=lambda *_: None)
    assert res["n"] == n and [r["model"] for r in res["rows"]] == [
        "gtm-cuda-validator",
        "gtm (base)",
    ]
    for row in res["rows"]:
        for k in ("compiled", "correct"):
            for f in ("accuracy", "precision", "recall", "f1"):
                assert 0.0 <= row[f"{k}_{f}"] <= 1.0
        assert 0.0 <= row["runtime_accuracy"] <= 1.0 and row["runtime_n"] >= 0
        for k in ("runtime_mean_abs_error_ms", "runtime_median_abs_error_ms"):
            assert row[k] is None or row[k] >= 0
        assert row["n_unparsed"] == 0  # schema-constrained decoding: every answer parses
    assert "| gtm-cuda-validator |" in res["markdown"] and "| gtm (base) |" in res["markdown"]
    store = Store(s.duckdb_path)
    assert store.count("cuda_validator_eval") == 2
    preds = store.read("cuda_validator_predictions")
    assert len(preds) == 2 * n and set(preds["source"]) == {"model"}
    assert preds["pred_compiled"].map(lambda v: isinstance(v, bool)).all()
    # the figures are recomputable from the stored predictions
    dom = preds[preds["model"] == "gtm-cuda-validator"]
    acc = float((dom["pred_compiled"].astype(bool) == dom["compiled"].astype(bool)).mean())
    assert res["rows"][0]["compiled_accuracy"] == pytest.approx(acc)
    run = registry.client(s).get_run(res["mlflow_run_id"])
    assert "domain.compiled_accuracy" in run.data.metrics and "base.correct_f1" in run.data.metrics
    assert Path(res["report"]).read_text().startswith("| model |")


@pytest.mark.slow
def test_cli_domain_cuda_eval(env, domain, monkeypatch):
    from typer.testing import CliRunner

    from gtm_core.cli import app

    monkeypatch.setenv("GTM_DATA_DIR", str(env["root"]))
    r = CliRunner().invoke(app, ["domain", "cuda", "eval", "--limit", "4", "--no-base", "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout.strip().splitlines()[-1])
    assert out["n"] == 4 and len(out["rows"]) == 1 and 0 <= out["rows"][0]["compiled_accuracy"] <= 1


@pytest.mark.slow
def test_dagster_domain_assets(env, domain, problems_file):
    """cuda_validator_dataset -> cuda_validator_model (Pipes subprocess) -> cuda_validator_eval."""
    import os

    import dagster as dg

    from gtm_assets.defs.domains import (
        CudaDatasetConfig,
        CudaEvalConfig,
        CudaModelConfig,
        cuda_validator_dataset,
        cuda_validator_eval,
        cuda_validator_model,
    )
    from gtm_assets.resources import GTMResource
    from gtm_core import model_registry as registry

    res = dg.materialize(
        [cuda_validator_dataset, cuda_validator_model, cuda_validator_eval],
        resources={"gtm": GTMResource(data_dir=str(env["root"]))},
        run_config=dg.RunConfig(
            {
                "cuda_validator_dataset": CudaDatasetConfig(
                    problems=str(problems_file), hardware=["H100_Modal"], test_fraction=0.25
                ),
                "cuda_validator_model": CudaModelConfig(max_steps=4, eval_steps=2),
                "cuda_validator_eval": CudaEvalConfig(limit=4, include_base=False),
            }
        ),
        instance=dg.DagsterInstance.ephemeral(),
    )
    assert res.success
    md = res.asset_materializations_for_node("cuda_validator_model")[0].metadata
    assert md["train_pid"].value != os.getpid()
    assert (
        md["registered_version"].value == "models:/gtm-cuda-validator/2"
    )  # the fixture registered v1
    assert md["init_from"].value == "models:/gtm@candidate"
    ev = res.asset_materializations_for_node("cuda_validator_eval")[0].metadata
    assert ev["model"].value == "models:/gtm-cuda-validator/2" and ev["n"].value == 4
    assert (
        "| gtm-cuda-validator |" in ev["table4"].value and 0 <= ev["compiled_accuracy"].value <= 1
    )
    run = registry.client(env["settings"]).get_run(md["mlflow_run_id"].value)
    assert run.data.tags["dagster_run_id"] == res.run_id


@pytest.mark.slow
@pytest.mark.gpu
@pytest.mark.skipif(
    not __import__("torch").cuda.is_available(),
    reason="fine-tuning and evaluating the domain model on a GPU needs CUDA; none here",
)
def test_fine_tune_and_eval_on_cuda(env, domain):
    from gtm_core.domains.cuda_model import evaluate, train_domain_model

    s = env["settings"]
    out = train_domain_model(
        s,
        device="cuda",
        max_steps=4,
        eval_steps=2,
        alias="cuda",
        progress=False,
        log=lambda *_: None,
    )
    assert out["registered"]["alias"] == "cuda"
    res = evaluate(
        s,
        model_ref="models:/gtm-cuda-validator@cuda",
        include_base=False,
        limit=4,
        device="cuda",
        progress=False,
        log=lambda *_: None,
    )
    assert res["rows"][0]["n_unparsed"] == 0 and 0 <= res["rows"][0]["compiled_f1"] <= 1
