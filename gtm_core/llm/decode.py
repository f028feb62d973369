"""A batched, grammar-constrained decode loop for HF causal LMs (the transformers backends' engine).

Compared with ``model.generate`` + a logits processor it

* drops a row from the batch (its KV-cache rows sliced away) as soon as it ends, and trims the
  left padding no remaining row needs, so the tail of a batch costs what its live rows cost;
* admits new rows between steps (``DecodeBatch.add``): their prompts are prefilled in
  length-sorted chunks (little padding) and merged into the running cache (continuous batching);
* fills the xgrammar token bitmasks of all rows in one ``BatchGrammarMatcher`` call;
* honours each row's own ``max_new_tokens`` and, when sampling, its own seeded generator (a row's
  output does not depend on which other rows share its batch);
* reuses the KV of a shared prompt prefix (the system turn) computed once (``PrefixCache``);
* decodes with a growing, preallocated KV cache (no per-step copy of the whole cache) and a
  single-query GQA attention that reads the shared KV heads in place (no ``repeat_kv`` copy).

Greedy decoding gives the same tokens as ``generate`` with xgrammar's HF logits processor (tested).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

PAD_WASTE = 0.0  # prefill chunks: share of padded positions allowed (padding forces the slow masked path)
ATTN = "gtm_decode"


def decode_attention(module, query, key, value, attention_mask, scaling=None, **kwargs):
    """Attention for one new token per row: grouped-query matmuls on the cached KV heads in place
    (no ``repeat_kv`` copy); longer queries go to torch SDPA."""
    import torch
    from transformers.integrations.sdpa_attention import sdpa_attention_forward

    if query.shape[2] != 1:
        return sdpa_attention_forward(module, query, key, value, attention_mask, scaling=scaling, **kwargs)
    b, h, _, d = query.shape
    kvh, s = key.shape[1], key.shape[2]
    q = query.reshape(b, kvh, h // kvh, d)
    scores = torch.matmul(q, key.transpose(-1, -2)) * (scaling if scaling is not None else d ** -0.5)
    if attention_mask is not None:
        m = attention_mask[..., -s:].reshape(b, 1, 1, s)
        scores = scores.masked_fill(~m, float("-inf")) if m.dtype == torch.bool else scores + m
    out = torch.matmul(torch.softmax(scores, -1, dtype=torch.float32).to(value.dtype), value)
    return out.reshape(b, 1, h, d), None


def _register_attention() -> None:
    from transformers import AttentionInterface
    from transformers.masking_utils import AttentionMaskInterface, sdpa_mask

    AttentionInterface.register(ATTN, decode_attention)
    AttentionMaskInterface.register(ATTN, sdpa_mask)


def _growing_cache(config):
    """A DynamicCache whose layers append into preallocated buffers (amortised growth)."""
    from transformers import DynamicCache
    from transformers.cache_utils import DynamicLayer

    class GrowingLayer(DynamicLayer):
        _kb = _vb = None

        def update(self, key_states, value_states, *args, **kwargs):
            if not self.is_initialized:
                self.lazy_initialization(key_states, value_states)
            n = self.keys.shape[-2] if self.keys.numel() else 0
            s = key_states.shape[-2]
            kb = self._kb
            if (kb is None or kb.shape[-2] < n + s or kb.shape[0] != key_states.shape[0]
                    or (n and self.keys.data_ptr() != kb.data_ptr())):
                b, heads, _, d = key_states.shape
                cap = n + s + max(32, (n + s) // 4)
                kb, vb = key_states.new_empty((b, heads, cap, d)), value_states.new_empty((b, heads, cap, d))
                if n:
                    kb[:, :, :n], vb[:, :, :n] = self.keys, self.values
                self._kb, self._vb = kb, vb
            self._kb[:, :, n:n + s] = key_states
            self._vb[:, :, n:n + s] = value_states
            self.keys, self.values = self._kb[:, :, :n + s], self._vb[:, :, :n + s]
            return self.keys, self.values

    cache = DynamicCache(config=config)
    if all(type(layer) is DynamicLayer for layer in cache.layers):
        cache.layers = [GrowingLayer() for _ in cache.layers]
    return cache


class PrefixCache:
    """KV of prompt prefixes shared by many rows (the system turn; the tool line of a tool called
    again and again), computed once per model; a longer prefix extends a cached shorter one."""

    def __init__(self, max_entries: int = 128):
        self.entries: dict[tuple[int, ...], list[tuple[Any, Any]]] = {}
        self.max_entries = max_entries
        self.hits = 0

    def get(self, model, prefix: Sequence[int], base: int = 0):
        """KV of ``prefix`` (batch 1); built on the cached KV of ``prefix[:base]`` when ``base``."""
        import torch

        key = tuple(prefix)
        kv = self.entries.get(key)
        if kv is not None:
            self.hits += 1
            self.entries[key] = self.entries.pop(key)  # most recently used last
            return kv
        cache = _growing_cache(model.config)
        start = 0
        if 0 < base < len(key):
            for layer, (k, v) in zip(cache.layers, self.get(model, key[:base]), strict=True):
                layer.update(k, v)
            start = base
        ids = torch.tensor([list(key[start:])], device=next(model.parameters()).device)
        with torch.inference_mode():
            model(input_ids=ids, past_key_values=cache, use_cache=True, logits_to_keep=1,
                  position_ids=torch.arange(start, len(key), device=ids.device)[None])
        kv = [(layer.keys.clone(), layer.values.clone()) for layer in cache.layers]
        while len(self.entries) >= self.max_entries:
            self.entries.pop(next(iter(self.entries)))
        self.entries[key] = kv
        return kv


@dataclass
class Row:
    """One sequence to decode: prompt token ids, budget, optional grammar matcher and sampling."""

    prompt: list[int]
    max_new_tokens: int
    prefix: int = 0  # the first ``prefix`` prompt tokens have cached KV (``DecodeBatch.prefix_cache``)
    prefix_base: int = 0  # ... built on the cached KV of the first ``prefix_base`` tokens
    matcher: Any = None  # xgrammar.GrammarMatcher or None (unconstrained)
    temperature: float = 0.0
    seed: int | None = None
    tag: Any = None  # caller's handle (e.g. a future)
    out: list[int] = field(default_factory=list)
    generator: Any = None


def prefill_chunks(lengths: Sequence[int], max_waste: float = PAD_WASTE) -> list[list[int]]:
    """Indices grouped into chunks of similar length (sorted): padding stays below ``max_waste``."""
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    chunks: list[list[int]] = []
    cur: list[int] = []
    total = 0
    for i in order:
        n = lengths[i]
        if cur and (len(cur) + 1) * n - (total + n) > max_waste * (len(cur) + 1) * n:
            chunks.append(cur)
            cur, total = [], 0
        cur.append(i)
        total += n
    if cur:
        chunks.append(cur)
    return chunks


class DecodeBatch:
    """The live batch: rows, their KV cache (left-padded), attention mask and next-token logits."""

    def __init__(self, model, *, eos_ids: Sequence[int], pad_id: int, vocab_size: int | None = None,
                 xgr_threads: int | str = "auto", prefix_cache: PrefixCache | None = None,
                 fast_attention: bool = True):
        import torch

        self.torch = torch
        self.model = model
        self.device = next(model.parameters()).device
        self.eos = torch.tensor(sorted(set(eos_ids)), device=self.device)
        self.eos_set = set(int(e) for e in eos_ids)
        self.pad_id = pad_id
        self.vocab_size = vocab_size
        self.rows: list[Row] = []
        self.cache = None
        self.mask = None  # [B, S] long
        self.pos = None  # [B] next position id
        self.logits = None  # [B, V] float32
        self._xgr_threads = xgr_threads
        self._batch_matcher = None
        self._bitmask = None
        self.prefix_cache = prefix_cache
        self.fast_attention = fast_attention
        if fast_attention:
            _register_attention()

    def __len__(self) -> int:
        return len(self.rows)

    # ---- admission -----------------------------------------------------------------------------
    def add(self, rows: Sequence[Row]) -> list[Row]:
        """Prefill ``rows`` and merge them into the batch; returns rows already finished
        (``max_new_tokens`` <= 0)."""
        torch = self.torch
        done = [r for r in rows if r.max_new_tokens <= 0]
        rows = [r for r in rows if r.max_new_tokens > 0]
        for r in rows:
            if r.temperature > 0:
                r.generator = torch.Generator(device=self.device)
                r.generator.manual_seed(int(r.seed or 0))
        if self.prefix_cache is None:
            for r in rows:
                r.prefix = 0
        groups: dict[tuple[int, ...], list[Row]] = {}
        for r in rows:  # rows sharing a cached prefix are prefilled together
            groups.setdefault(tuple(r.prompt[:r.prefix]), []).append(r)
        parts = []
        for prefix, grp in groups.items():
            base = grp[0].prefix_base
            for chunk in prefill_chunks([len(r.prompt) - len(prefix) for r in grp], PAD_WASTE):
                parts.append(([grp[i] for i in chunk], *self._prefill([grp[i] for i in chunk], prefix, base)))
        self._merge(parts)
        return done

    def _prefill(self, rows: Sequence[Row], prefix: tuple[int, ...] = (), base: int = 0):
        torch = self.torch
        p = len(prefix)
        n = max(len(r.prompt) for r in rows) - p
        ids = torch.full((len(rows), n), self.pad_id, dtype=torch.long)
        mask = torch.zeros((len(rows), p + n), dtype=torch.long)
        mask[:, :p] = 1
        for i, r in enumerate(rows):
            ids[i, p + n - len(r.prompt):] = torch.tensor(r.prompt[p:], dtype=torch.long)
            mask[i, p + n - len(r.prompt) + p:] = 1
        ids, mask = ids.to(self.device), mask.to(self.device)
        pos = (mask.cumsum(-1) - 1).clamp(min=0)[:, p:]
        cache = _growing_cache(self.model.config)
        if p:
            for layer, (k, v) in zip(cache.layers, self.prefix_cache.get(self.model, prefix, base), strict=True):
                layer.update(k.expand(len(rows), -1, -1, -1), v.expand(len(rows), -1, -1, -1))
        with torch.inference_mode():
            out = self.model(input_ids=ids, attention_mask=mask, position_ids=pos, past_key_values=cache,
                             use_cache=True, logits_to_keep=1)
        return out.past_key_values, mask, mask.sum(-1), out.logits[:, -1, :].float()

    def _merge(self, parts: list[tuple]) -> None:
        """Join the live batch and prefilled ``parts`` (rows, cache, mask, pos, logits) in one
        copy: caches and masks left-padded to the longest."""
        torch = self.torch
        if self.cache is not None:
            parts = [(self.rows, self.cache, self.mask, self.pos, self.logits), *parts]
        if not parts:
            return
        if len(parts) == 1:
            self.rows, self.cache, self.mask, self.pos, self.logits = list(parts[0][0]), *parts[0][1:]
            return
        s = max(p[2].shape[1] for p in parts)

        def lpad(t, dim):  # left-pad dimension ``dim`` with zeros to length s
            k = s - t.shape[dim]
            if k == 0:
                return t
            shape = list(t.shape)
            shape[dim] = k
            return torch.cat([t.new_zeros(shape), t], dim=dim)

        cache = parts[0][1]
        for li, layer in enumerate(cache.layers):
            layer.keys = torch.cat([lpad(p[1].layers[li].keys, -2) for p in parts], dim=0)
            layer.values = torch.cat([lpad(p[1].layers[li].values, -2) for p in parts], dim=0)
        self.cache = cache
        self.mask = torch.cat([lpad(p[2], 1) for p in parts], dim=0)
        self.pos = torch.cat([p[3] for p in parts])
        self.logits = torch.cat([p[4] for p in parts])
        self.rows = [r for p in parts for r in p[0]]

    # ---- decoding ------------------------------------------------------------------------------
    def _constrain(self, scores) -> None:
        import xgrammar as xgr

        idx = [i for i, r in enumerate(self.rows) if r.matcher is not None]
        if not idx:
            return
        if self._batch_matcher is None:
            self._batch_matcher = xgr.BatchGrammarMatcher(self._xgr_threads)
        width = self.vocab_size or scores.shape[-1]  # the grammar's vocabulary (may exceed the logits')
        if self._bitmask is None or self._bitmask.shape[0] < len(self.rows):
            self._bitmask = xgr.allocate_token_bitmask(max(len(self.rows), 32), width)
        self._batch_matcher.batch_fill_next_token_bitmask([self.rows[i].matcher for i in idx], self._bitmask, idx)
        xgr.apply_token_bitmask_inplace(scores, self._bitmask[:len(self.rows)].to(scores.device),
                                        vocab_size=min(width, scores.shape[-1]), indices=idx)

    def step(self) -> list[Row]:
        """Choose one token for every row, retire finished rows, run the model on the others;
        returns the rows that finished (their ``out`` holds the new tokens, EOS included)."""
        torch = self.torch
        if not self.rows:
            return []
        scores = self.logits
        self._constrain(scores)
        tokens = scores.argmax(-1)
        sampled = [i for i, r in enumerate(self.rows) if r.temperature > 0]
        for i in sampled:
            r = self.rows[i]
            probs = torch.softmax(scores[i] / r.temperature, -1)
            tokens[i] = torch.multinomial(probs, 1, generator=r.generator)[0]
        toks = tokens.tolist()
        matched = [i for i, r in enumerate(self.rows) if r.matcher is not None]
        if matched:
            import xgrammar as xgr

            xgr.BatchGrammarMatcher.batch_accept_token([self.rows[i].matcher for i in matched],
                                                       [toks[i] for i in matched])
        keep, finished = [], []
        for i, (r, t) in enumerate(zip(self.rows, toks, strict=True)):
            r.out.append(t)
            if t in self.eos_set or len(r.out) >= r.max_new_tokens:
                finished.append(r)
            else:
                keep.append(i)
        if finished:
            if not keep:
                self.rows, self.cache = [], None
                return finished
            self._select(keep)
            tokens = tokens[keep]
        self.mask = torch.cat([self.mask, self.mask.new_ones((len(self.rows), 1))], dim=1)
        cfg = self.model.config
        impl = cfg._attn_implementation
        if self.fast_attention and impl == "sdpa":
            cfg._attn_implementation = ATTN
        try:
            with torch.inference_mode():
                out = self.model(input_ids=tokens[:, None], attention_mask=self.mask,
                                 position_ids=self.pos[:, None], past_key_values=self.cache, use_cache=True)
        finally:
            cfg._attn_implementation = impl
        self.pos = self.pos + 1
        self.logits = out.logits[:, -1, :].float()
        return finished

    def _select(self, keep: list[int]) -> None:
        """Keep rows ``keep``; drop leading cache columns that are padding for every kept row."""
        torch = self.torch
        k = torch.tensor(keep, device=self.device)
        self.rows = [self.rows[i] for i in keep]
        self.mask, self.pos = self.mask[k], self.pos[k]
        live = self.mask.any(0).nonzero()
        first = int(live[0]) if len(live) else 0
        for layer in self.cache.layers:
            layer.keys = layer.keys[k, :, first:]
            layer.values = layer.values[k, :, first:]
        if first:
            self.mask = self.mask[:, first:]


def decode(model, rows: Sequence[Row], *, eos_ids: Sequence[int], pad_id: int, vocab_size: int | None = None,
           on_step: Callable[[int], None] | None = None, **kw) -> list[list[int]]:
    """Decode ``rows`` as one batch (rows leave as they finish); returns each row's new tokens
    with a final EOS stripped. ``kw``: DecodeBatch options (prefix_cache, fast_attention)."""
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

    def __init__(self, model, *, max_rows: int = 64, **batch_kw):
        import threading

        self.model, self.max_rows, self.batch_kw = model, max_rows, batch_kw
        self._pending: list[Row] = []
        self._cv = threading.Condition()
        self._thread: threading.Thread | None = None
        self.steps = 0
        self.live_rows = 0  # summed over steps: live_rows / steps = mean batch size

    def submit(self, rows: Sequence[Row]) -> list:
        import threading
        from concurrent.futures import Future

        futs = []
        for r in rows:
            r.tag = Future()
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
        for r in rows:
            if not r.tag.done():
                r.tag.set_result(r.out[:-1] if r.out and r.out[-1] in eos else list(r.out))

    def _loop(self) -> None:
        batch = DecodeBatch(self.model, **self.batch_kw)
        while True:
            with self._cv:
                while not self._pending and not len(batch):
                    self._cv.wait()
                room = max(0, self.max_rows - len(batch))
                take, self._pending = self._pending[:room], self._pending[room:]
            try:
                if take:
                    self._finish(batch.add(take))
                if len(batch):
                    self.live_rows += len(batch)
                    self.steps += 1
                    self._finish(batch.step())
            except Exception as e:  # noqa: BLE001 - fail the rows in flight, keep serving
                for r in [*batch.rows, *take]:
                    if not r.tag.done():
                        r.tag.set_exception(e)
                batch = DecodeBatch(self.model, **self.batch_kw)
