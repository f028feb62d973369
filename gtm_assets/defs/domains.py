"""Domain adaptation (paper §5.4): the CUDA Code Validator SFT data, the fine-tuned domain model
(``gtm-cuda-validator``, trained from the registered GTM via Dagster Pipes in pool ``gpu``) and its
Table 4 evaluation against the base GTM."""

# no `from __future__ import annotations`: Dagster resolves Config annotations at decoration time
import json
import sys
from collections import Counter

import dagster as dg
from pydantic import create_model

from gtm_assets.resources import GTMResource
from gtm_assets.versions import VERSIONS
from gtm_core.training.config_fields import config_fields
from gtm_core.training.presets import DOMAIN_OVERRIDES, DomainRun, TrainConfig


class CudaDatasetConfig(dg.Config):
    """Where problems and measured outcomes come from, and how to split."""

    problems: str | None = None  # default: <shared data>/kernelbench_problems.jsonl
    measured: list[
        str
    ] = []  # outcome JSONL files written by `gtm cuda-measure` (override file outcomes)
    hardware: list[str] = ["H100_Modal", "H100_PCIe_LambdaLabs"]
    include_constructed: bool = True
    test_fraction: float = 0.2
    seed: int = 0


@dg.asset(
    group_name="domains",
    code_version=VERSIONS["cuda_validator_dataset"],
    description="SFT records for the validate_cuda_kernel tool from KernelBench problems and "
    "outcomes.",
    kinds={"duckdb"},
)
def cuda_validator_dataset(
    context: dg.AssetExecutionContext, config: CudaDatasetConfig, gtm: GTMResource
) -> dg.MaterializeResult:
    import pandas as pd

    from gtm_core.domains.cuda import (
        build_domain_dataset,
        export_dataset,
        kernelbench_outcomes,
        load_problems,
    )

    s = gtm.settings
    path = config.problems
    if path is None:
        shared = s.shared_data()
        if shared is None or not (shared / "kernelbench_problems.jsonl").is_file():
            raise dg.Failure(
                "cuda_validator_dataset: set config.problems (no kernelbench_problems.jsonl "
                "in the shared data folder)"
            )
        path = str(shared / "kernelbench_problems.jsonl")
    problems = load_problems(path)
    outcomes = kernelbench_outcomes(problems, config.hardware, config.include_constructed)
    n_measured = 0
    for m in config.measured:
        rows = [json.loads(x) for x in open(m, encoding="utf-8") if x.strip()]
        n_measured += len(rows)
        outcomes.extend(rows)
    records = build_domain_dataset(
        problems, outcomes, test_fraction=config.test_fraction, seed=config.seed
    )
    out_dir = s.exports_dir / "cuda"
    counts = export_dataset(records, out_dir)
    df = pd.DataFrame(
        [
            {
                **{k: v for k, v in r.items() if k not in ("messages", "arguments")},
                "messages": json.dumps(r["messages"], ensure_ascii=False),
            }
            for r in records
        ]
    )
    gtm.store().replace("cuda_validator_samples", df)
    prov = Counter(r["provenance"].split(":")[0] for r in records)
    table = (
        df.groupby(["split", "variant"])
        .agg(n=("compiled", "size"), compiled=("compiled", "mean"), correct=("correct", "mean"))
        .reset_index()
    )
    context.log.info(f"{len(records)} records from {len(problems)} problems")
    return dg.MaterializeResult(
        metadata={
            "n_records": len(records),
            "n_train": counts["train"],
            "n_test": counts["test"],
            "n_problems": len(problems),
            "n_measured_outcomes": n_measured,
            "provenance": dg.MetadataValue.json(dict(prov)),
            "by_split_variant": dg.MetadataValue.md(table.to_markdown(index=False, floatfmt=".2f")),
            "train_path": dg.MetadataValue.path(str(out_dir / "train.jsonl")),
            "test_path": dg.MetadataValue.path(str(out_dir / "test.jsonl")),
        }
    )


CudaModelConfig = create_model(
    "CudaModelConfig",
    __base__=dg.Config,
    __module__=__name__,
    __doc__="Overrides of the ``cuda-validator`` preset (``TrainConfig``'s ``DOMAIN_OVERRIDES``, "
    "unset: derived from the base GTM's preset) and how the run starts (``DomainRun``).",
    **config_fields(DomainRun, only=("init_from",)),
    **config_fields(TrainConfig, overrides=True, only=DOMAIN_OVERRIDES),
    **config_fields(DomainRun, exclude=("init_from",)),
)


@dg.asset(
    deps=[cuda_validator_dataset, dg.AssetKey("registered_model")],
    pool="gpu",
    group_name="domains",
    kinds={"pytorch", "mlflow"},
    code_version=VERSIONS["cuda_validator_model"],
    description="gtm-cuda-validator: the registered GTM fine-tuned on the CUDA validator train "
    "split (preset cuda-validator) in a Pipes subprocess; registered in MLflow with @candidate.",
)
def cuda_validator_model(
    context: dg.AssetExecutionContext, config: CudaModelConfig, gtm: GTMResource
) -> dg.MaterializeResult:
    from gtm_core.domains.cuda_model import BaseModelMissing, resolve_base

    try:
        ref, _ = resolve_base(gtm.settings, config.init_from or None)  # fail fast with the reason
    except BaseModelMissing as e:
        raise dg.Failure(str(e)) from None
    context.log.info(f"fine-tuning from {ref}")
    conf = config.model_dump(exclude={"alias", "fresh"}, exclude_none=True)
    extras = {
        "config": conf,
        "data_dir": str(gtm.settings.root),
        "profile": gtm.profile,
        "fresh": config.fresh,
        "alias": config.alias,
    }
    client = dg.PipesSubprocessClient(env={"PYTHONUNBUFFERED": "1"})
    return client.run(
        command=[sys.executable, "-m", "gtm_assets.pipes_workers", "cuda"],
        context=context,
        extras=extras,
    ).get_materialize_result()


class CudaEvalConfig(dg.Config):
    """Which models to score on how much of the test split."""

    model: str | None = None  # default: the version cuda_validator_model registered
    base: list[str] = []  # baseline GTM refs (default @champion, else @candidate)
    include_base: bool = True
    limit: int | None = (
        8  # test records (seeded sample; kernel sources are long prompts on a CPU); None = all
    )
    batch_size: int = 8
    runtime_tol_ms: float = 1.0
    device: str | None = None


@dg.asset(
    deps=[cuda_validator_model],
    pool="gpu",
    group_name="domains",
    kinds={"duckdb", "mlflow"},
    code_version=VERSIONS["cuda_validator_eval"],
    description="Paper Table 4 for gtm-cuda-validator and the base GTM on the domain test split "
    "(simulator engine, schema-constrained decoding): DuckDB cuda_validator_eval.",
)
def cuda_validator_eval(
    context: dg.AssetExecutionContext, config: CudaEvalConfig, gtm: GTMResource
) -> dg.MaterializeResult:
    from gtm_core import model_registry as registry
    from gtm_core.domains.cuda_model import default_model_ref, evaluate

    model = config.model
    if model is None:
        ev = context.instance.get_latest_materialization_event(dg.AssetKey("cuda_validator_model"))
        md = ev.asset_materialization.metadata if ev and ev.asset_materialization else {}
        model = (
            md["registered_version"].value if md.get("registered_version") else default_model_ref()
        )
    res = evaluate(
        gtm.settings,
        model_ref=model,
        base_ref=config.base or None,
        include_base=config.include_base,
        limit=config.limit,
        batch_size=config.batch_size,
        device=config.device,
        runtime_tol_ms=config.runtime_tol_ms,
        dagster_run_id=context.run.run_id,
        log=context.log.info,
    )
    dom = res["rows"][0]
    meta = {
        "n": res["n"],
        "model": model,
        "table4": dg.MetadataValue.md(res["markdown"]),
        "mlflow_run_link": dg.MetadataValue.url(
            registry.run_link(res["mlflow_run_id"], gtm.settings)
        ),
        "report": dg.MetadataValue.path(res["report"]),
    }
    for k in (
        "compiled_accuracy",
        "compiled_f1",
        "correct_accuracy",
        "correct_f1",
        "runtime_accuracy",
        "runtime_mean_abs_error_ms",
        "runtime_median_abs_error_ms",
        "n_unparsed",
    ):
        if dom.get(k) is not None:
            meta[k] = float(dom[k])
    if len(res["rows"]) > 1:
        meta["base_compiled_accuracy"] = float(res["rows"][1]["compiled_accuracy"])
        meta["base_correct_accuracy"] = float(res["rows"][1]["correct_accuracy"])
    return dg.MaterializeResult(metadata=meta)
