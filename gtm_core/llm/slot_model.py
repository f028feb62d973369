"""A decoder-only LM of the Qwen2 / Llama family run over a *slot* KV
cache (the decode loop's engine).

The model's own modules (embeddings, projections, norms, MLP, rotary embedding, LM head; LoRA
wrappers included) do the work; only the attention plumbing is ours:

* ``SlotKV`` holds every layer's keys and values in preallocated ``[rows, kv_heads, cap, head_dim]``
  buffers. A sequence owns one slot (a row); the live sequences of a batch sit in slots ``0..B-1``,
  each with its own length, so a sequence that leaves costs one row move (``move``) and one that
  joins is written into the next free slot: nothing is ever padded, concatenated or copied whole.
* ``SlotModel.step`` runs one decode token for each live row *and* the (right-padded) prompts of
  rows joining the batch in one pass: the projections and MLPs see all tokens at once, attention
  runs per group; KV is written in place and the logits of each row's last real token come back.
  Grouped-query attention reads the shared KV heads in place (no ``repeat_kv``) under per-row
  length masks. ``SlotModel.forward`` is the prefill-only case.
* Keys, values and attention are float32 on a CPU whatever the weights' dtype: with bfloat16
  weights the projections and MLPs run at bfloat16 speed, while attention over bfloat16 slices of
  the slot buffers (strided, not contiguous) would be copied per layer and step and decode slower
  than float32 (``llm.precision``).
"""

from __future__ import annotations

from typing import Any, NamedTuple

SUPPORTED = ("qwen2", "llama", "mistral")
# decode rows that share a cached prompt prefix (the system turn) attend to it once for all of them
# (cascade attention) from this many rows on: its keys and values are read once, not once per row
CASCADE_MIN_ROWS = 4


def _base(model):
    """The causal LM itself, under a PEFT wrapper if there is one."""
    return model.get_base_model() if hasattr(model, "get_base_model") else model


def unsupported_reason(model) -> str | None:
    """Why ``model`` cannot run as a ``SlotModel`` (None when it can)."""
    base = _base(model)
    cfg = base.config
    kind = getattr(cfg, "model_type", None)
    if kind not in SUPPORTED:
        return f"model_type {kind!r} is not one of {', '.join(SUPPORTED)}"
    if getattr(cfg, "use_sliding_window", False) or (
        kind == "mistral" and getattr(cfg, "sliding_window", None)
    ):
        return "sliding-window attention is not supported"
    inner = getattr(base, "model", None)
    if inner is None or not all(
        hasattr(inner, a) for a in ("embed_tokens", "layers", "norm", "rotary_emb")
    ):
        return "the model does not have the embed_tokens / layers / norm / rotary_emb layout"
    return None


class SlotKV:
    """Per-layer key/value buffers ``[rows, kv_heads, cap, head_dim]``; grows on demand."""

    def __init__(
        self, layers: int, kv_heads: int, head_dim: int, *, rows: int, cap: int, dtype, device
    ):
        import torch

        self.shape = (kv_heads, head_dim)
        self.dtype, self.device = dtype, device
        # zeros, not empty: masked positions are multiplied by 0, and garbage NaN * 0 is NaN
        self.k = [
            torch.zeros((rows, kv_heads, cap, head_dim), dtype=dtype, device=device)
            for _ in range(layers)
        ]
        self.v = [torch.zeros_like(t) for t in self.k]

    @property
    def rows(self) -> int:
        return self.k[0].shape[0]

    @property
    def cap(self) -> int:
        return self.k[0].shape[2]

    def ensure(
        self, rows: int, cap: int, live: int, live_len: int, max_rows: int | None = None
    ) -> None:
        """Room for ``rows`` slots of ``cap`` positions; the first ``live`` slots (``live_len``
        positions) are kept. Grows geometrically (slots up to ``max_rows``, the most a batch
        holds) so that growth is rare."""
        if rows <= self.rows and cap <= self.cap:
            return
        import torch

        rows, cap = max(rows, self.rows), max(cap, self.cap)
        if rows > self.rows:
            rows = max(rows, min(2 * self.rows, max_rows or 2 * self.rows))
        if cap > self.cap:
            cap = max(cap, self.cap + self.cap // 2)
        for buf in (self.k, self.v):
            for i, old in enumerate(buf):
                new = torch.zeros(
                    (rows, self.shape[0], cap, self.shape[1]), dtype=self.dtype, device=self.device
                )
                if live and live_len:
                    new[:live, :, :live_len] = old[:live, :, :live_len]
                buf[i] = new

    def move(self, src: int, dst: int, length: int) -> None:
        """Copy slot ``src``'s first ``length`` positions into slot ``dst``."""
        for buf in (self.k, self.v):
            for t in buf:
                t[dst, :, :length] = t[src, :, :length]

    def load(self, slot: int, kv: list[tuple[Any, Any]], at: int = 0) -> None:
        """Write cached prefix KV (per layer ``(k, v)`` of shape ``[kv_heads, P, head_dim]``)
        into positions ``at..at+P`` of ``slot``."""
        for k_buf, v_buf, (k, v) in zip(self.k, self.v, kv, strict=True):
            n = k.shape[1]
            k_buf[slot, :, at : at + n] = k
            v_buf[slot, :, at : at + n] = v

    def export(self, slot: int, length: int, start: int = 0) -> list[tuple[Any, Any]]:
        """A copy of slot ``slot``'s positions ``start..length``, per layer ``(k, v)``."""
        return [
            (k[slot, :, start:length].clone(), v[slot, :, start:length].clone())
            for k, v in zip(self.k, self.v, strict=True)
        ]


def _inner(model):
    """The decoder stack (``embed_tokens``, ``layers``, ...) of a plain or PEFT-wrapped model."""
    return _base(model).model


class SlotModel:
    """Runs a supported HF causal LM (plain or PEFT-wrapped) over ``SlotKV`` slots."""

    def __init__(self, model):
        import torch

        reason = unsupported_reason(model)
        if reason:
            raise ValueError(f"model: {reason}")
        base = _base(model)
        cfg = base.config
        inner = base.model
        self.embed, self.layers, self.norm, self.rotary = (
            inner.embed_tokens,
            inner.layers,
            inner.norm,
            inner.rotary_emb,
        )
        self.lm_head = base.lm_head
        self.heads = cfg.num_attention_heads
        self.kv_heads = getattr(cfg, "num_key_value_heads", None) or self.heads
        self.head_dim = getattr(cfg, "head_dim", None) or cfg.hidden_size // self.heads
        self.scale = self.head_dim**-0.5
        p = next(base.parameters())
        self.dtype, self.device = p.dtype, p.device
        # keys, values, rotary tables and attention: float32 on a CPU (module docstring)
        self.att_dtype = torch.float32 if p.device.type == "cpu" else p.dtype
        self.fused = [
            _fuse(layer.self_attn, ("q_proj", "k_proj", "v_proj")) for layer in self.layers
        ]
        self.fused_mlp = [_fuse(layer.mlp, ("gate_proj", "up_proj")) for layer in self.layers]

    @property
    def kv_bytes_per_token(self) -> int:
        """Bytes of keys and values one token occupies (all layers)."""
        return len(self.layers) * 2 * self.kv_heads * self.head_dim * self.att_dtype.itemsize

    def cache(self, rows: int, cap: int) -> SlotKV:
        return SlotKV(
            len(self.layers),
            self.kv_heads,
            self.head_dim,
            rows=rows,
            cap=cap,
            dtype=self.att_dtype,
            device=self.device,
        )

    def forward(self, kv: SlotKV, slot0: int, ids, start, n):
        """Prefill only: run ``ids`` ``[B, N]`` (right-padded) for slots ``slot0..slot0+B-1``; row
        ``b``'s tokens take positions ``start[b] ..`` and ``n[b]`` of them are real. Returns float32
        logits ``[B, vocab]`` of each row's last real token."""
        return self.step(kv, None, None, (ids, start, n, slot0))

    def step(self, kv: SlotKV, tokens, start, prefill=None, shared: int = 0):
        """One pass for two groups of rows, returning float32 logits ``[B_d + B_p, vocab]``:

        * decode: ``tokens`` ``[B_d]`` for slots ``0..B_d-1`` at positions ``start`` ``[B_d]``
          (None: no decode rows); their first ``shared`` positions hold the same keys and values
          in every slot (a cached prefix), which they then attend to once for all;
        * ``prefill``: ``(ids [B_p, N] right-padded, start [B_p], n [B_p], slot0)``: new rows in
          slots ``slot0..``, their logits those of each row's last real token.

        Projections and MLPs run once over all tokens of both groups (decode steps and the prompts
        of joining rows share one pass); attention runs per group, reading the slots in place."""
        import torch

        b = self._batch(tokens, start, prefill)
        if b.bd >= CASCADE_MIN_ROWS and 0 < shared < b.ld:
            b = b._replace(shared=shared)
        with torch.inference_mode():
            x = self.embed(b.flat)  # [T, H]
            att_dt = self.att_dtype
            cast = att_dt != x.dtype  # bfloat16 weights on a CPU: attention in float32
            cos, sin = self.rotary(x[None].to(att_dt) if cast else x[None], b.pos[None])
            cos, sin = cos[0, :, None], sin[0, :, None]  # [T, 1, d]: broadcast over heads
            for li, layer in enumerate(self.layers):
                x = self._layer(li, layer, x, cos, sin, kv, b, cast)
            if b.bp:  # each new row's last real token
                dev = self.device
                last = b.bd + torch.arange(b.bp, device=dev) * b.t + b.pn - 1
                x = x[torch.cat([torch.arange(b.bd, device=dev), last])] if b.bd else x[last]
            return self.lm_head(self.norm(x)).float()

    def _batch(self, tokens, start, prefill) -> _Batch:
        """The flat tokens of ``step``'s two groups with their positions and slots, and each
        group's key length and additive attention mask."""
        import torch

        bd = 0 if tokens is None else tokens.shape[0]
        parts, pos_parts, slot_parts = [], [], []
        dev = self.device
        ld, bias_d = 0, None
        if bd:
            parts.append(tokens)
            pos_parts.append(start)
            slot_parts.append(torch.arange(bd, device=dev))
            ld = int(start.max()) + 1
            keys = torch.arange(ld, device=dev)
            bias_d = torch.zeros((bd, 1, 1, ld), dtype=self.att_dtype, device=dev).masked_fill_(
                (keys > start[:, None])[:, None, None], float("-inf")
            )  # [B_d, 1, 1, L]
        bp = t = lp = slot0 = 0
        pn = bias_p = None
        if prefill is not None:
            ids, pstart, pn, slot0 = prefill
            bp, t = ids.shape
            ppos = pstart[:, None] + torch.arange(t, device=dev)  # [B_p, N]
            parts.append(ids.reshape(-1))
            pos_parts.append(ppos.reshape(-1))
            slot_parts.append(torch.arange(slot0, slot0 + bp, device=dev).repeat_interleave(t))
            lp = int((pstart + t).max())
            keys = torch.arange(lp, device=dev)
            # query j of row b reads keys up to its own position, never the
            # padding after its n real tokens
            allowed = (keys <= ppos[:, :, None]) & (
                keys < (pstart + pn)[:, None, None]
            )  # [B_p, N, L]
            bias_p = torch.zeros(allowed.shape, dtype=self.att_dtype, device=dev).masked_fill_(
                ~allowed, float("-inf")
            )
            bias_p = bias_p[:, None]  # [B_p, 1, N, L]
        flat = torch.cat(parts) if len(parts) > 1 else parts[0]
        pos = torch.cat(pos_parts) if len(pos_parts) > 1 else pos_parts[0]
        slots = torch.cat(slot_parts) if len(slot_parts) > 1 else slot_parts[0]
        return _Batch(flat, pos, slots, bd, ld, bias_d, bp, t, lp, slot0, pn, bias_p)

    def _layer(self, li: int, layer, x, cos, sin, kv: SlotKV, b: _Batch, cast: bool):
        """Decoder layer ``li`` over the flat tokens ``x`` ``[T, H]`` of ``b``: keys and values
        written into their slots, attention per group, then the MLP."""
        import torch.nn.functional as F

        h, kvh, d = self.heads, self.kv_heads, self.head_dim
        att_dt = self.att_dtype
        total = x.shape[0]
        att = layer.self_attn
        y = layer.input_layernorm(x)
        if self.fused[li] is not None:
            q, k, v = F.linear(y, *self.fused[li]).split((h * d, kvh * d, kvh * d), -1)
        else:
            q, k, v = att.q_proj(y), att.k_proj(y), att.v_proj(y)
        if cast:
            q, k, v = q.to(att_dt), k.to(att_dt), v.to(att_dt)
        q = _rope(q.reshape(total, h, d), cos, sin)
        kbuf, vbuf = kv.k[li], kv.v[li]
        kbuf[b.slots, :, b.pos] = _rope(k.reshape(total, kvh, d), cos, sin)
        vbuf[b.slots, :, b.pos] = v.reshape(total, kvh, d)
        o = self._attend(q, kbuf, vbuf, b)
        x = x + att.o_proj(o.to(x.dtype) if cast else o)
        y = layer.post_attention_layernorm(x)
        if self.fused_mlp[li] is not None:
            gate, up = F.linear(y, *self.fused_mlp[li]).chunk(2, -1)
            return x + layer.mlp.down_proj(layer.mlp.act_fn(gate) * up)
        return x + layer.mlp(y)

    def _attend(self, q, kbuf, vbuf, b: _Batch):
        """Attention outputs ``[T, heads * head_dim]`` of the roped queries ``q`` ``[T, heads, d]``:
        the decode rows' first, then the prompts', each group reading its slots in place."""
        import torch
        import torch.nn.functional as F

        h, kvh, d = self.heads, self.kv_heads, self.head_dim
        bd, bp, t = b.bd, b.bp, b.t
        outs = []
        if bd and b.shared:
            outs.append(self._attend_shared(q[:bd], kbuf, vbuf, b))
        elif bd:  # one query per row: [B, kvh, g, d] x [B, kvh, d, L] batched matmuls
            kk, vv = kbuf[:bd, :, : b.ld], vbuf[:bd, :, : b.ld]
            scores = torch.matmul(q[:bd].view(bd, kvh, h // kvh, d), kk.transpose(-1, -2)).mul_(
                self.scale
            )
            probs = torch.softmax(scores.add_(b.bias_d), -1, dtype=torch.float32).to(vv.dtype)
            outs.append(torch.matmul(probs, vv).view(bd, h * d))
        if bp:  # prompts: torch's fused attention, grouped-query heads read in place
            s0, lp = b.slot0, b.lp
            kk, vv = kbuf[s0 : s0 + bp, :, :lp], vbuf[s0 : s0 + bp, :, :lp]
            qp = q[bd:].view(bp, t, h, d).transpose(1, 2)
            o = F.scaled_dot_product_attention(
                qp, kk, vv, attn_mask=b.bias_p, scale=self.scale, enable_gqa=True
            )
            outs.append(o.transpose(1, 2).reshape(bp * t, h * d))
        return torch.cat(outs) if len(outs) > 1 else outs[0]

    def _attend_shared(self, q, kbuf, vbuf, b: _Batch):
        """Decode attention of ``q`` ``[B, heads, d]`` when the first ``b.shared`` positions of
        every row are one shared prefix (cascade attention): the prefix's keys and values (slot 0's)
        are read once, as one matrix product for all rows' queries, the rest per row; one softmax
        over both parts."""
        import torch

        h, kvh, d = self.heads, self.kv_heads, self.head_dim
        bd, s, g = b.bd, b.shared, h // kvh
        qg = q.view(bd, kvh, g, d)
        q0 = qg.transpose(0, 1).reshape(kvh, bd * g, d)  # every row's queries, per KV head
        s0 = torch.matmul(q0, kbuf[0, :, :s].transpose(-1, -2))  # [kvh, B*g, S]
        s1 = torch.matmul(qg, kbuf[:bd, :, s : b.ld].transpose(-1, -2))  # [B, kvh, g, L-S]
        scores = torch.cat((s0.view(kvh, bd, g, s).transpose(0, 1), s1), -1)
        scores = scores.mul_(self.scale).add_(b.bias_d)
        probs = torch.softmax(scores, -1, dtype=torch.float32).to(vbuf.dtype)
        o = torch.matmul(probs[..., s:], vbuf[:bd, :, s : b.ld])  # [B, kvh, g, d]
        p0 = probs[..., :s].transpose(0, 1).reshape(kvh, bd * g, s)
        o0 = torch.matmul(p0, vbuf[0, :, :s])  # [kvh, B*g, d]
        return o.add_(o0.view(kvh, bd, g, d).transpose(0, 1)).view(bd, h * d)


class _Batch(NamedTuple):
    """One ``SlotModel.step``'s rows: flat tokens ``[T]`` with their positions and slots; decode
    rows (``bd`` of them, keys up to ``ld``, mask ``bias_d``) then prefill rows (``bp`` of ``t``
    tokens in slots ``slot0..``, ``pn`` real, keys up to ``lp``, mask ``bias_p``)."""

    flat: Any
    pos: Any
    slots: Any
    bd: int
    ld: int
    bias_d: Any
    bp: int
    t: int
    lp: int
    slot0: int
    pn: Any
    bias_p: Any
    shared: int = 0  # decode rows' shared prefix positions, attended once (``_attend_shared``)


def _fuse(module, names: tuple[str, ...]):
    """One weight (and bias) for the plain ``nn.Linear`` projections ``names`` of ``module``; the
    projections are re-pointed at slices of it (no extra memory). None
    when any is wrapped (LoRA)."""
    import torch

    projs = [getattr(module, n) for n in names]
    if not all(type(p) is torch.nn.Linear for p in projs):
        return None
    if any((p.bias is None) != (projs[0].bias is None) for p in projs):
        return None
    with torch.no_grad():
        w = torch.cat([p.weight for p in projs])
        b = torch.cat([p.bias for p in projs]) if projs[0].bias is not None else None
        at = 0
        for p in projs:
            n = p.weight.shape[0]
            p.weight.data = w[at : at + n]
            if b is not None:
                p.bias.data = b[at : at + n]
            at += n
    return w, b


def _rope(x, cos, sin):
    """Rotary position embedding on ``[B, N, heads, d]`` (``cos``/``sin`` ``[B, N, 1, d]``)."""
    import torch

    half = x.shape[-1] // 2
    return x * cos + torch.cat((-x[..., half:], x[..., :half]), dim=-1) * sin


def slot_model(model) -> SlotModel:
    """The ``SlotModel`` of ``model``, built once and kept on it (built again when the model has
    since moved to another dtype or device, or was copied with it)."""
    sm = getattr(model, "_gtm_slot_model", None)
    p = next(model.parameters())
    if (
        sm is None
        or (sm.dtype, sm.device) != (p.dtype, p.device)
        or sm.embed is not _inner(model).embed_tokens
    ):
        sm = SlotModel(model)
        model._gtm_slot_model = sm
    return sm
