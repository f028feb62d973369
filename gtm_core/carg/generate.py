"""The resumable CARG driver: generate -> validate -> commit, in batches, over a DuckDB ``Store``.

Each batch's accepted samples, rejected samples (with reasons) and progress rows are committed in
one transaction, keyed by deterministic sample ids. A run that is killed and started again skips
the committed work units and continues; nothing is lost or written twice. Rows carry a
``generation`` (code version + config + teacher): starting a partition with another generation, or
with ``resume=False``, first deletes that partition's rows, so a deliberate re-run replaces them.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from gtm_core.carg import errors as E
from gtm_core.carg import multi, single
from gtm_core.carg.config import CargConfig, CargRun  # noqa: F401 - CargRun re-exported
from gtm_core.carg.records import (
    PROGRESS_TABLE,
    REJECTS_TABLE,
    SAMPLES_TABLE,
    Sample,
    from_frame,
    progress_frame,
    sample_id,
    to_frame,
)
from gtm_core.carg.validate import judge, v_history, validate_single
from gtm_core.carg.versions import SCENARIO_ASSETS
from gtm_core.llm.base import ChatModel, OutputParseError, extract_json, prompt_request
from gtm_core.record_state import v_state
from gtm_core.spec import ToolSpec
from gtm_core.storage import Store, quote_ident
from gtm_core.tools import taxonomy

ERROR_MESSAGE = "carg_error_message"


def generation_id(code_version: str, cfg: CargConfig, teacher: str) -> str:
    return f"{code_version}-{cfg.digest()}-{hashlib.sha256(teacher.encode()).hexdigest()[:6]}"


@dataclass
class RunStats:
    scenario: str
    field_key: str
    generated: int = 0
    accepted: int = 0
    rejected: int = 0
    batches: int = 0
    skipped_units: int = 0
    not_applicable: int = 0
    reasons: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, samples: Sequence[Sample]) -> None:
        for s in samples:
            self.generated += 1
            if s.passed:
                self.accepted += 1
            else:
                self.rejected += 1
                for r in s.reasons:
                    self.reasons[r.split(":")[0]] += 1


FAILURES_TABLE = "carg_failures"


class GenerationFailed(RuntimeError):
    """A teacher or judge request still failed after the backend's retries. The batch was not
    committed (nothing half-written); the failure is a row of ``carg_failures``; a rerun resumes."""


class _Guarded:
    """A ChatModel whose failures are recorded (scenario, field, tools of the batch, error) before
    they stop the run as ``GenerationFailed``."""

    def __init__(self, inner: ChatModel, role: str, gen: Generator):
        self.inner, self.role, self.gen = inner, role, gen
        self.name = getattr(inner, "name", type(inner).__name__)

    def generate(self, requests, **kw):
        try:
            return self.inner.generate(requests, **kw)
        except Exception as e:
            raise self.gen.record_failure(self.role, len(requests), e) from e


class Generator:
    """Runs one scenario for one field partition; ``on_commit`` is called after every batch."""

    def __init__(
        self,
        store: Store,
        chat: ChatModel,
        *,
        cfg: CargConfig | None = None,
        judge_model: ChatModel | None = None,
        code_version: str = "dev",
        on_commit: Callable[[RunStats], None] | None = None,
        progress: bool = False,
    ):
        self.store, self.chat, self.judge = store, chat, judge_model
        self.cfg = cfg or CargConfig()
        self.teacher = str(getattr(chat, "name", type(chat).__name__))
        self.generation = generation_id(
            code_version,
            self.cfg,
            self.teacher + (f"+judge:{judge_model.name}" if judge_model else ""),
        )
        self.on_commit, self.progress = on_commit, progress
        self.chat = _Guarded(chat, "teacher", self)
        self.judge = _Guarded(judge_model, "judge", self) if judge_model is not None else None
        self._batch: tuple[str, str, list[str]] = (
            "",
            "",
            [],
        )  # scenario, field_key, tool uids in flight

    def record_failure(self, role: str, n_requests: int, error: Exception) -> GenerationFailed:
        """Keep a row in ``carg_failures`` for a batch whose requests failed; the error to raise."""
        import datetime as dt

        scenario, field_key, uids = self._batch
        at = dt.datetime.now(dt.UTC).isoformat()
        msg = f"{type(error).__name__}: {error}"[:2000]
        fid = hashlib.sha256(
            f"{self.generation}|{scenario}|{field_key}|{uids}|{at}".encode()
        ).hexdigest()[:24]
        self.store.append_new(
            FAILURES_TABLE,
            pd.DataFrame(
                [
                    {
                        "failure_id": fid,
                        "scenario": scenario,
                        "field_key": field_key,
                        "generation": self.generation,
                        "role": role,
                        "tool_uids": json.dumps(uids),
                        "n_requests": n_requests,
                        "error": msg,
                        "at": at,
                    }
                ]
            ),
            key=["failure_id"],
        )
        return GenerationFailed(
            f"carg {scenario} {field_key}: {role} failed for {len(uids)} tool(s) after retries "
            f"(batch not committed; rerun to resume): {msg}"
        )

    # ---- bookkeeping -------------------------------------------------------------------------
    def prepare(self, scenario: str, field_key: str, resume: bool = True) -> int:
        """Delete this partition's rows of other generations (all rows when ``resume`` is false)."""
        n = 0
        for t in (SAMPLES_TABLE, REJECTS_TABLE, PROGRESS_TABLE):
            if resume:
                n += self.store.delete_where(
                    t,
                    "scenario = ? and field_key = ? and generation <> ?",
                    (scenario, field_key, self.generation),
                )
            else:
                n += self.store.delete_where(
                    t, "scenario = ? and field_key = ?", (scenario, field_key)
                )
        return n

    def done(self, scenario: str, field_key: str) -> pd.DataFrame:
        return self.store.read(
            PROGRESS_TABLE,
            "scenario = ? and field_key = ? and generation = ?",
            (scenario, field_key, self.generation),
        )

    def commit(
        self, samples: Sequence[Sample], progress_rows: list[dict[str, Any]], stats: RunStats
    ) -> None:
        """Samples, rejects and progress of one batch in one transaction (insert-if-absent by
        key)."""
        parts = [
            (SAMPLES_TABLE, to_frame([s for s in samples if s.passed]), "sample_id"),
            (REJECTS_TABLE, to_frame([s for s in samples if not s.passed]), "sample_id"),
            (PROGRESS_TABLE, progress_frame(progress_rows), "unit_id"),
        ]
        with self.store.connect() as con:
            con.execute("begin transaction")
            try:
                for table, df, key in parts:
                    t = quote_ident(table)
                    con.register("_incoming", df)
                    con.execute(
                        f"create table if not exists {t} as select * from _incoming limit 0"
                    )
                    if not df.empty:
                        con.execute(
                            f"insert into {t} by name select i.* from _incoming i where not exists "
                            f"(select 1 from {t} t "
                            f"where t.{quote_ident(key)} = i.{quote_ident(key)})"
                        )
                    con.unregister("_incoming")
                con.execute("commit")
            except Exception:
                con.execute("rollback")
                raise
        stats.add(samples)
        stats.batches += 1
        if self.on_commit:
            self.on_commit(stats)

    def _progress_row(
        self,
        scenario: str,
        field_key: str,
        unit: str,
        tool_uid: str,
        round_: int,
        samples: Sequence[Sample],
    ) -> dict[str, Any]:
        return {
            "unit_id": sample_id(scenario, field_key, tool_uid, round_, -1, unit),
            "scenario": scenario,
            "field_key": field_key,
            "tool_uid": tool_uid,
            "round": round_,
            "n": len(samples),
            "n_pass": sum(s.passed for s in samples),
            "generation": self.generation,
        }

    # ---- single-turn ---------------------------------------------------------------------------
    def run_single(
        self, field_key: str, field: str, specs: Sequence[ToolSpec], resume: bool = True
    ) -> RunStats:
        cfg, st = self.cfg, RunStats("single", field_key)
        self.prepare("single", field_key, resume)
        by_uid = {s.uid: s for s in specs}
        rounds: dict[str, dict[int, float]] = defaultdict(dict)
        for r in self.done("single", field_key).to_dict("records"):
            rounds[r["tool_uid"]][int(r["round"])] = r["n_pass"] / max(1, r["n"])
            st.skipped_units += 1
        feedback: dict[str, list[str]] = defaultdict(list)
        old = self.store.read(
            REJECTS_TABLE,
            "scenario = 'single' and field_key = ? and generation = ?",
            (field_key, self.generation),
        )
        for r in old.to_dict("records"):
            feedback[r["tool_uid"]] += json.loads(r["reasons"])

        def next_round(uid: str) -> int | None:
            done = rounds.get(uid)
            if not done:
                return 0
            last = max(done)
            return last + 1 if done[last] < cfg.pass_bound and last + 1 < cfg.max_rounds else None

        bar = tqdm(desc=f"carg single {field_key}", disable=not self.progress, unit="tool")
        while True:
            pending = [(u, r) for u in by_uid if (r := next_round(u)) is not None]
            if not pending:
                break
            pending.sort(key=lambda x: x[1])
            batch = pending[: cfg.batch_tools]
            self._batch = ("single", field_key, [u for u, _ in batch])
            reqs = [
                single.request(
                    by_uid[u], field, cfg.samples_per_tool, r, feedback.get(u), seed=cfg.seed
                )
                for u, r in batch
            ]
            texts = self.chat.generate(reqs)
            samples, prog, jspecs = [], [], []
            for (u, r), text in zip(batch, texts, strict=True):
                spec = by_uid[u]
                ss = single.parse(
                    text,
                    spec,
                    field=field,
                    field_key=field_key,
                    n=cfg.samples_per_tool,
                    round_=r,
                    generation=self.generation,
                    teacher=self.teacher,
                )
                for s in ss:
                    if s.passed:  # parse ok
                        validate_single(spec, s)
                samples += ss
                jspecs += [spec] * len(ss)
            judge(self.judge, jspecs, samples)
            for u, r in batch:
                ss = [s for s in samples if s.tool_uid == u]
                prog.append(self._progress_row("single", field_key, "", u, r, ss))
                rounds[u][r] = sum(s.passed for s in ss) / max(1, len(ss))
                feedback[u] += [x for s in ss for x in s.reasons]
            self.commit(samples, prog, st)
            bar.update(len(batch))
        bar.close()
        return st

    # ---- multi-turn ----------------------------------------------------------------------------
    def run_multi(
        self,
        field_key: str,
        field: str,
        specs: Sequence[ToolSpec],
        emb: np.ndarray,
        resume: bool = True,
    ) -> RunStats:
        cfg, st = self.cfg, RunStats("multi", field_key)
        self.prepare("multi", field_key, resume)
        done = (
            set(self.done("multi", field_key)["tool_uid"])
            if self.store.exists(PROGRESS_TABLE)
            else set()
        )
        st.skipped_units = len(done)
        groups = (
            multi.build_groups(
                emb,
                threshold=cfg.group_threshold,
                min_size=cfg.group_min,
                max_size=cfg.group_max,
                seed=cfg.seed,
            )
            if len(specs)
            else {}
        )
        todo = [i for i, s in enumerate(specs) if s.uid not in done]
        bar = tqdm(
            total=len(todo), desc=f"carg multi {field_key}", disable=not self.progress, unit="tool"
        )
        for b in range(0, len(todo), cfg.batch_tools):
            batch = todo[b : b + cfg.batch_tools]
            self._batch = ("multi", field_key, [specs[i].uid for i in batch])
            dialogues, lonely = [], []
            for i in batch:
                g = groups[i]
                for k in range(cfg.multi_per_tool):
                    if len(g.members) < 2:
                        s = Sample(
                            sample_id=sample_id("multi", field_key, specs[i].uid, 0, k),
                            scenario="multi",
                            field_key=field_key,
                            field=field,
                            tool_uid=specs[i].uid,
                            tool_name=specs[i].name,
                            idx=k,
                            generation=self.generation,
                            teacher=self.teacher,
                        )
                        s.record(
                            "group",
                            [f"no other API of this field has similarity > {cfg.group_threshold}"],
                        )
                        lonely.append(s)
                    else:
                        dialogues.append(
                            multi.Dialogue.start(
                                multi.dialogue_order([specs[m] for m in g.members]),
                                g,
                                field=field,
                                field_key=field_key,
                                idx=k,
                                generation=self.generation,
                                teacher=self.teacher,
                            )
                        )
            for turn in range(max((d.n_turns for d in dialogues), default=0)):
                live = [d for d in dialogues if turn < d.n_turns and not d.failed]
                reqs = [
                    multi.turn_request(
                        d.specs[turn],
                        field,
                        turn,
                        d.n_turns,
                        d.history,
                        d.context,
                        seed=cfg.seed * 1000 + d.sample.idx,
                    )
                    for d in live
                ]
                for d, text in zip(live, self.chat.generate(reqs) if reqs else [], strict=True):
                    d.add(turn, text)
            samples = list(lonely)
            for d in dialogues:
                s = d.sample
                s.record("group", [])
                if d.failed:
                    s.record("parse", [d.failed])
                else:
                    s.record("parse", [])
                    validate_single(d.specs[-1], s)
                    args = s.arguments if isinstance(s.arguments, dict) else {}
                    s.record("history", v_history(d.specs[-1], args, s.history))
                    s.record("state", v_state(s.tool_name, args, s.output, s.history))
                samples.append(s)
            by_uid = {sp.uid: sp for sp in specs}
            judge(self.judge, [by_uid[s.tool_uid] for s in samples], samples)
            prog = [
                self._progress_row(
                    "multi",
                    field_key,
                    "",
                    specs[i].uid,
                    0,
                    [s for s in samples if s.tool_uid == specs[i].uid],
                )
                for i in batch
            ]
            self.commit(samples, prog, st)
            bar.update(len(batch))
        bar.close()
        return st

    # ---- errors ----------------------------------------------------------------------------------
    def run(
        self,
        scenario: str,
        field_key: str,
        field: str,
        specs: Sequence[ToolSpec],
        *,
        resume: bool = True,
        embedder: Any = None,
    ) -> RunStats:
        """The one entry point of a CARG run (assets and ``gtm carg generate``): ``scenario``
        single, multi (APIs grouped by ``embedder``'s vectors, cached in the store) or error."""
        if scenario == "single":
            return self.run_single(field_key, field, specs, resume=resume)
        if scenario == "error":
            return self.run_error(field_key, field, specs, resume=resume)
        if scenario != "multi":
            raise ValueError(
                f"scenario: must be one of {sorted(SCENARIO_ASSETS)} (got {scenario!r})"
            )
        from gtm_core.carg.embeddings import embed_cached

        if embedder is None:
            raise ValueError("embedder: the multi-turn scenario groups APIs by embedding; pass one")
        emb = embed_cached(self.store, embedder, [multi.api_text(s) for s in specs])
        return self.run_multi(field_key, field, specs, emb, resume=resume)

    def run_error(
        self, field_key: str, field: str, specs: Sequence[ToolSpec], resume: bool = True
    ) -> RunStats:
        """Four error generators over this partition's accepted single-turn samples."""
        cfg, st = self.cfg, RunStats("error", field_key)
        self.prepare("error", field_key, resume)
        by_uid = {s.uid: s for s in specs}
        sources = [
            s
            for s in from_frame(
                self.store.read(
                    SAMPLES_TABLE, "scenario = 'single' and field_key = ?", (field_key,)
                )
            )
            if s.tool_uid in by_uid
        ]
        sources.sort(key=lambda s: s.sample_id)
        done = self.done("error", field_key)
        done_units = set(done["unit_id"]) if not done.empty else set()
        todo = [
            s
            for s in sources
            if self._progress_row("error", field_key, s.sample_id, s.tool_uid, 0, [])["unit_id"]
            not in done_units
        ]
        st.skipped_units = len(sources) - len(todo)
        bar = tqdm(
            total=len(todo),
            desc=f"carg error {field_key}",
            disable=not self.progress,
            unit="sample",
        )
        for b in range(0, len(todo), cfg.batch_tools * cfg.samples_per_tool):
            batch = todo[b : b + cfg.batch_tools * cfg.samples_per_tool]
            self._batch = ("error", field_key, sorted({src.tool_uid for src in batch}))
            made: list[tuple[Sample, ToolSpec, E.CallError]] = []
            for src in batch:
                spec = by_uid[src.tool_uid]
                for k, kind in enumerate(cfg.error_kinds):
                    rng = random.Random(f"{cfg.seed}|{src.sample_id}|{kind}")
                    res = E.make_error(spec, src.arguments, kind, rng)
                    if res is None:
                        st.not_applicable += 1
                        continue
                    args, err = res
                    s = Sample(
                        sample_id=sample_id("error", field_key, spec.uid, 0, k, src.sample_id),
                        scenario="error",
                        field_key=field_key,
                        field=field,
                        tool_uid=spec.uid,
                        tool_name=spec.name,
                        idx=k,
                        context=src.context,
                        arguments=args,
                        error_type=kind,
                        error_field=err.field,
                        source_sample_id=src.sample_id,
                        generation=self.generation,
                        teacher=self.teacher,
                    )
                    made.append((s, spec, err))
            messages = self._messages(made)
            for (s, spec, err), msg in zip(made, messages, strict=True):
                s.output = E.error_payload(err.type, msg, err.field)
                s.record(
                    "format",
                    (["arguments must be an object"] if not isinstance(s.arguments, dict) else [])
                    + E.v_error_format(s.output, s.error_type, s.error_field),
                )
                s.record("exists", E.v_error_exists(spec, s.arguments, s.error_type, s.error_field))
                s.record("message", E.v_error_message(msg, s.error_type, s.error_field))
            samples = [m[0] for m in made]
            prog = [
                self._progress_row(
                    "error",
                    field_key,
                    src.sample_id,
                    src.tool_uid,
                    0,
                    [s for s in samples if s.source_sample_id == src.sample_id],
                )
                for src in batch
            ]
            self.commit(samples, prog, st)
            bar.update(len(batch))
        bar.close()
        return st

    def _messages(self, made: list[tuple[Sample, ToolSpec, E.CallError]]) -> list[str]:
        if not made:
            return []
        if not self.cfg.teacher_messages:
            return [err.message for _, _, err in made]
        reqs = [
            prompt_request(
                ERROR_MESSAGE,
                {
                    "tool": spec.to_public(),
                    "arguments": s.arguments,
                    "error_type": err.type,
                    "field": err.field,
                    "detail": err.detail,
                },
                response_schema={
                    "type": "object",
                    "properties": {"message": {"type": "string"}},
                    "required": ["message"],
                },
                seed=self.cfg.seed,
            )
            for s, spec, err in made
        ]
        out = []
        for text in self.chat.generate(reqs):
            try:
                v = extract_json(text)
                out.append(v.get("message", "") if isinstance(v, dict) else str(v))
            except OutputParseError:
                out.append(text.strip())
        return out


def load_tools(
    store: Store, field_key: str | None = None, key_fn: Callable[[str], str] | None = None
) -> list[ToolSpec]:
    """Tools of the repository (table ``tools``), optionally only those whose field maps to
    ``field_key``."""
    df = store.read("tools")
    specs = [ToolSpec.from_row(r) for r in df.to_dict("records")]
    if field_key is not None:
        kf = key_fn or taxonomy.field_key
        specs = [s for s in specs if kf(s.field) == field_key]
    return sorted(specs, key=lambda s: (s.name, s.uid))
