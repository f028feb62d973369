"""Evaluation stage (paper §5.1): ``eval_table`` (fidelity on held-out real traces, then Table 1,
for the candidate and its baselines), the blocking check ``candidate_not_worse_than_champion``,
``champion`` (moves ``@champion`` only after that check passed), and ``sim_to_real_report`` (the
audit on real tool traces; reuses eval_table's held-out audit of the same model)."""

import json
from pathlib import Path

import dagster as dg
import pandas as pd

from gtm_assets.metadata import md_table
from gtm_assets.resources import GTMResource
from gtm_assets.versions import VERSIONS
from gtm_core import model_registry as registry

GROUP = "evaluation"


class EvalConfig(dg.Config):
    """Which models and samples ``eval_table`` compares. ``candidate``: a model string (models:/...,
    folder, 'offline', 'openai:<model>@<url>'); unset = the registry's @candidate (else the newest
    version, else the offline teacher). ``endpoints``: extra baselines, each
    {"name", "base_url", "model"[, "api_key"]} (e.g. a Qwen2.5-Instruct served by vLLM)."""

    model_name: str = "gtm"
    candidate: str | None = None
    splits: list[str] = ["test", "unseen"]
    per_scenario: int | None = 8
    earlier_versions: int = 2
    endpoints: list[dict[str, str]] = []
    offline_baseline: bool = True
    batch_size: int = 16
    max_tokens: int = 256
    max_retries: int = 0
    seed: int = 0
    fidelity: bool = (
        True  # score candidate, champion and offline teacher on the held-out real traces
    )
    fidelity_limit: (
        int | None
    ) = -1  # at most this many held-out calls (-1: settings.fidelity_limit; None: all)


class GateConfig(dg.Config):
    tolerance: float = 2.0  # percentage points the candidate may be below the champion
    split: str = "test"
    fidelity_tolerance: float = (
        0.0  # share the held-out error agreement may be below offline / champion
    )


def _refs(config: EvalConfig, gtm: GTMResource):
    """(role, ModelRef) pairs: the candidate first, then champion, earlier
    versions, endpoints, offline."""
    from gtm_core.simulator.models import (
        OFFLINE_NOTE,
        ModelRef,
        parse_model,
        ref_for_version,
        registry_versions,
    )

    s = gtm.settings
    rows = registry_versions(s, config.model_name)
    by_alias = {a: r for r in rows for a in (r.get("aliases") or [])}
    out = []
    if config.candidate:
        cand = parse_model(config.candidate, s)
    elif rows:
        r = by_alias.get("candidate") or rows[0]
        cand = ref_for_version(r, s)
    else:
        cand = ModelRef(label="offline-teacher", kind="offline", note=OFFLINE_NOTE)
    out.append(("candidate", cand))
    champ = by_alias.get("champion")
    if champ is not None and str(champ["version"]) != (cand.version or ""):
        out.append(("champion", ref_for_version(champ, s)))
    used = {cand.version, champ["version"] if champ else None}
    earlier = [
        r
        for r in rows
        if str(r["version"]) not in used
        and (cand.version is None or int(r["version"]) < int(cand.version))
    ]
    out += [("baseline", ref_for_version(r, s)) for r in earlier[: config.earlier_versions]]
    for e in config.endpoints:
        if not e.get("base_url"):
            raise dg.Failure(f"endpoints: field 'base_url' is required (got {sorted(e)})")
        out.append(
            (
                "baseline",
                ModelRef(
                    label=e.get("name") or e.get("model", "endpoint"),
                    kind="openai",
                    uri=e.get("model") or "default",
                    base_url=e["base_url"],
                    api_key=e.get("api_key"),
                ),
            )
        )
    if config.offline_baseline and cand.kind != "offline":
        out.append(
            (
                "baseline",
                ModelRef(label="offline-teacher", kind="offline", note="model-free baseline"),
            )
        )
    return out


def _heldout(gtm: GTMResource):
    """(call files, spec files, {part: keys}) of the stored real-trace split: the per-call held-out
    calls of the seen sources (``heldout``) and the calls of the source held out whole
    (``unseen_source``); empty without a split."""
    from gtm_core.evaluation.real_split import selection
    from gtm_core.evaluation.real_traces import shared_pairs

    store = gtm.store()
    traces = store.read("real_traces") if store.exists("real_traces") else None
    if traces is None or traces.empty:
        return [], [], {}
    calls, tools = shared_pairs(gtm.settings.shared_data(), sorted(set(traces["file"])))
    parts = {p: selection(calls, p, traces) for p in ("heldout", "unseen_source")}
    return calls, tools, {p: k for p, k in parts.items() if k}


def _example_index(gtm: GTMResource):
    """Recorded real calls of the stored split's train part, shown to
    the model (None without any)."""
    from gtm_core.evaluation.real_split import shared_example_index

    store = gtm.store()
    return shared_example_index(
        gtm.settings, store.read("real_traces") if store.exists("real_traces") else None
    )


@dg.asset(
    deps=[
        dg.AssetKey("registered_model"),
        dg.AssetKey("dataset_splits"),
        dg.AssetKey("real_traces"),
    ],
    group_name=GROUP,
    kinds={"duckdb", "mlflow"},
    code_version=VERSIONS["eval_table"],
    description="Fidelity on held-out real traces (error / schema / value agreement, text F1) "
    "for the candidate, the champion and the offline teacher, then paper Table 1 "
    "(Format/Logic/Sem/Comp/Cons/All, Det/Help/All, Avg) on the test and unseen-tool "
    "splits; DuckDB fidelity/eval_results/eval_table, MLflow.",
)
def eval_table(
    context: dg.AssetExecutionContext, config: EvalConfig, gtm: GTMResource
) -> dg.MaterializeResult:
    from gtm_core.evaluation import fidelity as fd
    from gtm_core.evaluation.judge import is_configured
    from gtm_core.evaluation.real_traces import audit
    from gtm_core.evaluation.runner import evaluate_model, load_eval_samples
    from gtm_core.evaluation.tables import markdown, metric_table, summary
    from gtm_core.plots import grouped_bar_plot
    from gtm_core.simulator.models import ModelRef, ref_backend

    store = gtm.store()
    samples, tools = load_eval_samples(
        store, tuple(config.splits), config.per_scenario, config.seed
    )
    if samples.empty:
        raise dg.Failure(f"no samples in splits {config.splits} (dataset_splits empty?)")
    judge = gtm.chat("judge")
    judged = is_configured(judge)
    refs = _refs(config, gtm)
    calls_files, tools_files, parts = _heldout(gtm) if config.fidelity else ([], [], {})
    heldout = set().union(*parts.values()) if parts else set()
    shots = _example_index(gtm) if heldout else None
    fid_rows: list[dict] = []
    fid_reports: list[dict] = []

    def score_fidelity(role: str, ref, backend, examples=None) -> None:
        for part, keys in parts.items():
            context.log.info(f"real traces ({part}): {role} {ref.label} on {len(keys)} calls")
            report, rows = audit(
                calls_files,
                tools_files,
                backend,
                model=ref.to_dict(),
                select=keys,
                limit=gtm.settings.fidelity_limit
                if config.fidelity_limit == -1
                else config.fidelity_limit,
                batch_size=config.batch_size,
                seed=config.seed,
                max_retries=config.max_retries,
                progress=True,
                examples=examples,
            )
            roles = [role, "offline"] if role == "candidate" and ref.kind == "offline" else [role]
            for r in roles:
                fid_rows.extend(fd.fidelity_rows(r, report, part))
                fid_reports.append(fd.report_json(r, report, rows, part))

    frames = []
    for role, ref in refs:
        backend = ref_backend(
            ref,
            gtm.settings,
            seed=config.seed,
            max_tokens=config.max_tokens,
            batch_size=config.batch_size,
        )
        if heldout and (role in ("candidate", "champion") or ref.kind == "offline"):
            score_fidelity(
                role if role != "baseline" else "offline",
                ref,
                backend,
                None if ref.kind == "offline" else shots,
            )
        context.log.info(f"evaluating {role} {ref.label} on {len(samples)} samples")
        df = evaluate_model(
            ref,
            samples,
            tools,
            backend=backend,
            judge=judge,
            settings=gtm.settings,
            seed=config.seed,
            batch_size=config.batch_size,
            max_retries=config.max_retries,
            max_tokens=config.max_tokens,
            progress=True,
        )
        frames.append(df.assign(role=role))
        del backend
    if heldout and not any(
        r["role"] == "offline" for r in fid_rows
    ):  # the gate always compares with the teacher
        off = ModelRef(label="offline-teacher", kind="offline", note="model-free baseline")
        score_fidelity("offline", off, ref_backend(off, gtm.settings, seed=config.seed))
    if shots is not None:  # the same rules without the model, and copying the nearest record
        from gtm_core.evaluation.baselines import RULES_ONLY, RecordCopy
        from gtm_core.simulator.backends import OfflineSimBackend

        score_fidelity(
            RULES_ONLY,
            ModelRef(label=RULES_ONLY, kind="rules", note="the engine's rules, offline teacher"),
            OfflineSimBackend(seed=config.seed),
            shots,
        )
        score_fidelity(
            "record-copy",
            ModelRef(label="record-copy", kind="copy", note="nearest recorded output"),
            RecordCopy(shots, seed=config.seed),
            shots,
        )
    fid = pd.DataFrame(fid_rows, columns=fd.COLUMNS)
    store.replace("fidelity", fid)
    store.replace("fidelity_reports", pd.DataFrame(fid_reports, columns=fd.REPORT_COLUMNS))
    results = pd.concat(frames, ignore_index=True)
    store.replace("eval_results", results)
    long = metric_table(results, keys=("role", "model", "version", "split"))
    store.replace("eval_table", long)
    view = long.drop(columns=["role", "version"])
    fid_md = fd.markdown(fid)
    md = fid_md + "\n\n" + markdown(view, keys=("model", "split"))
    s = gtm.settings
    out = s.exports_dir / "evaluation"
    out.mkdir(parents=True, exist_ok=True)
    (out / "eval_table.md").write_text(md + "\n")
    long.to_csv(out / "eval_table.csv", index=False)
    alls = long[(long["metric"].isin(["all", "avg"]))]
    groups: dict[str, dict[str, float | None]] = {}
    for r in alls.to_dict("records"):
        name = f"{r['model']} [{r['split']}]"
        groups.setdefault(name, {})[r["scenario"] if r["metric"] == "all" else "Avg"] = (
            None if pd.isna(r["value"]) else float(r["value"])
        )
    plot = grouped_bar_plot(
        groups,
        s.plots_dir / "eval_table.png",
        title="Table 1: All per scenario and Avg",
        ylabel="% of samples",
    )
    fid_groups = {
        f"{r['role']} [{fd.SPLITS.get(r['split'], r['split'])}]": {
            m: (None if pd.isna(r[m]) else float(r[m]))
            for m in (
                "error_agreement",
                "schema_agreement",
                "value_agreement",
                "text_f1",
                "no_answer_rate",
            )
        }
        for r in fid[fid["part"] == "overall"].to_dict("records")
    }
    fid_plot = (
        grouped_bar_plot(
            fid_groups,
            s.plots_dir / "fidelity.png",
            ylabel="share",
            title="Fidelity on real calls: the model and its baselines",
        )
        if fid_groups
        else None
    )
    cand = refs[0][1]
    metrics = {}
    for split in config.splits:
        part = long[(long["role"] == "candidate") & (long["split"] == split)]
        metrics.update({f"eval_{split}_{k}": v for k, v in summary(part).items()})
    for part in parts:
        for m in (
            "error_agreement",
            "schema_agreement",
            "value_agreement",
            "text_f1",
            "no_answer_rate",
        ):
            metrics[f"eval_{part}_{m}"] = fd.overall(fid, "candidate", m, part)
    if cand.run_id:
        registry.log_to_run(
            cand.run_id,
            metrics,
            [
                out / "eval_table.md",
                out / "eval_table.csv",
                plot,
                *([fid_plot] if fid_plot else []),
            ],
            artifact_path="evaluation",
            settings=gtm.settings,
        )
    budget_plot = _budget_plot(fid, parts, gtm) if cand.run_id else None
    if budget_plot is not None:
        registry.log_to_run(
            cand.run_id, {}, [budget_plot], artifact_path="evaluation", settings=gtm.settings
        )
    return dg.MaterializeResult(
        metadata={
            "table": dg.MetadataValue.md(md),
            "plot": dg.MetadataValue.path(str(plot)),
            **(
                {"fidelity_vs_tokens": dg.MetadataValue.path(str(budget_plot))}
                if budget_plot
                else {}
            ),
            **({"fidelity_plot": dg.MetadataValue.path(str(fid_plot))} if fid_plot else {}),
            "fidelity": dg.MetadataValue.md(fid_md),
            "heldout_calls": len(heldout),
            "candidate": dg.MetadataValue.json(cand.to_dict()),
            "models": dg.MetadataValue.json([{"role": r, **m.to_dict()} for r, m in refs]),
            "samples": len(samples),
            "judge": judge.name if judged else "not configured (judged columns n/m)",
            "mlflow_run_id": cand.run_id or "",
            "metrics": dg.MetadataValue.json(metrics),
            "per_sample": md_table(
                results[["model", "split", "scenario", "tool_name", "all_pass", "reasons"]]
            ),
        }
    )


def _budget_plot(fid: pd.DataFrame, parts: dict, gtm: GTMResource) -> Path | None:
    """Fidelity against training tokens over every evaluated training run in the tracking store
    (the unseen source where there is one), beside this run's rules-only and record-copy bars."""
    from gtm_core.evaluation import fidelity as fd
    from gtm_core.plots import line_plot

    part = "unseen_source" if "unseen_source" in parts else "heldout"
    runs = registry.run_metrics(
        ["train_tokens", f"eval_{part}_schema_agreement"], settings=gtm.settings
    )
    bars = {
        f"{role} {m}": fd.overall(fid, role, m, part)
        for m, role in fd.UNSEEN_BARS
        if part == "unseen_source"
    }
    curve = fd.budget_curve(runs, part, {k: v for k, v in bars.items() if v is not None})
    if not curve:
        return None
    return line_plot(
        curve,
        gtm.settings.plots_dir / "fidelity_vs_tokens.png",
        title=f"Fidelity on the {fd.SPLITS[part]} against training tokens",
        xlabel="training tokens",
        ylabel="agreement",
    )


def _score(df: pd.DataFrame) -> float | None:
    """Avg if measured, else the mean of the measured "All" values."""
    avg = df[df["metric"] == "avg"]["value"].dropna()
    if len(avg):
        return float(avg.iloc[0])
    alls = df[df["metric"] == "all"]["value"].dropna()
    return float(alls.mean()) if len(alls) else None


@dg.asset_check(
    asset=eval_table,
    blocking=True,
    description="The candidate is not worse than @champion on Table 1 beyond a tolerance, and its "
    "held-out real-trace error agreement reaches the offline teacher's and the champion's.",
)
def candidate_not_worse_than_champion(config: GateConfig, gtm: GTMResource) -> dg.AssetCheckResult:
    from gtm_core.evaluation.fidelity import fidelity_verdict

    store = gtm.store()
    long = store.read("eval_table")
    long = long[long["split"] == config.split]
    fid = (
        store.read("fidelity")
        if store.exists("fidelity")
        else pd.DataFrame(columns=["role", "part"])
    )
    fid_ok, fid_meta = fidelity_verdict(fid, config.fidelity_tolerance)
    cand = _score(long[long["role"] == "candidate"])
    champ_rows = long[long["role"] == "champion"]
    if champ_rows.empty:
        return dg.AssetCheckResult(
            passed=fid_ok,
            metadata={"candidate": cand or 0.0, "champion": "none yet", **_meta(fid_meta)},
        )
    champ = _score(champ_rows)
    if cand is None or champ is None:
        return dg.AssetCheckResult(
            passed=False, metadata={"reason": "no comparable score", **_meta(fid_meta)}
        )
    return dg.AssetCheckResult(
        passed=cand >= champ - config.tolerance and fid_ok,
        metadata={
            "candidate": cand,
            "champion": champ,
            "delta": cand - champ,
            "tolerance": config.tolerance,
            "split": config.split,
            **_meta(fid_meta),
        },
    )


def _meta(d: dict) -> dict:
    return {
        k: dg.MetadataValue.json(v) if isinstance(v, list) else ("n/m" if v is None else v)
        for k, v in d.items()
    }


@dg.asset(
    deps=[eval_table],
    group_name=GROUP,
    kinds={"mlflow"},
    code_version=VERSIONS["champion"],
    description="Moves @champion to the evaluated candidate (runs only after "
    "candidate_not_worse_than_champion passed).",
)
def champion(context: dg.AssetExecutionContext, gtm: GTMResource) -> dg.MaterializeResult:
    rows = gtm.store().query(
        "select distinct model, version from eval_table where role = 'candidate'"
    )
    version = next((v for v in rows["version"] if v), None)
    if version is None:
        return dg.MaterializeResult(
            metadata={"promoted": False, "reason": "the candidate is not a registered version"}
        )
    ev = context.instance.get_latest_materialization_event(dg.AssetKey("eval_table"))
    name = "gtm"
    if ev is not None and "candidate" in ev.asset_materialization.metadata:
        uri = (ev.asset_materialization.metadata["candidate"].value or {}).get("uri") or ""
        if uri.startswith("models:/"):
            name = uri[len("models:/") :].split("/")[0].split("@")[0]
    info = registry.promote(name, version, "champion", settings=gtm.settings)
    context.log.info(f"@champion -> {name} v{version}")
    return dg.MaterializeResult(
        metadata={
            "promoted": True,
            "model_name": name,
            "version": str(version),
            "registry_uri": dg.MetadataValue.text(f"models:/{name}@champion"),
            "alias": info["alias"],
        }
    )


class AuditConfig(dg.Config):
    """Real-call files (default: the visible ones in the shared data
    folder) and their spec files."""

    calls_files: list[str] = []
    tools_files: list[str] = []
    model: str | None = None  # default: @champion, else @candidate, else the offline teacher
    limit: (
        int | None
    ) = -1  # -1: settings.audit_limit (local profile 400 calls, gpu all); None: every call
    batch_size: int = 32
    max_tokens: int = 256
    lenient_types: bool = True
    seed: int = 0
    split: str = "heldout"  # heldout | unseen_source | train | all calls of the real-trace split
    reuse: bool = (
        True  # report eval_table's held-out audit of the same model instead of replaying it
    )


@dg.asset(
    deps=[dg.AssetKey("registered_model"), dg.AssetKey("real_traces"), eval_table],
    group_name=GROUP,
    kinds={"duckdb"},
    code_version=VERSIONS["sim_to_real_report"],
    description="Sim-to-real audit: real tool calls (default: the held-out part) replayed "
    "through the simulator; error, schema and scalar-value agreement and text F1 per "
    "tool, by stateful/stateless and overall. Reuses eval_table's held-out audit "
    "when it scored the same model.",
)
def sim_to_real_report(
    context: dg.AssetExecutionContext, config: AuditConfig, gtm: GTMResource
) -> dg.MaterializeResult:
    from pathlib import Path

    from gtm_core.evaluation.fidelity import model_key
    from gtm_core.evaluation.real_split import selection, split_config
    from gtm_core.evaluation.real_traces import audit, shared_pairs
    from gtm_core.simulator.models import parse_model, ref_backend

    s = gtm.settings
    store = gtm.store()
    calls, tools = [Path(p) for p in config.calls_files], [Path(p) for p in config.tools_files]
    if not calls:
        calls, default_tools = shared_pairs(s.shared_data())
        tools = tools or default_tools
    if not calls:
        raise dg.Failure(
            "calls_files: none configured and no real-call files in the shared data folder"
        )
    ref = parse_model(config.model, s)
    limit = gtm.settings.audit_limit if config.limit == -1 else config.limit
    stored = pd.DataFrame()
    if (
        config.reuse
        and config.split == "heldout"
        and not config.calls_files
        and store.exists("fidelity_reports")
    ):
        stored = store.read("fidelity_reports")
        stored = stored[
            (stored["model_key"] == model_key(ref.to_dict())) & (stored["split"] == "heldout")
        ]
    if len(stored):
        report, rows = json.loads(stored["report"].iloc[0]), json.loads(stored["calls"].iloc[0])
        report["model"] = {**report["model"], **ref.to_dict()}
        context.log.info(
            f"reusing eval_table's held-out audit of {ref.label} ({report['n_calls']} calls)"
        )
    else:
        try:
            select = selection(
                calls,
                config.split,
                store.read("real_traces") if store.exists("real_traces") else None,
                split_config(s),
            )
        except ValueError as e:
            raise dg.Failure(str(e)) from None
        backend = ref_backend(
            ref, s, seed=config.seed, max_tokens=config.max_tokens, batch_size=config.batch_size
        )
        report, rows = audit(
            calls,
            tools,
            backend,
            model=ref.to_dict(),
            limit=limit,
            batch_size=config.batch_size,
            seed=config.seed,
            lenient_types=config.lenient_types,
            progress=True,
            select=select,
            examples=None if ref.kind == "offline" else _example_index(gtm),
        )
    report["split"] = config.split
    store.replace("sim_to_real_calls", pd.DataFrame(rows))
    per_tool = pd.DataFrame([{"tool": k, **v} for k, v in report["per_tool"].items()])
    store.replace("sim_to_real_tools", per_tool)
    out = s.exports_dir / "audit"
    out.mkdir(parents=True, exist_ok=True)
    (out / "sim_to_real.json").write_text(json.dumps(report, indent=1, default=str))
    summary = pd.DataFrame(
        [
            {
                "part": k,
                **{
                    m: v[m]
                    for m in (
                        "n_calls",
                        "error_agreement",
                        "schema_agreement",
                        "value_agreement",
                        "text_f1",
                    )
                },
            }
            for k, v in [
                ("overall", report),
                *report["by_statefulness"].items(),
                *report["per_file"].items(),
            ]
        ]
    )
    fig = {
        "overall": {
            m: report[m] for m in ("error_agreement", "schema_agreement", "value_agreement")
        }
    }
    fig.update(
        {
            k: {m: v[m] for m in ("error_agreement", "schema_agreement", "value_agreement")}
            for k, v in report["by_statefulness"].items()
        }
    )
    from gtm_core.plots import grouped_bar_plot

    plot = grouped_bar_plot(
        fig, s.plots_dir / "sim_to_real.png", title="Sim-to-real agreement", ylabel="share"
    )
    return dg.MaterializeResult(
        metadata={
            "n_calls": report["n_calls"],
            "error_agreement": report["error_agreement"],
            "schema_agreement": report["schema_agreement"]
            if report["schema_agreement"] is not None
            else float("nan"),
            "value_agreement": report["value_agreement"]
            if report["value_agreement"] is not None
            else float("nan"),
            "text_f1": report["text_f1"] if report.get("text_f1") is not None else float("nan"),
            "split": config.split,
            "reused_eval_table_audit": bool(len(stored)),
            "model": dg.MetadataValue.json(report["model"]),
            "summary": md_table(summary.round(3)),
            "per_tool": md_table(
                per_tool.sort_values("n_calls", ascending=False).round(3), max_rows=40
            ),
            "built_specs": dg.MetadataValue.json(report["built_specs"]),
            "report": dg.MetadataValue.path(str(out / "sim_to_real.json")),
            "plot": dg.MetadataValue.path(str(plot)),
        }
    )
