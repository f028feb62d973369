"""A batched, grammar-constrained decode loop for HF causal LMs (the transformers backends' engine).

Compared with ``model.generate`` + a logits processor it

* runs the model over a slot KV cache (``gtm_core.llm.slot_model``): every sequence owns a row of
  preallocated key/value buffers and its own length, so a row that finishes leaves at the cost of
  moving one row, and a new row joins by being prefilled into the next free slot (continuous
  batching) -- no padding, no concatenation, no whole-cache copy per step;
* admits new rows inside a decode step (``DecodeBatch.step(admit=...)``; ``add`` on an idle batch):
  their prompts are prefilled in length-sorted chunks (little padding), the first chunk in the same
  model pass as the live rows' next tokens;
* fills the xgrammar token bitmasks of all rows in one ``BatchGrammarMatcher`` call;
* honours each row's own ``max_new_tokens`` and, when sampling, its own seeded generator (a row's
  output does not depend on which other rows share its batch);
* reuses the KV of shared prompt prefixes (the system turn; the tool line of a tool called again)
  computed once (``PrefixCache``);
* restarts a row in place when its hook says so (``Row.restart_when``, from ``ChatRequest.restart``:
  the simulator declines a low-confidence error this way): the row decodes again from its own
  prompt under another grammar (``Row.fallback``), with its prompt KV kept: no second prefill, no
  unwanted output decoded to the end first.

Greedy decoding gives the same tokens as ``generate`` with xgrammar's HF logits processor (tested).
Models outside the Qwen2 / Llama family use the ``generate`` path instead.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from gtm_core.llm.slot_model import SlotKV, slot_model

PAD_WASTE = 0.25  # prefill chunks: share of padded positions allowed
PREFILL_TOKENS = 4096  # prefill chunks: at most this many (padded) positions per forward
# a joining row reserves room for this many new tokens, not its whole budget: outputs are mostly
# short, every slot is as long as the longest (``SlotKV``), and a longer output grows the cache
DECODE_ROOM = 64
# prompt-prefix KV memory by default: about 220 tool lines of SmolLM2-135M (30 layers, 3 KV heads of
# 64: 46 KB a token in float32; a tool line is about 200 tokens past the shared system turn)
PREFIX_CACHE_MB = 2048
# most memory a server reserves up front for the live rows' KV (``ContinuousDecoder.reserve``)
KV_RESERVE_MB = 2048
# a batch of fewer rows decodes on one CPU thread (``ContinuousDecoder``): its matrix-vector work is
# memory-bound, and spinning intra-op threads would take the cores the HTTP front answers on
SMALL_BATCH_ROWS = 4
# a constrained row that reaches its budget (or repeats itself) with its JSON still open is closed,
# not cut: for up to this many more tokens, wherever its grammar admits one of its ``closers``
# (tokens that only close strings, arrays and objects, and the stop tokens) it takes one, so its
# output ends as the grammar allows, required fields included, in the fewest tokens it can
CLOSE_TOKENS = 128
CLOSE_BIAS = 1e4


class PrefixCache:
    """KV of prompt prefixes shared by many rows (the system turn; the tool line of a tool called
    again and again), computed once per model. A longer prefix built on a cached shorter one (its
    ``base``) stores only the positions past the base: each tool line's entry holds its own KV,
    the system turn's is kept once. Bounded by entries and by bytes (least recently used first
    out; a base evicted before its extensions is computed again when next needed)."""

    def __init__(self, max_entries: int = 4096, max_bytes: int = PREFIX_CACHE_MB << 20):
        # prefix ids -> (base length, per-layer (k, v) of positions base..len)
        self.entries: OrderedDict[tuple[int, ...], tuple[int, list[tuple[Any, Any]]]] = (
            OrderedDict()
        )
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self.bytes = 0
        self.hits = 0

    def get(self, model, prefix: Sequence[int], base: int = 0) -> list[tuple[int, list]]:
        """The KV of ``prefix`` as pieces ``(offset, per-layer (k, v) [kv_heads, n, head_dim])``
        in position order (``SlotKV.load``); built on the cached KV of ``prefix[:base]`` when
        ``base``."""
        import torch

        key = tuple(prefix)
        entry = self.entries.get(key)
        if entry is not None:
            self.hits += 1
            self.entries.move_to_end(key)
            at, kv = entry
            return [*(self.get(model, key[:at]) if at else []), (at, kv)]
        sm = slot_model(model)
        cache = sm.cache(1, len(key))
        at = base if 0 < base < len(key) else 0
        below = self.get(model, key[:at]) if at else []
        for offset, kv in below:
            cache.load(0, kv, offset)
        ids = torch.tensor([list(key[at:])], device=sm.device)
        sm.forward(
            cache,
            0,
            ids,
            torch.tensor([at], device=sm.device),
            torch.tensor([len(key) - at], device=sm.device),
        )
        kv = cache.export(0, len(key), at)
        size = _nbytes(kv)
        while self.entries and (
            len(self.entries) >= self.max_entries or self.bytes + size > self.max_bytes
        ):
            self.bytes -= _nbytes(self.entries.popitem(last=False)[1][1])
        self.entries[key] = (at, kv)
        self.bytes += size
        return [*below, (at, kv)]


CLOSING_CHARS = frozenset(']}"')


def closer_ids(decoded_vocab: Sequence[bytes | str], stop_ids: Sequence[int]):
    """The ids of the tokens whose text is nothing but closing brackets and quotes (whitespace
    around them allowed), and ``stop_ids``: what a row over its budget favours (``Row.closers``)."""
    import torch

    ids = set(stop_ids)
    for i, b in enumerate(decoded_vocab):
        text = (b.decode("utf-8", "ignore") if isinstance(b, bytes) else b).strip()
        if text and set(text) <= CLOSING_CHARS:
            ids.add(i)
    return torch.tensor(sorted(ids), dtype=torch.long)


def _nbytes(kv: list[tuple[Any, Any]]) -> int:
    """Bytes of per-layer ``(k, v)`` tensors."""
    return sum(k.numel() * k.element_size() + v.numel() * v.element_size() for k, v in kv)


@dataclass
class Row:
    """One sequence to decode: prompt token ids, budget, optional grammar matcher and sampling."""

    prompt: list[int]
    max_new_tokens: int
    prefix: int = (
        0  # the first ``prefix`` prompt tokens have cached KV (``DecodeBatch.prefix_cache``)
    )
    prefix_base: int = 0  # ... built on the cached KV of the first ``prefix_base`` tokens
    matcher: Any = None  # xgrammar.GrammarMatcher or None (unconstrained)
    temperature: float = 0.0
    seed: int | None = None
    tag: Any = None  # caller's handle (e.g. a future)
    submitted: float = 0.0  # when handed to a ``ContinuousDecoder`` (perf_counter)
    out: list[int] = field(default_factory=list)
    generator: Any = None
    loop_guard: int = (
        0  # > 0: finish once the last ``loop_guard`` tokens are one short n-gram repeated
    )
    head_logprob: float = (
        0.0  # log-probability of the first ``HEAD_TOKENS`` chosen tokens (grammar-masked)
    )
    # restarting in place: once ``restart_when(out, head_prob)`` decides (None: not yet), True
    # restarts the row from its prompt under ``fallback()`` (another grammar matcher)
    restart_when: Callable[[list[int], float], bool | None] | None = None
    fallback: Callable[[], Any] | None = None
    restarted: bool = False
    # token ids (a tensor) that only close a string, array or object, and the stop tokens: with
    # them the row is closed once over its budget (``CLOSE_TOKENS``); None: the row is cut there
    closers: Any = None
    closing: bool = False  # over its budget and closing (``closers`` favoured)
    # (positions, hash of their tokens) of the first cached prefix piece the row's KV was loaded
    # from: rows with the same one hold the same keys and values there (``SlotModel.step``'s
    # ``shared``; a prefix is always computed alone, so its KV depends on its tokens only)
    shared: tuple[int, int] = (0, 0)


# the opening tokens whose probability says which branch an output took (``{"error"`` or a result)
HEAD_TOKENS = 3


LOOP_MAX_PERIOD = 8


def in_loop(out: Sequence[int], span: int, max_period: int = LOOP_MAX_PERIOD) -> bool:
    """Whether the last ``span`` tokens of ``out`` repeat one n-gram of at most ``max_period``
    tokens (a greedy small model stuck writing ``0000…`` or ``"a", "a", …`` until the budget)."""
    if span <= 0 or len(out) < span:
        return False
    tail = out[-span:]
    return any(
        all(tail[i] == tail[i - p] for i in range(p, span))
        for p in range(1, min(max_period, span // 2) + 1)
    )


def prefill_chunks(
    lengths: Sequence[int], max_waste: float = PAD_WASTE, max_tokens: int | None = None
) -> list[list[int]]:
    """Indices grouped into chunks of similar length (sorted): padding stays below ``max_waste``
    and a chunk holds at most ``max_tokens`` padded positions (at least one row)."""
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    chunks: list[list[int]] = []
    cur: list[int] = []
    total = 0
    for i in order:
        n = lengths[i]
        k = len(cur) + 1
        if cur and (
            k * n - (total + n) > max_waste * k * n
            or (max_tokens is not None and k * n > max_tokens)
        ):
            chunks.append(cur)
            cur, total = [], 0
        cur.append(i)
        total += n
    if cur:
        chunks.append(cur)
    return chunks


class DecodeBatch:
    """The live batch: rows in slots ``0..B-1`` of a ``SlotKV``, their lengths and next-token
    logits."""

    def __init__(
        self,
        model,
        *,
        eos_ids: Sequence[int],
        pad_id: int,
        vocab_size: int | None = None,
        xgr_threads: int | str = "auto",
        prefix_cache: PrefixCache | None = None,
        max_rows: int = 32,
    ):
        import torch

        self.torch = torch
        self.model = model
        self.sm = slot_model(model)
        self.device = self.sm.device
        self.eos_set = set(int(e) for e in eos_ids)
        self.eos_id = int(eos_ids[0])  # what a row its grammar ends is closed with
        self.pad_id = pad_id
        self.vocab_size = vocab_size
        self.rows: list[Row] = []
        self.lens: list[int] = []  # KV positions filled per row
        self.kv: SlotKV | None = None
        self.max_rows = max_rows
        self.logits = None  # [B, V] float32
        self._xgr_threads = xgr_threads
        self._batch_matcher = None
        self._bitmask = None
        self._end_mask = None  # one row's bitmask (``_ends``)
        self._not_stop = None  # ... with every bit set but the stop tokens
        self.prefix_cache = prefix_cache

    def __len__(self) -> int:
        return len(self.rows)

    def reserve(self, rows: int, positions: int) -> None:
        """Allocate KV room for ``rows`` slots of ``positions`` now, so that serving does not pause
        to grow (and zero) the cache while rows join."""
        if self.kv is None:
            self.kv = self.sm.cache(rows, positions)
        else:
            live = len(self.rows)
            self.kv.ensure(rows, positions, live, max(self.lens, default=0), self.max_rows)

    # ---- admission -----------------------------------------------------------------------------
    def _admit(self, rows: Sequence[Row], live: int) -> tuple[list[Row], list[list[Row]]]:
        """Rows already finished (``max_new_tokens`` <= 0), and the others grouped into prefill
        chunks of similar prompt length; seeds generators and makes room for ``live`` + new rows."""
        torch = self.torch
        done = [r for r in rows if r.max_new_tokens <= 0]
        rows = [r for r in rows if r.max_new_tokens > 0]
        if not rows:
            return done, []
        for r in rows:
            if r.temperature > 0:
                r.generator = torch.Generator(device=self.device)
                r.generator.manual_seed(int(r.seed or 0))
            if self.prefix_cache is None or not 0 < r.prefix < len(r.prompt):
                r.prefix = 0
        # positions a row fills at first: its prompt and the first ``DECODE_ROOM`` new tokens (the
        # cache grows while decoding, ``step``), and the padding of a prefill chunk after its cached
        # prefix (a chunk is as long as its longest uncached part)
        need = max(
            max(len(r.prompt) + min(r.max_new_tokens, DECODE_ROOM) for r in rows),
            max(r.prefix for r in rows) + max(len(r.prompt) - r.prefix for r in rows),
        )
        if self.kv is None:  # room for the rows at hand; more slots come as rows join (``ensure``)
            self.kv = self.sm.cache(live + len(rows), max(need, 64))
        else:
            self.kv.ensure(
                live + len(rows), need, live, max(self.lens[:live], default=0), self.max_rows
            )
        chunks = prefill_chunks([len(r.prompt) - r.prefix for r in rows], PAD_WASTE, PREFILL_TOKENS)
        return done, [[rows[i] for i in c] for c in chunks]

    def _prefill_inputs(self, grp: Sequence[Row], slot0: int) -> tuple:
        """Model inputs of a prefill chunk placed in slots ``slot0..``: cached prefix KV is loaded
        into the slots, the rest of each prompt right-padded."""
        torch = self.torch
        for j, r in enumerate(grp):
            if r.prefix:
                pieces = self.prefix_cache.get(self.model, r.prompt[: r.prefix], r.prefix_base)
                for offset, kv in pieces:
                    self.kv.load(slot0 + j, kv, offset)
                n = pieces[1][0] if len(pieces) > 1 else r.prefix  # the first piece's length
                r.shared = (n, hash(tuple(r.prompt[:n])))
        n = max(len(r.prompt) - r.prefix for r in grp)
        ids = torch.full((len(grp), n), self.pad_id, dtype=torch.long)
        for j, r in enumerate(grp):
            ids[j, : len(r.prompt) - r.prefix] = torch.tensor(
                r.prompt[r.prefix :], dtype=torch.long
            )
        start = torch.tensor([r.prefix for r in grp])
        real = torch.tensor([len(r.prompt) - r.prefix for r in grp])
        return ids.to(self.device), start.to(self.device), real.to(self.device), slot0

    def _join(self, chunks: list[list[Row]], logits: list) -> None:
        """Prefill ``chunks`` into the slots after the live rows (one pass each) and join them."""
        for grp in chunks:
            logits.append(
                self.sm.step(self.kv, None, None, self._prefill_inputs(grp, len(self.rows)))
            )
            self._append(grp)
        self.logits = self.torch.cat(logits) if len(logits) > 1 else logits[0]

    def _append(self, grp: Sequence[Row]) -> None:
        """Rows just prefilled into the slots after the live ones join the batch."""
        self.rows += grp
        self.lens += [len(r.prompt) for r in grp]

    def add(self, rows: Sequence[Row]) -> list[Row]:
        """Prefill ``rows`` into free slots and join them to the batch; returns rows already
        finished (``max_new_tokens`` <= 0). ``step(admit=...)`` does the same inside a decode
        step."""
        done, chunks = self._admit(rows, len(self.rows))
        if chunks:
            self._join(chunks, [self.logits] if self.rows else [])
        return done

    # ---- decoding ------------------------------------------------------------------------------
    def _constrain(self, scores) -> None:
        import xgrammar as xgr

        idx = [i for i, r in enumerate(self.rows) if r.matcher is not None]
        if not idx:
            return
        if self._batch_matcher is None:
            self._batch_matcher = xgr.BatchGrammarMatcher(self._xgr_threads)
        width = (
            self.vocab_size or scores.shape[-1]
        )  # the grammar's vocabulary (may exceed the logits')
        if self._bitmask is None or self._bitmask.shape[0] < len(self.rows):
            self._bitmask = xgr.allocate_token_bitmask(max(len(self.rows), 32), width)
        self._batch_matcher.batch_fill_next_token_bitmask(
            [self.rows[i].matcher for i in idx], self._bitmask, idx
        )
        xgr.apply_token_bitmask_inplace(
            scores,
            self._bitmask[: len(self.rows)].to(scores.device),
            vocab_size=min(width, scores.shape[-1]),
            indices=idx,
        )

    def step(
        self, admit: Sequence[Row] = (), on_done: Callable[[list[Row]], None] | None = None
    ) -> list[Row]:
        """Choose one token for every row, retire finished rows, run the model on the others --
        and on the prompts of the rows ``admit``, which join the batch in the same pass. Returns
        the rows that finished (their ``out`` holds the new tokens, EOS included); ``on_done``
        gets the rows finished by this step's tokens before the model pass runs.

        A row whose grammar admits nothing but the end once its token is accepted (a closed
        object, array or string) ends at once, its EOS appended without a model pass for it."""
        torch = self.torch
        if not self.rows:
            return self.add(admit)
        tokens = self._choose()
        finished = self._settle(tokens)
        done = [self.rows[i] for i in finished]
        if done and on_done is not None:
            on_done(done)
        if finished:
            order = self._retire(finished)
            if not self.rows:
                self.logits = None
                return done + self.add(admit)
            tokens = tokens[torch.tensor(order, device=tokens.device)]
        live = len(self.rows)
        top = max(self.lens) + 1  # positions the live rows fill after this pass
        if top > self.kv.cap:
            self.kv.ensure(live, top, live, top - 1)
        early, chunks = self._admit(admit, live) if admit else ([], [])
        first = self._prefill_inputs(chunks[0], live) if chunks else None
        start = torch.tensor(self.lens, device=self.device)
        logits = self.sm.step(self.kv, tokens, start, first, self._shared())
        self.lens = [n + 1 for n in self.lens]
        if chunks:  # the first chunk joined in this pass, any others in passes of their own
            self._append(chunks[0])
            self._join(chunks[1:], [logits])
        else:
            self.logits = logits
        return done + early

    def _choose(self):
        """Each row's next token (grammar-masked; greedy or its own seeded sample), accepted by
        its matcher; the opening tokens' log-probabilities are added to ``head_logprob``."""
        torch = self.torch
        scores = self.logits
        self._constrain(scores)
        closing = [i for i, r in enumerate(self.rows) if r.closing]
        if closing:
            with torch.inference_mode():  # the logits are inference tensors
                for i in closing:
                    scores[i, self.rows[i].closers] += CLOSE_BIAS
        tokens = scores.argmax(-1)
        for i, r in enumerate(self.rows):
            if r.temperature > 0 and not r.closing:
                probs = torch.softmax(scores[i] / r.temperature, -1)
                tokens[i] = torch.multinomial(probs, 1, generator=r.generator)[0]
        toks = tokens.tolist()
        head = [i for i, r in enumerate(self.rows) if len(r.out) < HEAD_TOKENS]
        if head:
            ix = torch.tensor(head, device=scores.device)
            lp = (
                torch.log_softmax(scores[ix].float(), -1)
                .gather(1, tokens[ix].unsqueeze(1))
                .squeeze(1)
                .tolist()
            )
            for i, v in zip(head, lp, strict=True):
                self.rows[i].head_logprob += v
        matched = [i for i, r in enumerate(self.rows) if r.matcher is not None]
        if matched:
            import xgrammar as xgr

            xgr.BatchGrammarMatcher.batch_accept_token(
                [self.rows[i].matcher for i in matched], [toks[i] for i in matched]
            )
        return tokens

    def _settle(self, tokens) -> list[int]:
        """Append each row's token; restart the rows whose hook says so (``tokens`` then holds
        the prompt's last token for them) and return the indices of the rows that finished."""
        finished = []
        for i, (r, t) in enumerate(zip(self.rows, tokens.tolist(), strict=True)):
            r.out.append(t)
            if r.restart_when is not None and len(r.out) >= HEAD_TOKENS and _restarts(r):
                # restart from the prompt: its last token is run again (at its own position, the KV
                # after it is masked) to give the first result token's logits under ``fallback``
                tokens[i] = r.prompt[-1]
                self.lens[i] = len(r.prompt) - 1
                continue
            if t in self.eos_set:
                finished.append(i)
            elif r.matcher is not None and r.matcher.is_completed() and self._ends(r.matcher):
                r.out.append(self.eos_id)
                finished.append(i)
            elif len(r.out) >= r.max_new_tokens or (
                r.loop_guard
                and not r.closing
                and len(r.out) % LOOP_MAX_PERIOD == 0
                and in_loop(r.out, r.loop_guard)
            ):
                if r.closers is None or r.closing or r.matcher is None:
                    finished.append(i)
                else:  # open JSON: close it (``CLOSE_TOKENS``)
                    r.closing = True
                    r.max_new_tokens = len(r.out) + CLOSE_TOKENS
        return finished

    def _shared(self) -> int:
        """Positions at the start of every live row loaded from one cached prefix (0: none)."""
        key = self.rows[0].shared
        return key[0] if all(r.shared == key for r in self.rows) else 0

    def _ends(self, matcher) -> bool:
        """Whether ``matcher`` (its root rule complete) admits nothing but a stop token next."""
        import xgrammar as xgr

        torch = self.torch
        if self._end_mask is None:
            self._end_mask = xgr.allocate_token_bitmask(1, self.vocab_size or self.logits.shape[-1])
            self._not_stop = torch.full_like(self._end_mask[0], -1)  # all 32 bits of each word
            for t in matcher.stop_token_ids:
                self._not_stop[t // 32] &= ~(1 << (t % 32)) if t % 32 < 31 else 0x7FFFFFFF
        matcher.fill_next_token_bitmask(self._end_mask)
        return not bool((self._end_mask[0] & self._not_stop).any())

    def _retire(self, finished: list[int]) -> list[int]:
        """Free the slots of rows ``finished``: the last live row moves into each freed slot.
        Returns, per remaining slot, the index the row had before."""
        order = list(range(len(self.rows)))
        for i in sorted(finished, reverse=True):
            last = len(self.rows) - 1
            if i != last:
                self.kv.move(last, i, self.lens[last])
                self.rows[i], self.lens[i], order[i] = self.rows[last], self.lens[last], order[last]
            self.rows.pop()
            self.lens.pop()
            order.pop()
        return order


def _restarts(r: Row) -> bool:
    """Whether row ``r`` restarts now: once ``restart_when`` decides, the decision is taken (and
    not asked again); a restarting row is reset to decode from its prompt under ``fallback()``."""
    verdict = r.restart_when(r.out, math.exp(r.head_logprob))
    if verdict is None:
        return False
    r.restart_when = None
    if not verdict or r.fallback is None:
        return False
    r.out, r.head_logprob, r.matcher, r.fallback = [], 0.0, r.fallback(), None
    r.restarted = True
    return True


def decode(
    model,
    rows: Sequence[Row],
    *,
    eos_ids: Sequence[int],
    pad_id: int,
    vocab_size: int | None = None,
    on_step: Callable[[int], None] | None = None,
    **kw,
) -> list[list[int]]:
    """Decode ``rows`` as one batch (rows leave as they finish); returns each row's new tokens
    with a final EOS stripped. ``kw``: DecodeBatch options (prefix_cache, max_rows)."""
    batch = DecodeBatch(model, eos_ids=eos_ids, pad_id=pad_id, vocab_size=vocab_size, **kw)
    batch.add(rows)
    steps = 0
    while len(batch):
        batch.step()
        steps += 1
        if on_step:
            on_step(steps)
    eos = set(eos_ids)
    return [r.out[:-1] if r.out and r.out[-1] in eos else list(r.out) for r in rows]


class ContinuousDecoder:
    """Continuous batching: one thread owns a ``DecodeBatch``; ``submit`` hands it rows from any
    thread and returns a future per row (its new tokens, EOS stripped). Waiting rows join the
    running batch between steps (up to ``max_rows`` live rows), finished rows leave at once."""

    def __init__(self, model, *, max_rows: int = 64, cpu_threads: int | None = None, **batch_kw):
        import threading

        self.model, self.max_rows, self.batch_kw = model, max_rows, batch_kw
        # on a CPU: torch threads of a batch of ``SMALL_BATCH_ROWS`` rows or more (None: torch's
        # setting); a smaller batch runs on one
        self.cpu_threads = cpu_threads
        self.on_cpu = slot_model(model).device.type == "cpu"
        self._pending: list[Row] = []
        self._cv = threading.Condition()
        self._thread: threading.Thread | None = None
        self.steps = 0
        self.live_rows = 0  # summed over steps: live_rows / steps = mean batch size
        self.prefills = 0  # admissions of waiting rows and the rows they prefilled
        self.prefill_rows = 0
        self.prefill_s = (
            0.0  # seconds in prefill-only passes (batch empty) / in decode steps (+ joins)
        )
        self.step_s = 0.0
        self.wait_s = 0.0  # summed over rows: seconds from ``submit`` to joining the batch
        self.row_s = 0.0  # ... from ``submit`` to the row's answer
        self._reserve: tuple[int, int] | None = None
        self.thread_passes: dict[int, int] = {}  # CPU threads -> model passes run on that many

    def reserve(self, positions: int, max_bytes: int = KV_RESERVE_MB << 20) -> int:
        """Have the running batch hold KV room for ``max_rows`` rows of ``positions`` (at most
        ``max_bytes``; fewer positions when it would take more) from its start: a serving warm-up,
        so that no decode step pauses to grow the cache. Returns the positions reserved."""
        per_row = slot_model(self.model).kv_bytes_per_token * self.max_rows
        positions = max(1, min(positions, max_bytes // max(per_row, 1)))
        self._reserve = (self.max_rows, positions)
        return positions

    def _new_batch(self) -> DecodeBatch:
        batch = DecodeBatch(self.model, max_rows=self.max_rows, **self.batch_kw)
        if self._reserve:
            batch.reserve(*self._reserve)
        return batch

    def submit(self, rows: Sequence[Row]) -> list:
        import threading
        from concurrent.futures import Future

        futs = []
        now = time.perf_counter()
        for r in rows:
            r.tag, r.submitted = Future(), now
            futs.append(r.tag)
        with self._cv:
            self._pending.extend(rows)
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="gtm-decode", daemon=True)
                self._thread.start()
            self._cv.notify()
        return futs

    def _finish(self, rows: Sequence[Row]) -> None:
        eos = set(self.batch_kw.get("eos_ids", ()))
        now = time.perf_counter()
        for r in rows:
            if not r.tag.done():
                self.row_s += now - r.submitted
                r.tag.set_result(r.out[:-1] if r.out and r.out[-1] in eos else list(r.out))

    def _loop(self) -> None:
        import torch

        batch = self._new_batch()
        before = torch.get_num_threads()
        many = (self.cpu_threads or before) if self.on_cpu else 1
        threads = None
        while True:
            with self._cv:
                if not self._pending and not len(batch) and threads not in (None, before):
                    torch.set_num_threads(before)  # idle: the process's own setting again
                    threads = None
                while not self._pending and not len(batch):
                    self._cv.wait()
                room = max(0, self.max_rows - len(batch))
                take, self._pending = self._pending[:room], self._pending[room:]
                now = time.perf_counter()
                self.wait_s += sum(now - r.submitted for r in take)
            if many > 1:
                want = many if len(batch) + len(take) >= SMALL_BATCH_ROWS else 1
                if want != threads:
                    torch.set_num_threads(want)
                    threads = want
                self.thread_passes[want] = self.thread_passes.get(want, 0) + 1
            try:
                t0 = time.perf_counter()
                if take:
                    self.prefills += 1
                    self.prefill_rows += len(take)
                if not len(batch):  # nothing to decode: a prefill-only pass
                    self._finish(batch.add(take))
                    self.prefill_s += time.perf_counter() - t0
                else:  # waiting rows join inside the decode step's pass
                    self.live_rows += len(batch)
                    self.steps += 1
                    # answers leave before the step's model pass (``on_done``)
                    self._finish(batch.step(admit=take, on_done=self._finish))
                    self.step_s += time.perf_counter() - t0
            except Exception as e:  # noqa: BLE001 - fail the rows in flight, keep serving
                for r in [*batch.rows, *take]:
                    if not r.tag.done():
                        r.tag.set_exception(e)
                batch = self._new_batch()
