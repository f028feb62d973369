"""SFT data for training: chat JSONL -> token ids with the chat template, labels only on the
assistant turn (the tool output), and sequence packing into fixed-size blocks.

Each record is ``{"messages": [system, user, assistant]}`` as written by
``chat_format.sft_example``. The prompt (everything before the assistant content,
including ``<|im_start|>assistant\\n``) gets label -100; the output and its
closing ``<|im_end|>`` are learned.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

IGNORE = -100
SPLITS = ("train", "val", "test", "unseen")


class DataError(ValueError):
    """A bad SFT record or file: names the file, the line and the reason."""


def read_jsonl(path: Path, limit: int | None = None) -> list[dict[str, Any]]:
    """Chat records of one split; a malformed line raises ``DataError``
    naming file, line, reason."""
    out: list[dict[str, Any]] = []
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as e:
                raise DataError(f"{path}:{i}: field 'line': invalid JSON ({e.msg})") from e
            msgs = rec.get("messages") if isinstance(rec, dict) else None
            if not isinstance(msgs, list) or len(msgs) < 2:
                raise DataError(
                    f"{path}:{i}: field 'messages': expected a list of at least 2 messages"
                )
            for j, m in enumerate(msgs):
                if (
                    not isinstance(m, dict)
                    or not isinstance(m.get("content"), str)
                    or m.get("role") not in ("system", "user", "assistant")
                ):
                    raise DataError(
                        f"{path}:{i}: field 'messages[{j}]': "
                        "needs role system|user|assistant and string content"
                    )
            if msgs[-1]["role"] != "assistant":
                raise DataError(
                    f"{path}:{i}: field 'messages[-1].role': "
                    "the last message must be the assistant's"
                )
            out.append(rec)
            if limit is not None and len(out) >= limit:
                break
    return out


def sft_dir(exports_dir: Path) -> Path:
    return Path(exports_dir) / "sft"


def dataset_hash(folder: Path, splits: tuple[str, ...] = ("train", "val")) -> str:
    """Content hash of the SFT split files (logged to MLflow, names the run folder)."""
    h = hashlib.sha256()
    for s in splits:
        p = Path(folder) / f"{s}.jsonl"
        if p.exists():
            h.update(s.encode())
            h.update(p.read_bytes())
    return h.hexdigest()[:16]


def encode(record: dict[str, Any], tokenizer) -> dict[str, list[int]]:
    """Token ids and labels of one chat record (loss only on the assistant turn)."""
    msgs = record["messages"]
    prompt = tokenizer.apply_chat_template(msgs[:-1], add_generation_prompt=True, tokenize=False)
    full = tokenizer.apply_chat_template(msgs, tokenize=False)
    if not full.startswith(prompt):
        raise DataError("field 'chat_template': the prompt is not a prefix of the full chat text")
    completion = full[len(prompt) :]
    end = tokenizer.eos_token or "<|im_end|>"
    cut = completion.rfind(end)
    learned, tail = (
        (completion[: cut + len(end)], completion[cut + len(end) :])
        if cut >= 0
        else (completion, "")
    )
    p_ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
    c_ids = tokenizer(learned, add_special_tokens=False)["input_ids"]
    t_ids = tokenizer(tail, add_special_tokens=False)["input_ids"] if tail else []
    ids = p_ids + c_ids + t_ids
    labels = [IGNORE] * len(p_ids) + c_ids + [IGNORE] * len(t_ids)
    return {"input_ids": ids, "labels": labels}


@dataclass
class Encoded:
    """Encoded examples of one split plus what was left out (and why)."""

    examples: list[dict[str, list[int]]]
    skipped_too_long: int = 0
    tokens: int = 0
    label_tokens: int = 0
    lengths: list[int] = field(default_factory=list)


def encode_all(
    records: list[dict[str, Any]], tokenizer, max_length: int, keep: int | None = None
) -> Encoded:
    """Encode records; examples longer than ``max_length`` are skipped and counted (not truncated:
    a cut tool output would teach the model to stop mid-JSON). ``keep``: stop once that many fit."""
    out = Encoded(examples=[])
    for r in records:
        if keep is not None and len(out.examples) >= keep:
            break
        ex = encode(r, tokenizer)
        n = len(ex["input_ids"])
        if n > max_length:
            out.skipped_too_long += 1
            continue
        out.examples.append(ex)
        out.tokens += n
        out.label_tokens += sum(1 for x in ex["labels"] if x != IGNORE)
        out.lengths.append(n)
    return out


def pack(
    examples: list[dict[str, list[int]]], max_length: int, seed: int = 0
) -> list[dict[str, list[int]]]:
    """Greedy first-fit packing of whole examples into blocks of at most ``max_length`` tokens.
    ``position_ids`` restart at 0 for each example, which makes attention block-diagonal
    (transformers derives the packed-sequence mask from them when no attention mask is given)."""
    import random

    order = list(range(len(examples)))
    random.Random(seed).shuffle(order)
    order.sort(key=lambda i: -len(examples[i]["input_ids"]))
    bins: list[dict[str, list[int]]] = []
    free: list[int] = []
    for i in order:
        ex = examples[i]
        n = len(ex["input_ids"])
        j = next((k for k, f in enumerate(free) if f >= n), None)
        if j is None:
            bins.append({"input_ids": [], "labels": [], "position_ids": []})
            free.append(max_length)
            j = len(bins) - 1
        b = bins[j]
        b["input_ids"] += ex["input_ids"]
        b["labels"] += ex["labels"]
        b["position_ids"] += list(range(n))
        free[j] -= n
    random.Random(seed + 1).shuffle(bins)
    return bins


class ListDataset:
    """A map-style dataset over a list of feature dicts (what Trainer needs)."""

    def __init__(self, items: list[dict[str, list[int]]]):
        self.items = items

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, i: int) -> dict[str, list[int]]:
        return self.items[i]


@dataclass
class Collator:
    """Pads a batch. Packed blocks (with ``position_ids``) are padded by a filler sequence whose
    positions restart at 0 and whose labels are ignored, so no attention mask is needed."""

    pad_token_id: int
    pad_to_multiple_of: int = 8

    def __call__(self, batch: list[dict[str, list[int]]]) -> dict[str, Any]:
        import torch

        longest = max(len(b["input_ids"]) for b in batch)
        m = self.pad_to_multiple_of
        longest = (longest + m - 1) // m * m
        packed = "position_ids" in batch[0]
        ids, labels, extra = [], [], []
        for b in batch:
            pad = longest - len(b["input_ids"])
            ids.append(b["input_ids"] + [self.pad_token_id] * pad)
            labels.append(b["labels"] + [IGNORE] * pad)
            if packed:
                extra.append(b["position_ids"] + list(range(pad)))
            else:
                extra.append([1] * len(b["input_ids"]) + [0] * pad)
        out = {"input_ids": torch.tensor(ids), "labels": torch.tensor(labels)}
        out["position_ids" if packed else "attention_mask"] = torch.tensor(extra)
        if packed:  # the packed-sequence mask is only derived when no KV cache is in use
            out["use_cache"] = False
        return out
