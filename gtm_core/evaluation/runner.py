"""Simulated outputs for evaluation: the test/unseen split samples of the CARG dataset answered by a
model (registry URI, local folder, OpenAI-compatible endpoint, or the offline teacher) through the
simulator engine (gate, batched backend, output validation), then scored (checks + judge).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any

import pandas as pd

from gtm_core.evaluation.judge import JudgeItem, run_judge, verdict_json
from gtm_core.evaluation.metrics import METRICS
from gtm_core.evaluation.tables import all_pass, reasons_json, score_sample
from gtm_core.settings import Settings
from gtm_core.simulator.call import SimCall, SimOptions, SimResult
from gtm_core.simulator.config import ERROR_CONFIDENCE
from gtm_core.simulator.engine import Simulator
from gtm_core.simulator.examples import ExampleIndex
from gtm_core.simulator.models import ModelRef, ref_backend
from gtm_core.spec import ToolSpec

log = logging.getLogger(__name__)
EVAL_SPLITS = ("test", "unseen")


# ---- running calls through the engine ------------------------------------------------------
def simulate_calls(
    backend,
    items: Sequence[tuple[ToolSpec, SimCall]],
    *,
    batch_size: int = 64,
    max_retries: int = 0,
    seed: int = 0,
    lenient_types: bool = True,
    progress: bool = False,
    desc: str = "simulating",
    error_confidence: float = ERROR_CONFIDENCE,
    examples: ExampleIndex | None = None,
    error_evidence: bool = True,
    without: Sequence[str] = (),
) -> list[SimResult]:
    """Answer ``(spec, call)`` pairs through one Simulator in batches. Tools are keyed by name in
    the engine, so a batch never holds two different specs of one name (they go to later
    batches). A concurrent backend (continuous batching) gets ``batch_size`` calls in flight at
    once: a call joins the running decode batch as soon as another one finishes, instead of
    waiting for the slowest row of a fixed batch. ``examples``: the engine's index of recorded
    real calls (shown to the model, evidence about each tool); ``without``: engine rules
    switched off (``simulator.rules.RULES``)."""
    from concurrent.futures import ThreadPoolExecutor

    from tqdm.auto import tqdm

    sim = Simulator(
        [],
        backend,
        max_retries=max_retries,
        seed=seed,
        lenient_types=lenient_types,
        error_confidence=error_confidence,
        error_evidence=error_evidence,
        examples=examples,
        without=without,
    )
    results: list[SimResult | None] = [None] * len(items)
    pending = list(range(len(items)))
    bar = tqdm(total=len(items), desc=desc, disable=not progress)
    concurrent = bool(getattr(backend, "concurrent", False))
    pool = ThreadPoolExecutor(max_workers=batch_size) if concurrent else None

    def one(i: int) -> None:
        results[i] = sim.simulate_batch([items[i][1]])[0]
        bar.update(1)

    try:
        while pending:
            batch, later, names = [], [], {}
            for i in pending:
                spec = items[i][0]
                if (concurrent or len(batch) < batch_size) and names.get(
                    spec.name, spec.uid
                ) == spec.uid:
                    names[spec.name] = spec.uid
                    batch.append(i)
                else:
                    later.append(i)
            for i in batch:
                if sim.tools.get(items[i][0].name) is not items[i][0]:
                    sim.add_tool(items[i][0])
            if pool is not None:
                list(pool.map(one, batch))
            else:
                for i, r in zip(
                    batch, sim.simulate_batch([items[i][1] for i in batch]), strict=True
                ):
                    results[i] = r
                bar.update(len(batch))
            pending = later
    finally:  # an exception (a backend failure, Ctrl-C) leaves no worker threads behind
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        bar.close()
    return results  # type: ignore[return-value]


# ---- evaluation samples --------------------------------------------------------------------
def load_eval_samples(
    store, splits: Sequence[str] = EVAL_SPLITS, per_scenario: int | None = None, seed: int = 0
) -> tuple[pd.DataFrame, dict[str, ToolSpec]]:
    """Samples of ``splits`` (carg_dataset ⋈ dataset_splits), at most ``per_scenario`` per split and
    scenario (a seeded, order-independent pick), and their tools by uid."""
    for t in ("carg_dataset", "dataset_splits", "tools"):
        if not store.exists(t):
            raise FileNotFoundError(
                f"{store.path}: no {t!r} table (materialize carg_dataset and dataset_splits first)"
            )
    marks = ",".join("?" for _ in splits)
    df = store.query(
        f"select d.*, s.split from carg_dataset d join dataset_splits s using (sample_id) "
        f"where s.split in ({marks}) order by s.split, d.scenario, d.sample_id",
        list(splits),
    )
    if per_scenario is not None and len(df):
        import hashlib

        df = df.assign(
            _k=[hashlib.sha1(f"{seed}|{x}".encode()).hexdigest() for x in df["sample_id"]]
        )
        df = (
            df.sort_values("_k")
            .groupby(["split", "scenario"], sort=True)
            .head(per_scenario)
            .drop(columns="_k")
            .sort_values(["split", "scenario", "sample_id"])
            .reset_index(drop=True)
        )
    uids = sorted(set(df["tool_uid"]))
    tools: dict[str, ToolSpec] = {}
    if uids:
        marks = ",".join("?" for _ in uids)
        tools = {
            r["uid"]: ToolSpec.from_row(r)
            for r in store.query(f"select * from tools where uid in ({marks})", uids).to_dict(
                "records"
            )
        }
    return df, tools


def _js(v: Any) -> Any:
    return json.loads(v) if isinstance(v, str) else v


def evaluate_model(
    ref: ModelRef,
    samples: pd.DataFrame,
    tools: dict[str, ToolSpec],
    *,
    backend=None,
    judge=None,
    settings: Settings | None = None,
    seed: int = 0,
    batch_size: int = 32,
    max_retries: int = 0,
    max_tokens: int = 512,
    progress: bool = False,
) -> pd.DataFrame:
    """One row per sample: the simulated output, its source, every metric (None = not measured),
    ``all_pass``, the judge's verdicts and the failure reasons."""
    backend = backend or ref_backend(
        ref, settings, seed=seed, max_tokens=max_tokens, batch_size=batch_size
    )
    recs = samples.to_dict("records")
    items = []
    for r in recs:
        spec = tools[r["tool_uid"]]
        hist = _js(r["history"]) or []
        items.append(
            (
                spec,
                SimCall(
                    spec.name,
                    _js(r["arguments"]),
                    history=hist,
                    options=SimOptions(seed=seed, use_cache=False, allow_errors=True),
                ),
            )
        )
    results = simulate_calls(
        backend,
        items,
        batch_size=batch_size,
        max_retries=max_retries,
        seed=seed,
        progress=progress,
        desc=f"eval {ref.label}",
    )
    jitems = [
        JudgeItem(
            r["scenario"],
            tools[r["tool_uid"]].to_public(),
            call.arguments,
            res.output,
            call.history or [],
            r.get("error_type") or "",
            r.get("error_field") or "",
        )
        for r, (_, call), res in zip(recs, items, results, strict=True)
    ]
    verdicts = run_judge(judge, jitems, seed=seed, progress=progress)
    rows = []
    for r, it, res, v in zip(recs, jitems, results, verdicts, strict=True):
        values, reasons = score_sample(
            tools[r["tool_uid"]], r["scenario"], it.arguments, it.history, res.output, v
        )
        rows.append(
            {
                "model": ref.label,
                "model_uri": ref.uri or ref.kind,
                "version": ref.version or "",
                "split": r["split"],
                "scenario": r["scenario"],
                "sample_id": r["sample_id"],
                "tool_name": r["tool_name"],
                "output": json.dumps(res.output, ensure_ascii=False, default=str),
                "source": res.source,
                **values,
                "all_pass": all_pass(r["scenario"], values),
                "verdicts": verdict_json(v),
                "reasons": reasons_json(reasons),
            }
        )
    df = pd.DataFrame(
        rows,
        columns=[
            "model",
            "model_uri",
            "version",
            "split",
            "scenario",
            "sample_id",
            "tool_name",
            "output",
            "source",
            *METRICS,
            "all_pass",
            "verdicts",
            "reasons",
        ],
    )
    for c in (*METRICS, "all_pass"):
        df[c] = df[c].astype("boolean")
    return df
