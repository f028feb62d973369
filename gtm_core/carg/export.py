"""SFT export: accepted CARG samples rendered through the one prompt contract
(``chat_format.sft_example``) into chat-format JSONL + parquet per split, in the ``messages``
layout that TRL's SFTTrainer and LLaMA-Factory (sharegpt, role/content tags) read as they are."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pandas as pd

from gtm_core.carg.records import Sample
from gtm_core.chat_format import sft_example
from gtm_core.spec import ToolSpec
from gtm_core.splits import SPLITS
from gtm_core.text_answer import named_value, text_answer
from gtm_core.tool_errors import is_error_payload

# How a CARG sample's prompt shows its tool's response format (by a hash of the sample id), as
# real specs declare it: as a JSON Schema; as prose naming its fields ("JSON-encoded DB record(s) on
# success"), the output a JSON record; or not at all, as MCP servers and many APIs do, the output
# then being what the description says: a JSON record where it says the tool returns one, else the
# tool's plain-text answer (``text_answer``), or the bare value a tool named for one thing returns
# (``named_value``). The model learns to read the form from the spec. Schema-less views get the
# largest share: most tools users bring (MCP servers, plain functions) declare no response schema,
# and a declared schema constrains the served output by grammar whatever the model learned.
PROSE_RESPONSE_SHARE = 0.25
NO_RESPONSE_SHARE = 0.5
_PROSE = ("Returns a JSON {what}.", "JSON-encoded {what} on success.", "The {what}, as JSON.")
_MAX_PROSE_FIELDS = 12


def _type_words(schema: Any) -> str:
    t = schema.get("type") if isinstance(schema, dict) else None
    return {
        "string": "text",
        "integer": "integer",
        "number": "number",
        "boolean": "true/false",
        "array": "list",
        "object": "object",
    }.get(t if isinstance(t, str) else "", "value")


def describe_response(schema: dict[str, Any]) -> str | None:
    """A one-line prose description of a response schema (fields and types); None when the schema
    names no fields or items to describe."""

    def fields(obj: dict[str, Any]) -> str | None:
        props = obj.get("properties")
        if not isinstance(props, dict) or not props:
            return None
        names = [f"{k} ({_type_words(v)})" for k, v in list(props.items())[:_MAX_PROSE_FIELDS]]
        return "object with " + ", ".join(names)

    if schema.get("type") == "object":
        return fields(schema)
    if schema.get("type") == "array" and isinstance(schema.get("items"), dict):
        inner = fields(schema["items"])
        return f"list of records, each an {inner}" if inner else None
    return None


def _draw(s: Sample, salt: str) -> int:
    return int(hashlib.sha256(f"{salt}|{s.sample_id}".encode()).hexdigest()[:8], 16)


def shown_sample(spec: ToolSpec, s: Sample) -> tuple[ToolSpec, Any]:
    """The spec and the output of ``s`` as its prompt shows them (see ``PROSE_RESPONSE_SHARE``,
    ``NO_RESPONSE_SHARE``). Only a describable response schema is shown another way, and a tool
    already answered in the sample's history keeps its schema (its answers stay alike)."""
    schema = spec.response_schema
    what = describe_response(schema) if schema is not None else None
    if what is None:
        return spec, s.output
    h = _draw(s, "prose")
    share = (h % 1000) / 1000
    if share < PROSE_RESPONSE_SHARE:
        return spec.model_copy(
            update={"response": _PROSE[h % len(_PROSE)].format(what=what)}
        ), s.output
    if share >= PROSE_RESPONSE_SHARE + NO_RESPONSE_SHARE or any(
        isinstance(x, dict) and x.get("tool") == spec.name for x in s.history or ()
    ):
        return spec, s.output
    if _draw(s, "described") % 2:
        said = f"{spec.description.rstrip()} {_PROSE[h % len(_PROSE)].format(what=what)}".strip()
        return spec.model_copy(update={"response": None, "description": said}), s.output
    if is_error_payload(s.output):
        return spec.model_copy(update={"response": None}), s.output
    value = named_value(spec.name, s.arguments, s.output)
    output = text_answer(spec.name, s.arguments, s.output) if value is None else value
    return spec.model_copy(update={"response": None}), output


def example(spec: ToolSpec, s: Sample) -> dict[str, Any]:
    """The chat record of one sample (errors: the error payload is the assistant turn); the tool's
    response format shown as a schema, as prose or not at all (``shown_sample``)."""
    shown, output = shown_sample(spec, s)
    return sft_example(shown, s.arguments, output, s.history or None)


def llama_factory_info(files: dict[str, str]) -> dict[str, Any]:
    """``dataset_info.json`` entries for LLaMA-Factory (sharegpt format with OpenAI-style tags)."""
    tags = {
        "role_tag": "role",
        "content_tag": "content",
        "user_tag": "user",
        "assistant_tag": "assistant",
        "system_tag": "system",
    }
    return {
        f"gtm_{split}": {
            "file_name": name,
            "formatting": "sharegpt",
            "columns": {"messages": "messages"},
            "tags": tags,
        }
        for split, name in files.items()
    }


# How much of any prefix of a split each kind gets (training reads the first ``max_train_examples``
# of train.jsonl): real calls first, then the CARG scenarios, semantic errors the least.
ORDER_WEIGHTS: dict[str, float] = {"real": 2.0, "single": 1.0, "multi": 1.0, "semantic_error": 0.15}


def training_order(rows: pd.DataFrame, weights: dict[str, float] | None = None) -> pd.DataFrame:
    """``rows`` in a deterministic interleaved order: within each kind (column ``kind``, else
    ``scenario``) by a content hash, and the kinds merged so that any prefix holds them in
    proportion to ``weights`` (default ``ORDER_WEIGHTS``; unknown kinds weigh 1)."""
    if rows.empty:
        return rows
    weights = ORDER_WEIGHTS if weights is None else weights
    kinds = rows["kind"] if "kind" in rows else rows["scenario"]
    ids = rows["sample_id"].astype(str) if "sample_id" in rows else rows["messages"].map(json.dumps)
    digest = ids.map(lambda x: hashlib.sha256(x.encode()).hexdigest())
    rank = digest.groupby([rows["split"], kinds]).rank(method="first") - 0.5
    key = rank / kinds.map(lambda k: weights.get(k, 1.0))
    return (
        rows.assign(_key=key, _id=digest)
        .sort_values(["split", "_key", "_id"])
        .drop(columns=["_key", "_id"])
        .reset_index(drop=True)
    )


def write_sft(rows: pd.DataFrame, out_dir: Path) -> dict[str, Any]:
    """``rows`` has columns split and messages (list of dicts). Writes {split}.jsonl/.parquet and
    dataset_info.json; returns statistics."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stats: dict[str, Any] = {}
    files = {}
    for split in SPLITS:
        part = rows[rows["split"] == split]
        jl, pq = out_dir / f"{split}.jsonl", out_dir / f"{split}.parquet"
        with jl.open("w", encoding="utf-8") as f:
            for m in part["messages"]:
                f.write(json.dumps({"messages": m}, ensure_ascii=False) + "\n")
        pd.DataFrame({"messages": list(part["messages"])}).to_parquet(pq, index=False)
        files[split] = jl.name
        chars = [sum(len(x["content"]) for x in m) for m in part["messages"]]
        stats[split] = {
            "examples": int(len(part)),
            "tools": int(part["tool_uid"].nunique()) if len(part) else 0,
            "by_scenario": {k: int(v) for k, v in part["scenario"].value_counts().items()},
            "mean_chars": float(sum(chars) / len(chars)) if chars else 0.0,
            "approx_tokens": int(sum(chars) / 4),
        }
    (out_dir / "dataset_info.json").write_text(json.dumps(llama_factory_info(files), indent=2))
    return stats


# ---- the SFT mix: which samples are model targets -------------------------------------------
STRUCTURAL, GATED = "structural_error", "gated_call"  # left out: the gate answers these calls
SEMANTIC = "semantic_error"
EXCLUDED_KINDS = (STRUCTURAL, GATED)


def target_kind(spec: ToolSpec, arguments: Any, output: Any, scenario: str) -> str:
    """The mix kind of one sample: ``structural_error`` (an error sample of a structural type),
    ``gated_call`` (any other sample whose call fails the gate), ``semantic_error`` (an error sample
    of a semantic type), else the scenario (single / multi / real). The first two are not model
    targets: the gate answers those calls before any model runs."""
    from gtm_core.gate import gate_for
    from gtm_core.tool_errors import structural_claim

    if structural_claim(output) is not None:
        return STRUCTURAL
    if gate_for(spec)(arguments) is not None:
        return GATED
    return SEMANTIC if scenario == "error" else scenario


def is_model_target(spec: ToolSpec, arguments: Any, output: Any, scenario: str) -> bool:
    """Whether the model is trained to answer this sample (its call passes the gate and its output
    is not a structural error)."""
    return target_kind(spec, arguments, output, scenario) not in EXCLUDED_KINDS


def sample_kind(spec: ToolSpec, s: Sample) -> str:
    """``target_kind`` of a CARG sample."""
    return target_kind(spec, s.arguments, s.output, s.scenario)


def model_targets(rows: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, dict[str, int]]]:
    """``rows`` (columns split and kind) without the non-targets, and the mix: per split, the count
    of every kind (the excluded ones included, so the report says what was left out)."""
    if "kind" not in rows.columns:
        raise ValueError("rows.kind: missing column (target_kind of every row)")
    counts = rows.groupby(["split", "kind"]).size() if len(rows) else pd.Series(dtype="int64")
    mix: dict[str, dict[str, int]] = {split: {} for split in SPLITS}
    for (split, kind), n in counts.items():
        mix.setdefault(split, {})[kind] = int(n)
    return rows[~rows["kind"].isin(EXCLUDED_KINDS)].reset_index(drop=True), mix
