"""``real_traces``: the visible real tool calls of the shared data folder split by tool and episode
into train (joins the SFT data as the ``real`` scenario) and held-out (the fidelity measure)."""

import json

import dagster as dg
import pandas as pd

from gtm_assets.metadata import md_table
from gtm_assets.resources import GTMResource
from gtm_assets.versions import VERSIONS

GROUP = "real_traces"
TRACE_COLUMNS = [
    "file",
    "line",
    "tool",
    "episode",
    "step",
    "stateful",
    "is_error",
    "split",
    "reason",
    "n_history",
]
EXAMPLE_COLUMNS = ["sample_id", "tool", "episode", "file", "line", "is_error", "messages", "kind"]


class RealTracesConfig(dg.Config):
    """How the real calls are split (see ``gtm_core.evaluation.real_split.RealSplitConfig``)."""

    tool_frac: float = 0.15
    episode_frac: float = 0.15
    max_heldout: int | None = 400
    salt: str = "gtm-real-split-v1"
    unrecorded_frac: float = 0.35  # train rows shown without recorded examples
    examples_k: int = (
        -1
    )  # recorded examples shown in each train row (-1: settings.real_examples_k; 0: none)
    unseen_source: str = ""  # the source held out whole ("": settings.unseen_source; "none": none)


@dg.asset(
    group_name=GROUP,
    kinds={"duckdb"},
    code_version=VERSIONS["real_traces"],
    description="Visible real calls (../shared/data) split deterministically by tool and episode "
    "into train and held-out; DuckDB real_traces (every call, its split and why) and "
    "real_examples (the train calls in chat format, history = earlier real calls of "
    "the episode, recorded examples of the same or nearest tools from other train "
    "episodes). Data version: the files' hash.",
)
def real_traces(
    context: dg.AssetExecutionContext, config: RealTracesConfig, gtm: GTMResource
) -> dg.MaterializeResult:
    from gtm_core.evaluation.real_split import RealSplitConfig, build_split, files_digest
    from gtm_core.evaluation.real_traces import shared_pairs

    store = gtm.store()
    calls, tools = shared_pairs(gtm.settings.shared_data())
    if not calls:
        store.replace("real_traces", pd.DataFrame(columns=TRACE_COLUMNS))
        store.replace("real_examples", pd.DataFrame(columns=EXAMPLE_COLUMNS))
        context.log.warning("no real-call files in the shared data folder: real_traces is empty")
        return dg.MaterializeResult(
            data_version=dg.DataVersion("no-shared-data"),
            metadata={
                "calls": 0,
                "heldout": 0,
                "train_examples": 0,
                "note": (
                    f"shared data folder {gtm.settings.shared_data_dir} absent or without "
                    "real-call files: 0 calls"
                ),
            },
        )
    split_cfg = config.model_dump(exclude={"examples_k", "unseen_source"})
    unseen = config.unseen_source or gtm.settings.unseen_source
    split_cfg["unseen_source"] = None if unseen.strip().lower() == "none" else unseen
    k = gtm.settings.real_examples_k if config.examples_k == -1 else config.examples_k
    try:
        cfg = RealSplitConfig(**split_cfg)
        if k < 0:
            raise ValueError(f"examples_k: must be >= 0 or -1 (got {config.examples_k})")
    except ValueError as e:
        raise dg.Failure(str(e)) from None
    split = build_split(
        calls,
        tools,
        cfg,
        examples_k=k,
        min_similarity=gtm.settings.real_examples_min_similarity,
        embedder=gtm.embedder() if k else None,
    )
    traces = pd.DataFrame(split.rows(), columns=TRACE_COLUMNS)
    examples = pd.DataFrame(split.examples, columns=EXAMPLE_COLUMNS)
    examples["messages"] = [json.dumps(m, ensure_ascii=False) for m in examples["messages"]]
    store.replace("real_traces", traces)
    store.replace("real_examples", examples)
    by = traces.groupby(["file", "split"]).size().unstack(fill_value=0).reset_index()
    reasons = {k: int(v) for k, v in traces["reason"].value_counts().items()}
    return dg.MaterializeResult(
        data_version=dg.DataVersion(files_digest([*calls, *tools])),
        metadata={
            "calls": len(traces),
            "heldout": len(split.heldout),
            "train_examples": len(examples),
            "heldout_tools": len(split.heldout_tools),
            "unseen_source": cfg.unseen_file or "none",
            "reasons": dg.MetadataValue.json(reasons),
            "by_file": md_table(by),
            "files": dg.MetadataValue.json([p.name for p in [*calls, *tools]]),
            "call_rejects": len(split.rejects),
            "config": dg.MetadataValue.json(config.model_dump()),
            "examples_k": k,
            "rows_with_examples": int(sum("EXAMPLE[0]: " in m for m in examples["messages"])),
        },
    )
