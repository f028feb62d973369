"""Domain datasets (paper §5.4): the CUDA Code Validator SFT data. Training is wired elsewhere."""

# no `from __future__ import annotations`: Dagster resolves Config annotations at decoration time
import json
from collections import Counter

import dagster as dg

from gtm_assets.resources import GTMResource
from gtm_core.versioning import code_version


class CudaDatasetConfig(dg.Config):
    """Where problems and measured outcomes come from, and how to split."""

    problems: str | None = None  # default: <shared data>/kernelbench_problems.jsonl
    measured: list[str] = []  # outcome JSONL files written by `gtm cuda-measure` (override file outcomes)
    hardware: list[str] = ["H100_Modal", "H100_PCIe_LambdaLabs"]
    include_constructed: bool = True
    test_fraction: float = 0.2
    seed: int = 0


@dg.asset(
    group_name="domains",
    code_version=code_version(modules=("gtm_core.domains.cuda", "gtm_core.chat_format", "gtm_assets.defs.domains"),
                              prompts=("simulator_system",)),
    description="SFT records for the validate_cuda_kernel tool from KernelBench problems and outcomes.",
    kinds={"duckdb"},
)
def cuda_validator_dataset(context: dg.AssetExecutionContext, config: CudaDatasetConfig,
                           gtm: GTMResource) -> dg.MaterializeResult:
    import pandas as pd

    from gtm_core.domains.cuda import build_domain_dataset, kernelbench_outcomes, load_problems

    s = gtm.settings
    path = config.problems
    if path is None:
        shared = s.shared_data()
        if shared is None or not (shared / "kernelbench_problems.jsonl").is_file():
            raise dg.Failure("cuda_validator_dataset: set config.problems (no kernelbench_problems.jsonl "
                             "in the shared data folder)")
        path = str(shared / "kernelbench_problems.jsonl")
    problems = load_problems(path)
    outcomes = kernelbench_outcomes(problems, config.hardware, config.include_constructed)
    n_measured = 0
    for m in config.measured:
        rows = [json.loads(x) for x in open(m, encoding="utf-8") if x.strip()]
        n_measured += len(rows)
        outcomes.extend(rows)
    records = build_domain_dataset(problems, outcomes, test_fraction=config.test_fraction, seed=config.seed)
    out_dir = s.exports_dir / "cuda"
    out_dir.mkdir(parents=True, exist_ok=True)
    counts = Counter(r["split"] for r in records)
    for split in ("train", "test"):
        with (out_dir / f"{split}.jsonl").open("w", encoding="utf-8") as fh:
            for r in records:
                if r["split"] == split:
                    fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    df = pd.DataFrame([{**{k: v for k, v in r.items() if k not in ("messages", "arguments")},
                        "messages": json.dumps(r["messages"], ensure_ascii=False)} for r in records])
    gtm.store().replace("cuda_validator_samples", df)
    prov = Counter(r["provenance"].split(":")[0] for r in records)
    table = df.groupby(["split", "variant"]).agg(n=("compiled", "size"), compiled=("compiled", "mean"),
                                                 correct=("correct", "mean")).reset_index()
    context.log.info(f"{len(records)} records from {len(problems)} problems")
    return dg.MaterializeResult(metadata={
        "n_records": len(records), "n_train": counts["train"], "n_test": counts["test"],
        "n_problems": len(problems), "n_measured_outcomes": n_measured,
        "provenance": dg.MetadataValue.json(dict(prov)),
        "by_split_variant": dg.MetadataValue.md(table.to_markdown(index=False, floatfmt=".2f")),
        "train_path": dg.MetadataValue.path(str(out_dir / "train.jsonl")),
        "test_path": dg.MetadataValue.path(str(out_dir / "test.jsonl")),
    })
