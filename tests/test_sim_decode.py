"""The batched constrained decode loop (gtm_core/llm/decode.py) on a real tiny model: greedy outputs
equal HF ``generate`` + xgrammar's logits processor, rows leave the batch as they finish, per-row
budgets and seeds are honoured, admitted rows join a running batch without changing outputs."""

from __future__ import annotations

import random
import time

import pytest
from _sim_support import real_specs, tiny_model_dir  # noqa: F401 - fixture
from jsonschema import Draft202012Validator

from gtm_core.chat_format import build_messages
from gtm_core.llm.base import ChatRequest
from gtm_core.llm.decode import DecodeBatch, prefill_chunks
from gtm_core.simulator.backends import TransformersSimBackend, decoding_schema
from gtm_core.synth import ValueSynth


@pytest.fixture(scope="module")
def setup(tiny_model_dir):  # noqa: F811
    specs = [s for s in real_specs("seal_tools_tools.jsonl", 600) if s.response_schema][:40]
    vs = ValueSynth(random.Random(0))
    reqs = [
        ChatRequest(
            messages=build_messages(s, vs.arguments(s.parameters), []),
            response_schema=decoding_schema(s.response_schema, True),
            temperature=0.0,
            max_tokens=48,
        )
        for s in specs
    ]
    ref = TransformersSimBackend(tiny_model_dir, max_tokens=48, batch_size=16, decoder="generate")
    # rows over budget are cut, as ``generate`` cuts them (closed: ``test_rows_over_budget_...``)
    loop = TransformersSimBackend(
        tiny_model_dir,
        max_tokens=48,
        batch_size=16,
        decoder="loop",
        chat=ref.chat,
        close_over_budget=False,
    )
    return specs, reqs, ref, loop


def _batch(loop, **kw) -> DecodeBatch:
    """A decode batch on ``loop``'s model, tokenizer and grammar vocabulary."""
    return DecodeBatch(
        loop.chat.model,
        eos_ids=loop.eos_ids,
        pad_id=loop.chat.tokenizer.pad_token_id,
        vocab_size=loop._vocab,
        **kw,
    )


def test_greedy_equals_hf_generate(setup):
    specs, reqs, ref, loop = setup
    want, got = ref.generate(reqs), loop.generate(reqs)
    assert got == want
    assert len(set(got)) > 5  # real, varied outputs
    # the shared system turn was prefilled once and reused
    assert loop.decoder == "loop" and loop.prefix_cache.hits >= len(reqs) - 3
    plain = TransformersSimBackend(
        ref.chat.name.split(":", 1)[1],
        max_tokens=48,
        batch_size=16,
        chat=ref.chat,
        prefix_cache=False,
        close_over_budget=False,
    )
    assert plain.generate(reqs[:16]) == want[:16]


def test_rows_leave_as_they_finish_and_budgets_hold(setup):
    _, reqs, _, loop = setup
    rows = loop.rows(reqs[:16])
    for i, r in enumerate(rows):
        r.max_new_tokens = 4 + i  # own budget per row
    batch = _batch(loop)
    batch.add(rows)
    sizes, finished = [], []
    while len(batch):
        sizes.append(len(batch))
        finished += batch.step()
    assert sorted(map(id, finished)) == sorted(map(id, rows))
    assert sizes[0] == 16 and sizes == sorted(sizes, reverse=True) and sizes[-1] < 16
    assert len(sizes) == max(len(r.out) for r in rows)
    for r in rows:
        assert 1 <= len(r.out) <= r.max_new_tokens
        assert r.out[-1] in loop.eos_ids or len(r.out) == r.max_new_tokens


def test_admitted_rows_decode_like_a_fresh_batch(setup):
    """Continuous batching: rows added to a running batch give the tokens they give alone."""
    _, reqs, _, loop = setup
    alone = [r.out for r in _run(loop, [loop.rows(reqs[20:24])])]
    first, later = loop.rows(reqs[:8]), loop.rows(reqs[20:24])
    batch = _batch(loop)
    batch.add(first)
    for _ in range(5):
        batch.step()
    batch.add(later)
    while len(batch):
        batch.step()
    assert [r.out for r in later] == alone


def test_rows_joining_inside_a_step_decode_like_a_fresh_batch(setup):
    """Rows admitted inside a decode step's pass (and a cache that must grow for them) give the
    tokens they give alone."""
    _, reqs, _, loop = setup
    alone = [r.out for r in _run(loop, [loop.rows(reqs[24:30])])]
    first, later = loop.rows(reqs[:6]), loop.rows(reqs[24:30])
    for r in first:
        r.max_new_tokens = 3  # short budgets: a small cache the joiners must grow
    batch = _batch(loop, prefix_cache=loop.prefix_cache, max_rows=4)
    batch.add(first)
    rows_cap, len_cap = batch.kv.rows, batch.kv.cap
    batch.step(admit=later[:2])
    batch.step(admit=later[2:])
    assert batch.kv.rows > rows_cap or batch.kv.cap > len_cap
    while len(batch):
        batch.step()
    assert [r.out for r in later] == alone
    assert all(len(r.out) <= 3 for r in first)


def test_the_cache_holds_the_rows_at_hand_and_grows_up_to_max_rows(setup):
    """A batch's KV slots are the rows it was given (a call alone allocates one, not
    ``max_rows``); slots grow geometrically as rows join, never past ``max_rows``, and keep the
    live rows' keys and values."""
    _, reqs, _, loop = setup
    rows = loop.rows(reqs[:1])
    batch = _batch(loop, prefix_cache=loop.prefix_cache, max_rows=6)
    batch.add(rows)
    kv = batch.kv
    assert kv.rows == 1
    kv.k[0][0, :, :3] = 1.5
    for want, expect in ((2, 2), (3, 4), (5, 6), (6, 6)):
        kv.ensure(want, kv.cap, 1, 3, max_rows=6)
        assert kv.rows == expect  # doubles (or what is asked), up to max_rows
    assert kv.ensure(9, kv.cap, 1, 3, max_rows=6) is None and kv.rows == 9  # asked: given
    assert float(kv.k[0][0, :, :3].min()) == 1.5  # the live row kept its keys


def _run(loop, groups):
    batch = _batch(loop)
    rows = [r for g in groups for r in g]
    batch.add(rows)
    while len(batch):
        batch.step()
    return rows


def test_sampling_is_seeded_per_row_and_schema_valid(setup):
    specs, reqs, _, loop = setup
    hot = [
        ChatRequest(
            messages=r.messages,
            response_schema=r.response_schema,
            temperature=0.9,
            seed=7 + i,
            max_tokens=48,
        )
        for i, r in enumerate(reqs[:12])
    ]
    a, b = loop.generate(hot), loop.generate(hot)
    assert a == b
    import json

    for s, text in zip(specs, a, strict=False):
        try:
            value = json.loads(text, strict=False)
        except json.JSONDecodeError:
            continue  # budget ran out mid-object: the simulator retries such rows
        schema = decoding_schema(s.response_schema, True)
        assert not list(Draft202012Validator(schema).iter_errors(value)), (s.name, text)


def test_prefill_chunks_bound_padding():
    lengths = [500, 120, 130, 480, 510, 125, 900]
    chunks = prefill_chunks(lengths, 0.15)
    assert sorted(i for c in chunks for i in c) == list(range(len(lengths)))
    for c in chunks:
        n = max(lengths[i] for i in c)
        assert len(c) * n - sum(lengths[i] for i in c) <= 0.15 * len(c) * n
    assert prefill_chunks(lengths, 0.0) == [[i] for i in sorted(range(7), key=lambda i: lengths[i])]


def test_continuous_decoder_serves_many_threads(setup):
    """Continuous batching: generate() from many threads at once; each gets what it gets alone."""
    from concurrent.futures import ThreadPoolExecutor

    _, reqs, ref, _ = setup
    cont = TransformersSimBackend(
        ref.chat.name.split(":", 1)[1],
        max_tokens=48,
        batch_size=8,
        chat=ref.chat,
        continuous=True,
        close_over_budget=False,
    )
    assert cont.concurrent
    want = ref.generate(reqs[:24])
    with ThreadPoolExecutor(6) as pool:
        got = list(pool.map(lambda i: cont.generate(reqs[i : i + 4]), range(0, 24, 4)))
    assert [t for g in got for t in g] == want
    dec = cont._continuous
    assert dec.steps and dec.live_rows / dec.steps > 1  # calls shared decode steps


def test_repeated_tool_reuses_its_prompt_prefix(setup):
    """A tool called again reuses the KV of system turn + tool line; outputs stay those of HF."""
    specs, _, ref, loop = setup
    vs = ValueSynth(random.Random(5))
    reqs = [
        ChatRequest(
            messages=build_messages(s, vs.arguments(s.parameters), []),
            response_schema=decoding_schema(s.response_schema, True),
            temperature=0.0,
            max_tokens=32,
        )
        for s in specs[:4] * 4
    ]
    loop.generate(reqs[:4])  # first sight of each tool
    rows = loop.rows(reqs[4:])
    assert all(
        r.prefix > r.prefix_base > 0 for r in rows
    )  # tool-line prefix on top of the system turn
    assert all(len(r.prompt) - r.prefix < 0.5 * len(r.prompt) for r in rows)
    assert loop.generate(reqs) == ref.generate(reqs)


def test_loop_guard_stops_repeating_rows_early(setup):
    """An untrained tiny model repeats itself: with the guard those rows stop as soon as the
    repetition spans ``loop_guard`` tokens, and what they wrote is the unguarded output's prefix."""
    from gtm_core.llm.decode import decode, in_loop

    assert in_loop([5, 1, 2, 1, 2, 1, 2, 1, 2], 8) and not in_loop([1, 2, 3, 4, 5, 6, 7, 8, 9], 8)
    assert not in_loop([1, 1, 1], 8) and not in_loop([1] * 20, 0)
    _, reqs, _, loop = setup
    kw = {
        "eos_ids": loop.eos_ids,
        "pad_id": loop.chat.tokenizer.pad_token_id,
        "vocab_size": loop._vocab,
    }
    free = loop.rows(reqs[:16])
    for r in free:
        r.max_new_tokens = 96
    guarded = loop.rows(reqs[:16])
    for r in guarded:
        r.max_new_tokens, r.loop_guard = 96, 16
    want, got = decode(loop.chat.model, free, **kw), decode(loop.chat.model, guarded, **kw)
    stopped = [i for i, (w, g) in enumerate(zip(want, got, strict=True)) if len(g) < len(w)]
    assert stopped, "no row repeated itself (expected with an untrained model)"
    for i, (w, g) in enumerate(zip(want, got, strict=True)):
        assert w[: len(g)] == g
        if i in stopped:
            assert in_loop(g, 16)


def test_a_row_its_grammar_closes_ends_without_a_model_pass(setup):
    """Once a row's grammar admits nothing but the end (a closed object), the row ends with EOS
    at once: no model pass runs to choose it, and the output is the one greedy decoding gives."""
    _, reqs, _, loop = setup
    want = loop.generate(reqs[:8])
    rows = loop.rows(reqs[:8])
    batch = _batch(loop, prefix_cache=loop.prefix_cache)
    closed = []
    for row in rows:  # alone: a step chooses one token, and all but the last run a model pass
        batch.add([row])
        steps = 0
        while len(batch):
            batch.step()
            steps += 1
        text = loop.chat.tokenizer.decode(row.out[:-1], skip_special_tokens=True)
        if row.out[-1] in batch.eos_set and text.endswith(("}", "]")):
            closed.append(row)
            assert steps == len(row.out) - 1  # the EOS was not chosen by a step
    assert closed  # the tiny model closes some outputs within budget
    texts = loop.chat.tokenizer.batch_decode(
        [r.out[:-1] if r.out[-1] in batch.eos_set else r.out for r in rows],
        skip_special_tokens=True,
    )
    assert texts == [str(w) for w in want]


def test_rows_over_budget_close_their_json_under_the_grammar(setup):
    """With ``close_over_budget`` a row that reaches its budget with its JSON open is not cut: it
    goes on, taking closing tokens wherever its grammar admits one, and ends as valid JSON under
    its schema; up to the budget it wrote what the cut row wrote; others are the same."""
    import json

    from gtm_core.llm.decode import CLOSE_TOKENS

    specs, reqs, _, loop = setup
    closing = TransformersSimBackend(
        "tiny", max_tokens=48, batch_size=16, decoder="loop", chat=loop.chat
    )
    short = [
        ChatRequest(
            messages=r.messages, response_schema=r.response_schema, temperature=0.0, max_tokens=12
        )
        for r in reqs[:16]
    ]
    cut, closed = loop.generate(short), closing.generate(short)
    tok = loop.chat.tokenizer
    over = 0
    for s, c, d in zip(specs, cut, closed, strict=False):
        if c == d:
            continue
        over += 1
        assert d.startswith(c) and len(tok(d)["input_ids"]) <= 12 + CLOSE_TOKENS
        value = json.loads(d, strict=False)  # the cut text alone does not parse
        schema = decoding_schema(s.response_schema, True)
        assert not list(Draft202012Validator(schema).iter_errors(value)), (s.name, d)
    assert over >= 4, "expected rows over a 12-token budget"


def test_a_server_batch_reserves_its_cache_and_times_its_rows(setup):
    """``ContinuousDecoder.reserve`` sizes the running batch's KV before the first call (no
    growth while serving); answers match a plain batch, and the decoder reports how long rows
    waited to join and took to answer. A lone row decodes on one CPU thread."""
    import torch

    from gtm_core.llm.decode import ContinuousDecoder

    _, reqs, _, loop = setup
    want = loop.generate(reqs[:6])
    dec = ContinuousDecoder(
        loop.chat.model,
        max_rows=8,
        cpu_threads=2,
        eos_ids=loop.eos_ids,
        pad_id=loop.chat.tokenizer.pad_token_id,
        vocab_size=loop._vocab,
        prefix_cache=loop.prefix_cache,
    )
    assert dec.reserve(700, max_bytes=1 << 40) == 700
    threads = torch.get_num_threads()
    try:
        lone = [f.result(timeout=120) for f in dec.submit(loop.rows(reqs[:1]))]
        assert set(dec.thread_passes) == {1}  # a lone row: one thread
        outs = lone + [f.result(timeout=120) for f in dec.submit(loop.rows(reqs[1:6]))]
        assert dec.thread_passes.get(2)  # five rows: cpu_threads
        deadline = time.time() + 30
        while torch.get_num_threads() != threads and time.time() < deadline:
            time.sleep(0.05)
        assert torch.get_num_threads() == threads  # idle: the process's setting again
    finally:
        torch.set_num_threads(threads)
    texts = loop.chat.tokenizer.batch_decode(outs, skip_special_tokens=True)
    assert texts == [str(w) for w in want]
    assert dec.row_s >= dec.wait_s > 0 and dec.steps > 0
    # a budget caps the reservation: 8 rows of SmolLM-sized KV in 1 MB is a few positions
    assert dec.reserve(700, max_bytes=1 << 20) < 700
