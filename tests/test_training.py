"""Training and the model registry: presets, data encoding and packing, tiny-cpu training whose
loss falls, the MLflow registry round trip, LoRA adapters, resume after an interruption, CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from gtm_core.settings import get_settings
from gtm_core.training.data import IGNORE, DataError, encode, encode_all, pack, read_jsonl
from gtm_core.training.presets import get_preset
from gtm_core.training.sample_data import real_or_hand_written_specs, write_sft

SHARED = get_settings().shared_data() or Path("../shared/data").resolve()
TINY_ARCH = dict(
    hidden_size=64,
    num_layers=2,
    num_heads=4,
    num_kv_heads=2,
    intermediate_size=128,
    vocab_size=2048,
)


@pytest.fixture(scope="module")
def sft_folder(tmp_path_factory) -> Path:
    """A real small SFT set: real tool specs (shared data, else hand-written), ValueSynth
    arguments/outputs, rendered by chat_format.sft_example; 300 records in train/val/test."""
    shared = SHARED if SHARED.is_dir() else None
    if shared is None and os.environ.get("CI"):
        pytest.fail(f"shared data folder {SHARED} missing in CI")
    specs, _ = real_or_hand_written_specs(shared, limit=300)
    folder = tmp_path_factory.mktemp("sft") / "sft"
    counts = write_sft(folder, specs, n=300, seed=0)
    assert counts["train"] == 240 and counts["val"] == 30
    return folder


@pytest.fixture(scope="module")
def tokenizer(sft_folder):
    from gtm_core.training.tokenizer import train_tokenizer

    return train_tokenizer(read_jsonl(sft_folder / "train.jsonl"), vocab_size=2048)


def test_presets_and_overrides():
    cfg = get_preset("qwen2.5-1.5b", method="full")
    assert cfg.bf16 and cfg.gradient_checkpointing and cfg.base_model.startswith("Qwen/")
    assert cfg.learning_rate == 1e-5  # full fine-tuning gets the small learning rate
    assert get_preset("tiny-cpu", epochs=None).epochs == get_preset("tiny-cpu").epochs
    with pytest.raises(ValueError, match="'hidden_size'"):
        get_preset("tiny-cpu", hidden_size=100, num_heads=3)
    with pytest.raises(ValueError, match="'base_model'"):
        get_preset("tiny-cpu", method="lora")
    with pytest.raises(ValueError, match="'nope'.*unknown field"):
        get_preset("tiny-cpu", nope=1)
    with pytest.raises(ValueError, match="unknown preset"):
        get_preset("gpt-5")


def test_bad_jsonl_names_line_and_field(tmp_path):
    p = tmp_path / "train.jsonl"
    p.write_text(
        json.dumps(
            {"messages": [{"role": "user", "content": "x"}, {"role": "assistant", "content": "y"}]}
        )
        + "\n"
        + json.dumps(
            {"messages": [{"role": "user", "content": "x"}, {"role": "user", "content": "y"}]}
        )
        + "\n"
    )
    with pytest.raises(DataError, match=r"train.jsonl:2: field 'messages\[-1\].role'"):
        read_jsonl(p)
    p.write_text("{not json\n")
    with pytest.raises(DataError, match=r":1: field 'line'"):
        read_jsonl(p)


def test_labels_cover_only_the_assistant_output(sft_folder, tokenizer):
    rec = read_jsonl(sft_folder / "train.jsonl", 1)[0]
    ex = encode(rec, tokenizer)
    learned = [t for t, lab in zip(ex["input_ids"], ex["labels"], strict=True) if lab != IGNORE]
    assert tokenizer.decode(learned) == rec["messages"][-1]["content"] + "<|im_end|>"
    # the prompt the model is trained on is exactly the one used at inference time
    prompt = tokenizer.apply_chat_template(
        rec["messages"][:-1], add_generation_prompt=True, tokenize=False
    )
    n_prompt = ex["labels"].index(next(x for x in ex["labels"] if x != IGNORE))
    assert tokenizer.decode(ex["input_ids"][:n_prompt]) == prompt
    assert prompt.startswith("<|im_start|>system\n") and prompt.endswith("<|im_start|>assistant\n")


def test_example_budget_counts_examples_that_fit(sft_folder, tokenizer):
    """``keep=N`` trains N examples that fit ``max_length``; the too-long
    ones do not use up the budget."""
    recs = read_jsonl(sft_folder / "train.jsonl", 40)
    lengths = [len(encode(r, tokenizer)["input_ids"]) for r in recs]
    limit = sorted(lengths)[len(lengths) // 2]  # about half the records are too long
    enc = encode_all(recs, tokenizer, limit, keep=10)
    assert len(enc.examples) == 10 and all(n <= limit for n in enc.lengths)
    fitting_before = [i for i, n in enumerate(lengths) if n <= limit][:10]
    assert (
        enc.skipped_too_long == sum(1 for n in lengths[: fitting_before[-1] + 1] if n > limit) > 0
    )


def test_packing_keeps_every_token_and_resets_positions(sft_folder, tokenizer):
    enc = encode_all(read_jsonl(sft_folder / "train.jsonl", 60), tokenizer, 512)
    bins = pack(enc.examples, 1024)  # blocks of twice the longest example: several share a block
    assert len(bins) < len(enc.examples)
    assert sum(len(b["input_ids"]) for b in bins) == enc.tokens
    assert all(len(b["input_ids"]) <= 1024 for b in bins)
    starts = sum(b["position_ids"].count(0) for b in bins)
    assert starts == len(enc.examples)
    assert sum(sum(1 for x in b["labels"] if x != IGNORE) for b in bins) == enc.label_tokens


def test_packed_forward_equals_separate_forwards(sft_folder, tokenizer):
    """Block-diagonal attention: a packed row gives the same logits as each example alone."""
    import torch
    from transformers import Qwen2Config, Qwen2ForCausalLM

    from gtm_core.training.data import Collator

    torch.manual_seed(0)
    model = Qwen2ForCausalLM(
        Qwen2Config(
            vocab_size=len(tokenizer),
            hidden_size=32,
            num_hidden_layers=1,
            num_attention_heads=2,
            num_key_value_heads=1,
            intermediate_size=64,
        )
    ).eval()
    exs = encode_all(read_jsonl(sft_folder / "train.jsonl", 2), tokenizer, 1024).examples
    row = pack(exs, 4096)[0]
    batch = Collator(tokenizer.pad_token_id)([row])
    with torch.no_grad():
        assert batch["use_cache"] is False
        packed = model(
            input_ids=batch["input_ids"], position_ids=batch["position_ids"], use_cache=False
        ).logits[0]
        offset = 0
        n0 = row["position_ids"].index(0, 1)
        first = row["input_ids"][:n0]
        alone = model(input_ids=torch.tensor([first])).logits[0]
        assert torch.allclose(packed[offset:n0], alone, atol=1e-4)
        second = row["input_ids"][n0:]
        alone2 = model(input_ids=torch.tensor([second])).logits[0]
        assert torch.allclose(packed[n0 : len(row["input_ids"])], alone2, atol=1e-4)


def test_smollm2_preset_and_top_layers():
    cfg = get_preset("smollm2-135m")
    assert cfg.method == "lora" and cfg.base_model == "smollm2-135m-instruct" and cfg.top_layers
    full = get_preset("smollm2-135m", method="full")
    assert full.learning_rate == 1e-4 and full.top_layers == cfg.top_layers
    with pytest.raises(ValueError, match="'top_layers': must be > 0"):
        get_preset("smollm2-135m", top_layers=0)
    with pytest.raises(ValueError, match="'top_layers': a model trained from scratch"):
        get_preset("tiny-cpu", top_layers=1)


def test_target_loss_equals_the_full_head_loss_and_its_gradients(sft_folder, tokenizer):
    """The LM head run only at target positions gives HF's causal-LM loss and the same gradients,
    on a packed batch, plain or with LoRA on the top layer only."""
    import torch
    from transformers import Qwen2Config, Qwen2ForCausalLM

    from gtm_core.training.data import Collator
    from gtm_core.training.lora import wrap_lora
    from gtm_core.training.train import target_loss

    torch.manual_seed(0)
    exs = encode_all(read_jsonl(sft_folder / "train.jsonl", 6), tokenizer, 1024).examples
    batch = Collator(tokenizer.pad_token_id)(pack(exs, 1024))
    n_items = int((batch["labels"][:, 1:] != IGNORE).sum())
    for lora in (False, True):
        model = Qwen2ForCausalLM(
            Qwen2Config(
                vocab_size=len(tokenizer),
                hidden_size=32,
                num_hidden_layers=3,
                num_attention_heads=2,
                num_key_value_heads=1,
                intermediate_size=64,
            )
        )
        if lora:
            model = wrap_lora(
                model,
                get_preset(
                    "qwen2.5-0.5b",
                    base_model="x",
                    top_layers=1,
                    lora_r=4,
                    lora_dropout=0.0,
                    gradient_checkpointing=False,
                ),
            )
            names = [n for n, p in model.named_parameters() if p.requires_grad]
            assert names and all(".layers.2." in n for n in names)
        params = [p for p in model.parameters() if p.requires_grad]
        want = model(**batch, num_items_in_batch=n_items).loss
        g_want = torch.autograd.grad(want, params)
        got = target_loss(model, batch, n_items)
        g_got = torch.autograd.grad(got, params)
        assert torch.allclose(got, want, atol=1e-5)
        assert all(
            torch.allclose(a, b, rtol=1e-4, atol=1e-6) for a, b in zip(g_got, g_want, strict=True)
        ), max(
            float((a - b).abs().max() / b.abs().max().clamp(min=1e-12))
            for a, b in zip(g_got, g_want, strict=True)
        )


def test_full_fine_tuning_of_the_top_layers_freezes_the_rest():
    from transformers import Qwen2Config, Qwen2ForCausalLM

    from gtm_core.training.lora import freeze_below_top, trainable_parameters

    model = Qwen2ForCausalLM(
        Qwen2Config(
            vocab_size=64,
            hidden_size=16,
            num_hidden_layers=4,
            num_attention_heads=2,
            num_key_value_heads=1,
            intermediate_size=32,
            tie_word_embeddings=True,
        )
    )
    freeze_below_top(model, 1)
    names = {n for n, p in model.named_parameters() if p.requires_grad}
    assert names and all(n.startswith(("model.layers.3.", "model.norm.")) for n in names)
    trainable, total = trainable_parameters(model)
    assert 0 < trainable < total / 3


@pytest.fixture(scope="module")
def trained(sft_folder, tmp_path_factory):
    """tiny-cpu trained end to end (MLflow run + registered @candidate) in a fresh data folder."""
    from gtm_core.training.run import run_training

    settings = get_settings(data_dir=tmp_path_factory.mktemp("data"))
    cfg = get_preset(
        "tiny-cpu",
        max_train_examples=96,
        epochs=3,
        logging_steps=2,
        eval_steps=10,
        max_eval_examples=20,
    )
    out = run_training(
        cfg, settings, sft_folder=sft_folder, progress=False, dagster_run_id="test-run"
    )
    return settings, out


@pytest.mark.slow
def test_tiny_cpu_trains_and_loss_falls(trained):
    _, out = trained
    m = out["metrics"]
    assert (
        "eval_loss"
        in json.loads((Path(out["model_dir"]) / "gtm_model.json").read_text())["metrics"]
    )
    assert m["final_loss"] < m["first_loss"] - 2.0, m
    assert m["eval_loss"] < m["first_loss"]
    assert out["tokens_per_s"] > 0 and out["train_examples"] + out["skipped_too_long"] >= 96
    assert Path(out["loss_plot"]).stat().st_size > 1000
    assert (Path(out["model_dir"]) / "tokenizer.json").exists()


@pytest.mark.slow
def test_registry_round_trip(trained):
    """log -> register (@candidate) -> resolve by alias -> load -> generate; promote @champion."""
    from gtm_core import model_registry as registry
    from gtm_core.llm.loading import generate, load_model

    settings, out = trained
    reg = out["registered"]
    assert reg["name"] == "gtm" and reg["alias"] == "candidate" and reg["version"] == "1"
    run = registry.client(settings).get_run(out["mlflow_run_id"])
    assert run.data.params["dataset_hash"] == out["dataset_hash"]
    assert run.data.tags["dagster_run_id"] == "test-run"
    assert run.info.status == "FINISHED"
    hist = registry.client(settings).get_metric_history(out["mlflow_run_id"], "loss")
    assert len(hist) >= 3 and hist[-1].value < hist[0].value  # the loss curve
    path = registry.resolve_model("models:/gtm@candidate", settings=settings)
    assert path == registry.resolve_model("models:/gtm/1", settings=settings)
    assert path == registry.resolve_model(out["model_uri"], settings=settings)
    assert registry.model_info(path)["dataset_hash"] == out["dataset_hash"]
    model, tok = load_model(path)
    msgs = [{"role": "system", "content": "You are GTM."}, {"role": "user", "content": "CALL: {}"}]
    text = generate(model, tok, msgs, max_new_tokens=16)
    assert isinstance(text, str) and len(text) > 0
    from mlflow.exceptions import MlflowException

    with pytest.raises(MlflowException):
        registry.resolve_model("models:/gtm@champion", settings=settings)
    assert registry.promote("gtm", reg["version"], settings=settings)["alias"] == "champion"
    assert registry.resolve_model("models:/gtm@champion", settings=settings) == path
    rows = registry.list_models(settings=settings)
    assert rows[0]["aliases"] and set(rows[0]["aliases"]) == {"candidate", "champion"}
    # registering the same logged model again reuses its version
    again = registry.register(out["model_uri"], out["mlflow_run_id"], settings=settings)
    assert again["version"] == "1" and again["existing"]
    shown = registry.show("gtm@champion", settings=settings)
    assert shown["metrics"]["eval_loss"] == pytest.approx(out["metrics"]["eval_loss"])


@pytest.mark.slow
def test_cli_models_list_show_promote(trained, monkeypatch):
    from typer.testing import CliRunner

    from gtm_core.cli import app

    settings, out = trained
    monkeypatch.setenv("GTM_DATA_DIR", str(settings.root))
    r = CliRunner().invoke(app, ["models", "list", "--json"])
    assert r.exit_code == 0, r.output
    rows = json.loads(r.output)
    assert rows[0]["name"] == "gtm" and "candidate" in rows[0]["aliases"]
    r = CliRunner().invoke(app, ["models", "promote", "gtm", "1", "--alias", "staging", "--json"])
    assert r.exit_code == 0 and json.loads(r.output)["alias"] == "staging"
    r = CliRunner().invoke(app, ["models", "show", "gtm@staging", "--json"])
    assert json.loads(r.output)["version"] == "1"
    # the table fits an 80-column terminal without cutting a name or an alias
    shown = subprocess.run(
        [sys.executable, "-m", "gtm_assets.cli", "models", "list"],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "80"},
        timeout=300,
    )
    lines = shown.stderr.splitlines() + shown.stdout.splitlines()
    row = next(ln for ln in lines if "gtm/1" in ln)
    assert "…" not in shown.stderr + shown.stdout and max(len(ln) for ln in lines) <= 80
    assert (
        ",".join(
            json.loads(CliRunner().invoke(app, ["models", "list", "--json"]).output)[0]["aliases"]
        )
        in row
    )
    r = CliRunner().invoke(app, ["models", "resolve", "models:/gtm@staging"])
    assert Path(r.output.strip()).joinpath("config.json").exists()
    r = CliRunner().invoke(app, ["train", "--preset", "tiny-cpu", "--method", "lora"])
    assert r.exit_code == 2  # lora needs a base model: a clear error, no training


@pytest.mark.slow
def test_resume_after_interruption(sft_folder, tmp_path):
    """An interruption after step 4 leaves checkpoint-4; the re-run
    continues from it (same MLflow run)."""
    from transformers import TrainerCallback

    from gtm_core.training.run import run_training

    class Interrupt(TrainerCallback):
        def on_step_begin(self, args, state, control, **kw):
            if state.global_step == 4:
                raise KeyboardInterrupt("simulated interruption")

    settings = get_settings(data_dir=tmp_path)
    cfg = get_preset(
        "tiny-cpu",
        **TINY_ARCH,
        max_steps=6,
        eval_steps=2,
        logging_steps=1,
        max_train_examples=64,
        max_eval_examples=8,
        batch_size=4,
        packing=False,
        early_stopping_patience=0,
    )
    with pytest.raises(KeyboardInterrupt):
        run_training(
            cfg,
            settings,
            sft_folder=sft_folder,
            callbacks=[Interrupt()],
            progress=False,
            register=False,
        )
    runs = list((settings.models_dir / "runs").iterdir())
    assert len(runs) == 1 and (runs[0] / "checkpoints" / "checkpoint-4").is_dir()
    first_run_id = (runs[0] / "mlflow_run_id").read_text()
    out = run_training(cfg, settings, sft_folder=sft_folder, progress=False, register=False)
    assert out["resumed_from"].endswith("checkpoint-4")
    assert out["global_step"] == 6
    assert out["mlflow_run_id"] == first_run_id
    from gtm_core import model_registry as registry

    hist = registry.client(settings).get_metric_history(first_run_id, "loss")
    assert sorted({h.step for h in hist}) == [1, 2, 3, 4, 5, 6]


def _tiny_qwen_base(folder: Path, tokenizer) -> Path:
    from transformers import Qwen2Config, Qwen2ForCausalLM

    model = Qwen2ForCausalLM(
        Qwen2Config(
            vocab_size=len(tokenizer),
            hidden_size=64,
            num_hidden_layers=2,
            num_attention_heads=4,
            num_key_value_heads=2,
            intermediate_size=128,
            pad_token_id=tokenizer.pad_token_id,
            eos_token_id=tokenizer.convert_tokens_to_ids("<|im_end|>"),
        )
    )
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


@pytest.mark.slow
def test_lora_on_tiny_qwen2_saves_only_the_adapter(sft_folder, tokenizer, tmp_path):
    """The qwen2.5 preset's LoRA path (gradient checkpointing on) on a tiny local Qwen2 base."""
    import torch
    from safetensors.torch import load_file

    from gtm_core import model_registry as registry
    from gtm_core.llm.loading import generate, is_adapter, load_model
    from gtm_core.training.run import run_training

    base = _tiny_qwen_base(tmp_path / "base", tokenizer)
    base_weights = load_file(base / "model.safetensors")
    settings = get_settings(data_dir=tmp_path / "data")
    cfg = get_preset(
        "qwen2.5-0.5b",
        base_model=str(base),
        bf16=False,
        device="cpu",
        max_steps=4,
        batch_size=2,
        grad_accum=1,
        max_length=640,
        eval_steps=2,
        logging_steps=1,
        max_train_examples=16,
        max_eval_examples=4,
        torch_threads=2,
        lora_r=4,
        lora_alpha=8,
    )
    assert cfg.method == "lora" and cfg.gradient_checkpointing
    out = run_training(cfg, settings, sft_folder=sft_folder, progress=False)
    model_dir = Path(out["model_dir"])
    files = {p.name for p in model_dir.iterdir()}
    assert {"adapter_model.safetensors", "adapter_config.json", "tokenizer.json"} <= files
    assert "model.safetensors" not in files
    adapter = load_file(model_dir / "adapter_model.safetensors")
    assert adapter and all("lora_" in k for k in adapter)
    assert (
        sum(t.numel() for t in adapter.values()) < sum(t.numel() for t in base_weights.values()) / 5
    )
    # the base is untouched, the adapter is registered with its base reference and resolves
    assert all(
        torch.equal(v, load_file(base / "model.safetensors")[k]) for k, v in base_weights.items()
    )
    assert out["model_kind"] == "lora-adapter"
    v = registry.show("gtm@candidate", settings=settings)
    assert v["tags"]["base_model"] == str(base) and v["tags"]["kind"] == "lora-adapter"
    path = registry.resolve_model("models:/gtm@candidate", settings=settings)
    assert is_adapter(path)
    model, tok = load_model(path)
    assert isinstance(generate(model, tok, [{"role": "user", "content": "CALL: {}"}], 8), str)


@pytest.mark.gpu
@pytest.mark.skipif(
    not __import__("torch").cuda.is_available(), reason="bf16 GPU training needs CUDA"
)
def test_lora_bf16_on_cuda(sft_folder, tokenizer, tmp_path):
    from gtm_core.training.run import run_training

    base = _tiny_qwen_base(tmp_path / "base", tokenizer)
    cfg = get_preset(
        "qwen2.5-0.5b",
        base_model=str(base),
        max_steps=4,
        batch_size=2,
        grad_accum=1,
        max_length=640,
        eval_steps=2,
        max_train_examples=16,
        max_eval_examples=4,
    )
    assert cfg.bf16 and cfg.device == "cuda"
    out = run_training(
        cfg, get_settings(data_dir=tmp_path / "data"), sft_folder=sft_folder, progress=False
    )
    assert out["metrics"]["final_loss"] > 0 and out["model_kind"] == "lora-adapter"
