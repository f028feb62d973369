"""The slot-KV model runner (gtm_core/llm/slot_model.py) and tool-prefix warm-up on a real tiny
model: right-padded batched prefill and decode give HF's logits, rows move between slots intact,
unsupported architectures fall back to ``generate``, warmed tool prefixes serve the first call."""

from __future__ import annotations

import random

import pytest
import torch
from _sim_support import real_specs, tiny_model_dir  # noqa: F401 - fixture

from gtm_core.chat_format import build_messages
from gtm_core.llm.base import ChatRequest
from gtm_core.llm.slot_model import slot_model, unsupported_reason
from gtm_core.simulator.backends import TransformersSimBackend, decoding_schema
from gtm_core.simulator.engine import Simulator
from gtm_core.synth import ValueSynth


@pytest.fixture(scope="module")
def backend(tiny_model_dir):  # noqa: F811
    return TransformersSimBackend(tiny_model_dir, max_tokens=32, batch_size=8)


@pytest.fixture(scope="module")
def specs():
    return [s for s in real_specs("seal_tools_tools.jsonl", 300) if s.response_schema][:12]


def _prompts(backend, specs, n):
    vs = ValueSynth(random.Random(1))
    reqs = [
        ChatRequest(messages=build_messages(s, vs.arguments(s.parameters), [])) for s in specs[:n]
    ]
    tok = backend.chat.tokenizer
    return tok(backend.chat.encode_prompts(reqs), add_special_tokens=False)["input_ids"]


def test_padded_prefill_and_decode_match_hf(backend, specs):
    model = backend.chat.model
    sm = slot_model(model)
    prompts = _prompts(backend, specs, 4)
    assert len({len(p) for p in prompts}) > 1  # really ragged
    kv = sm.cache(6, max(map(len, prompts)) + 4)
    n = max(map(len, prompts))
    ids = torch.zeros((4, n), dtype=torch.long)
    for i, p in enumerate(prompts):
        ids[i, : len(p)] = torch.tensor(p)
    lens = torch.tensor([len(p) for p in prompts])
    got = sm.forward(kv, 2, ids, torch.zeros(4, dtype=torch.long), lens)  # slots 2..5
    with torch.inference_mode():
        want = torch.stack([model(input_ids=torch.tensor([p])).logits[0, -1] for p in prompts])
    assert torch.allclose(got, want, atol=1e-4)
    # one decode step for every row, after moving the last row into slot 0
    kv.move(5, 0, len(prompts[3]))
    nxt = got.argmax(-1)
    order = [
        3,
        1,
        2,
    ]  # slots 0 (moved row 3), 3 (row 1), 4 (row 2): decode slots 3..4 and 0 separately
    step = sm.forward(kv, 3, nxt[[1, 2]][:, None], lens[[1, 2]], torch.ones(2, dtype=torch.long))
    moved = sm.forward(kv, 0, nxt[[3]][:, None], lens[[3]], torch.ones(1, dtype=torch.long))
    with torch.inference_mode():
        for row, logits in zip(order, [moved[0], step[0], step[1]], strict=True):
            ref = model(input_ids=torch.tensor([prompts[row] + [int(nxt[row])]])).logits[0, -1]
            assert torch.allclose(logits, ref, atol=1e-4), row


def test_rows_sharing_a_prefix_attend_to_it_once_with_the_same_logits(backend, specs):
    """Decode rows whose first positions hold one shared prefix (the system turn) attend to it
    once for all rows (cascade attention), and every row's logits are HF's."""
    from gtm_core.llm.slot_model import CASCADE_MIN_ROWS

    model = backend.chat.model
    sm = slot_model(model)
    prompts = _prompts(backend, specs, CASCADE_MIN_ROWS + 2)
    shared = 0  # the prompts' common prefix (the system turn and the tool-line opening)
    while len({p[shared] for p in prompts}) == 1:
        shared += 1
    assert shared > 10
    n = max(map(len, prompts))
    rows = len(prompts)
    kv = sm.cache(rows, n + 2)
    ids = torch.zeros((rows, n), dtype=torch.long)
    for i, p in enumerate(prompts):
        ids[i, : len(p)] = torch.tensor(p)
    lens = torch.tensor([len(p) for p in prompts])
    first = sm.forward(kv, 0, ids, torch.zeros(rows, dtype=torch.long), lens).argmax(-1)
    kv.k[0][1:, :, :shared] = kv.k[0][0, :, :shared]  # bitwise one prefix, as loaded from a cache
    kv.v[0][1:, :, :shared] = kv.v[0][0, :, :shared]
    plain = sm.step(kv, first, lens)
    cascade = sm.step(kv, first, lens, shared=shared)
    assert torch.allclose(cascade, plain, atol=1e-5)
    with torch.inference_mode():
        for i, p in enumerate(prompts):
            ref = model(input_ids=torch.tensor([p + [int(first[i])]])).logits[0, -1]
            assert torch.allclose(cascade[i], ref, atol=1e-4), i


def test_bfloat16_weights_keep_float32_attention(backend, specs):
    """bfloat16 weights (``llm.precision`` on a CPU with native bfloat16): keys, values
    and attention stay float32, and prefill and decode agree with the float32 model's
    logits to bfloat16 rounding."""
    import copy

    model = backend.chat.model
    half = copy.deepcopy(model).to(torch.bfloat16)
    sm = slot_model(half)
    assert sm.dtype == torch.bfloat16 and sm.att_dtype == torch.float32
    assert sm.kv_bytes_per_token == slot_model(model).kv_bytes_per_token  # float32 keys and values
    prompts = _prompts(backend, specs, 3)
    n = max(map(len, prompts))
    kv = sm.cache(3, n + 2)
    assert kv.k[0].dtype == torch.float32
    ids = torch.zeros((3, n), dtype=torch.long)
    for i, p in enumerate(prompts):
        ids[i, : len(p)] = torch.tensor(p)
    lens = torch.tensor([len(p) for p in prompts])
    got = sm.forward(kv, 0, ids, torch.zeros(3, dtype=torch.long), lens)
    nxt = got.argmax(-1)
    step = sm.step(kv, nxt, lens)
    with torch.inference_mode():
        want = torch.stack([model(input_ids=torch.tensor([p])).logits[0, -1] for p in prompts])
        ref = torch.stack(
            [
                model(input_ids=torch.tensor([p + [int(t)]])).logits[0, -1]
                for p, t in zip(prompts, nxt, strict=True)
            ]
        )
    for a, b in ((got, want), (step, ref)):
        assert a.dtype == torch.float32 and torch.isfinite(a).all()
        scale = float(b.abs().max())
        assert float((a - b).abs().max()) < 0.05 * scale, (float((a - b).abs().max()), scale)


def test_cpu_precision_follows_the_cpu_and_the_setting(tmp_path, monkeypatch):
    from gtm_core.llm.precision import cpu_has_native_bf16, cpu_precision, model_dtype

    def info(text: str) -> str:
        f = tmp_path / f"cpuinfo{len(list(tmp_path.iterdir()))}"
        f.write_text(text)
        return str(f)

    assert cpu_has_native_bf16(
        info("processor\t: 0\nflags\t\t: fpu avx2 avx512f avx512_bf16 avx512_vnni\n")
    )
    assert cpu_has_native_bf16(info("processor\t: 0\nflags\t\t: fpu sse amx_bf16 amx_tile\n"))
    assert cpu_has_native_bf16(info("processor\t: 0\nFeatures\t: fp asimd bf16 i8mm\n"))  # aarch64
    assert not cpu_has_native_bf16(info("processor\t: 0\nflags\t\t: fpu avx2 avx512f avx512bw\n"))
    assert not cpu_has_native_bf16(str(tmp_path / "absent"))
    assert cpu_precision("float32") == "float32" and cpu_precision("bfloat16") == "bfloat16"
    assert cpu_precision("auto") == ("bfloat16" if cpu_has_native_bf16() else "float32")
    assert (
        model_dtype("cuda:0", "float32") == "bfloat16"
        and model_dtype("cpu", "float32") == "float32"
    )
    monkeypatch.setenv("GTM_CPU_PRECISION", "bfloat16")
    assert cpu_precision() == "bfloat16"
    with pytest.raises(ValueError, match="cpu_precision"):
        cpu_precision("half")
    monkeypatch.setenv("GTM_CPU_PRECISION", "half")
    with pytest.raises(ValueError, match="cpu_precision"):
        cpu_precision()


def test_unsupported_architecture_is_named():
    from transformers import GPT2Config, GPT2LMHeadModel

    gpt2 = GPT2LMHeadModel(
        GPT2Config(n_layer=1, n_head=2, n_embd=16, vocab_size=64, n_positions=32)
    )
    assert "gpt2" in unsupported_reason(gpt2)
    with pytest.raises(ValueError, match="model: model_type 'gpt2'"):
        slot_model(gpt2)


def test_warmed_tool_prefix_serves_the_first_call(tiny_model_dir, specs):  # noqa: F811
    warm = TransformersSimBackend(tiny_model_dir, max_tokens=24, batch_size=8)
    cold = TransformersSimBackend(
        tiny_model_dir, max_tokens=24, batch_size=8, chat=warm.chat, prefix_cache=False
    )
    sim = Simulator(specs, warm, max_tokens=24)
    assert sim.warm_prefixes() == len(specs)
    vs = ValueSynth(random.Random(2))
    reqs = [
        ChatRequest(
            messages=build_messages(s, vs.arguments(s.parameters), []),
            temperature=0.0,
            max_tokens=24,
            response_schema=decoding_schema(s.response_schema, True),
        )
        for s in specs
    ]
    rows = warm.rows(reqs)
    assert all(r.prefix > r.prefix_base > 0 for r in rows)  # first sight, tool line already cached
    # a tool line's entry holds only its own positions: the system turn's KV is kept once
    per_token = slot_model(warm.chat.model).kv_bytes_per_token
    lines = {tuple(r.prompt[: r.prefix]): r.prefix - r.prefix_base for r in rows}
    (sys_n,) = {r.prefix_base for r in rows}
    assert warm.prefix_cache.bytes == per_token * (sys_n + sum(lines.values()))
    assert warm.generate(reqs) == cold.generate(reqs)
    assert warm.prefix_cache.hits >= len(reqs)


def test_warm_up_stays_within_the_memory_budget(tiny_model_dir, specs):  # noqa: F811
    be = TransformersSimBackend(tiny_model_dir, max_tokens=16, prefix_cache_mb=1)
    sim = Simulator(specs, be, max_tokens=16)
    n = sim.warm_prefixes()
    assert 0 < n < len(specs)  # 1 MiB holds some of these tools' prefixes, not all
    assert be.prefix_cache.bytes <= be.prefix_cache.max_bytes == 1 << 20
    assert len(be.prefix_cache.entries) == n + 1  # the system turn + each warmed tool line


def test_prefill_chunk_padding_fits_after_a_long_cached_prefix(backend, specs):
    """A long prompt with a short uncached tail shares a prefill chunk with a short prompt whose
    tail is longer: the chunk's padding after the long prefix must fit in the cache."""
    from gtm_core.llm.decode import DecodeBatch, PrefixCache, Row

    prompts = sorted(_prompts(backend, specs, 6), key=len)
    short, long_ = prompts[0], prompts[-1]
    assert len(long_) - 10 > len(short)
    cache = PrefixCache()

    def rows():
        return [
            Row(prompt=long_, max_new_tokens=1, prefix=len(long_) - 10),
            Row(prompt=short, max_new_tokens=1, prefix=len(short) - 20),
        ]

    def batch():
        return DecodeBatch(
            backend.chat.model,
            eos_ids=backend.eos_ids,
            pad_id=backend.chat.tokenizer.pad_token_id,
            prefix_cache=cache,
        )

    together = rows()
    b = batch()
    b.add(together)
    assert (
        len(b) == 2 and b.kv.cap >= len(long_) + 10
    )  # room for the padding past its prompt + budget
    while len(b):
        b.step()
    for i, r in enumerate(rows()):
        alone = batch()
        alone.add([r])
        alone.step()
        assert r.out == together[i].out
