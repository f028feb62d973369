"""Tool repository assets (paper §4.1): seed_fields → taxonomy → generated_tools ┐
imported_tools ┴→ tool_repository, with blocking checks."""

import json
from collections import Counter
from pathlib import Path

import dagster as dg
import numpy as np
import pandas as pd

from gtm_assets.metadata import md_table
from gtm_assets.partitions import fields_partitions
from gtm_assets.resources import GTMResource
from gtm_assets.versions import VERSIONS
from gtm_core.tools.taxonomy import field_key

GROUP = "tool_repository"


class TaxonomyConfig(dg.Config):
    target_fields: int | None = None  # default: settings.target_fields
    subfields_per_field: int | None = None
    grow: bool | None = None  # default: grow only when the teacher is a real LLM


class ToolGenConfig(dg.Config):
    tools_per_subfield: int | None = None


class ImportConfig(dg.Config):
    sources: list[str] | None = None  # file paths; relative names resolve in the shared data folder
    limit_per_source: int | None = -1  # -1: settings.import_limit_per_source; None: no limit
    complete_missing: bool = True  # ask the configured LLM to fill missing types / responses


class RepositoryConfig(dg.Config):
    threshold: float | None = None
    dedup_on: str | None = None  # "name" (paper) or "name+description"


@dg.asset(group_name=GROUP, kinds={"duckdb"}, code_version=VERSIONS["seed_fields"])
def seed_fields(context: dg.AssetExecutionContext, gtm: GTMResource) -> dg.MaterializeResult:
    """The seed fields and subfields shipped with the project."""
    from gtm_core.tools.taxonomy import load_seed_taxonomy

    tax = load_seed_taxonomy()
    n = gtm.store().replace("seed_fields", pd.DataFrame(tax.rows()))
    return dg.MaterializeResult(
        metadata={
            "fields": len(tax.fields),
            "pairs": n,
            "preview": md_table(pd.DataFrame(tax.rows())),
        }
    )


@dg.asset(group_name=GROUP, kinds={"duckdb"}, deps=[seed_fields], code_version=VERSIONS["taxonomy"])
def taxonomy(
    context: dg.AssetExecutionContext, config: TaxonomyConfig, gtm: GTMResource
) -> dg.MaterializeResult:
    """Seed fields grown by the teacher LLM (two random exemplars per prompt) plus subfields; adds
    one ``fields`` partition per field."""
    from gtm_core.tools.taxonomy import build_taxonomy, taxonomy_from_rows

    s = gtm.settings
    store = gtm.store()
    seed = taxonomy_from_rows(store.read("seed_fields").to_dict("records"))
    tax, log = build_taxonomy(
        seed,
        gtm.chat(),
        target_fields=config.target_fields or s.target_fields,
        subfields_per_field=config.subfields_per_field or s.subfields_per_field,
        seed=s.seed,
        grow=config.grow,
    )
    store.replace("taxonomy", pd.DataFrame(tax.rows()))
    keys = [field_key(f) for f in tax.fields]
    existing = set(context.instance.get_dynamic_partitions(fields_partitions.name))
    new = [k for k in keys if k not in existing]
    if new:
        context.instance.add_dynamic_partitions(fields_partitions.name, new)
    for line in log[:50]:
        context.log.info(line)
    return dg.MaterializeResult(
        metadata={
            "fields": len(tax.fields),
            "subfields": len(tax.pairs()),
            "grown_by_llm": sum(1 for o in tax.origin.values() if o == "llm"),
            "partitions_added": len(new),
            "rejected_proposals": len(log),
            "preview": md_table(pd.DataFrame(tax.rows())),
        }
    )


@dg.asset(
    group_name=GROUP, kinds={"duckdb"}, deps=[taxonomy], code_version=VERSIONS["generated_tools"]
)
def generated_tools(
    context: dg.AssetExecutionContext, config: ToolGenConfig, gtm: GTMResource
) -> dg.MaterializeResult:
    """Tools generated per (field, subfield) by the teacher (offline:
    the shipped seed catalogue)."""
    from gtm_core.tools.repository import rejects_frame, specs_frame
    from gtm_core.tools.taxonomy import taxonomy_from_rows
    from gtm_core.tools.toolgen import generate_tools

    store = gtm.store()
    tax = taxonomy_from_rows(store.read("taxonomy").to_dict("records"))
    n = config.tools_per_subfield or gtm.settings.tools_per_subfield
    specs, rejects = generate_tools(tax.pairs(), gtm.chat(), n_per_subfield=n, progress=True)
    store.replace("generated_tools", specs_frame(specs))
    store.replace("generated_tool_rejects", rejects_frame(rejects))
    return dg.MaterializeResult(
        metadata={
            "tools": len(specs),
            "rejected": len(rejects),
            "pairs": len(tax.pairs()),
            "preview": md_table(specs_frame(specs)[["name", "field", "subfield", "description"]]),
        }
    )


def _resolve_sources(config: ImportConfig, gtm: GTMResource) -> list[Path]:
    s = gtm.settings
    names = config.sources if config.sources is not None else s.import_sources
    base = s.shared_data()
    out = []
    for n in names:
        p = Path(n)
        if not p.is_absolute() and not p.exists() and base is not None:
            p = base / n
        out.append(p)
    if s.tool_sources_dir and Path(s.tool_sources_dir).is_dir():
        out += [p for p in sorted(Path(s.tool_sources_dir).glob("*tools*.json*")) if p not in out]
    return out


@dg.asset(group_name=GROUP, kinds={"duckdb"}, code_version=VERSIONS["imported_tools"])
def imported_tools(
    context: dg.AssetExecutionContext, config: ImportConfig, gtm: GTMResource
) -> dg.MaterializeResult:
    """Specs imported from public formats (Seal-Tools, ToolEyes, BFCL, ToolBench, MCP, OpenAI
    functions, xLAM); a broken source is recorded as a reject and does not stop the others."""
    from gtm_core.tools.importers import complete_specs, import_sources
    from gtm_core.tools.repository import rejects_frame, specs_frame

    paths = _resolve_sources(config, gtm)
    limit = (
        gtm.settings.import_limit_per_source
        if config.limit_per_source == -1
        else config.limit_per_source
    )
    res = import_sources(paths, limit_per_source=limit, progress=True)
    specs = res.specs
    if config.complete_missing:
        specs = complete_specs(specs, gtm.chat())
    store = gtm.store()
    store.replace("imported_tools", specs_frame(specs))
    store.replace("imported_tool_rejects", rejects_frame(res.rejects))
    per_source = Counter(s.source.split(":")[-1].split("/")[-1] for s in specs)
    return dg.MaterializeResult(
        metadata={
            "read": res.n_read,
            "tools": len(specs),
            "rejected": len(res.rejects),
            "flagged": sum(1 for s in specs if any(not f.startswith("completed") for f in s.flags)),
            "per_source": md_table(
                pd.DataFrame(sorted(per_source.items()), columns=["source", "tools"])
            ),
            "rejects_sample": md_table(
                rejects_frame(res.rejects)[["source", "name", "field", "reason"]]
            ),
        }
    )


@dg.asset(
    group_name=GROUP,
    kinds={"duckdb"},
    deps=[generated_tools, imported_tools, taxonomy],
    code_version=VERSIONS["tool_repository"],
)
def tool_repository(
    context: dg.AssetExecutionContext, config: RepositoryConfig, gtm: GTMResource
) -> dg.MaterializeResult:
    """Generated + imported tools: fields assigned from the taxonomy, de-duplicated by embedding
    similarity of names (> threshold); table ``tools`` and ``tool_rejects``
    (every reject with its reason)."""
    from gtm_core.plots import bar_plot
    from gtm_core.tools.repository import (
        assign_fields,
        build_repository,
        load_tools,
        rejects_frame,
        specs_frame,
    )
    from gtm_core.tools.taxonomy import taxonomy_from_rows

    s = gtm.settings
    store = gtm.store()
    tax = taxonomy_from_rows(store.read("taxonomy").to_dict("records"))
    specs = load_tools(store, "generated_tools") + load_tools(store, "imported_tools")
    emb = gtm.embedder()
    specs = assign_fields(specs, tax, emb, progress=True)
    threshold = config.threshold if config.threshold is not None else s.dedup_threshold
    on = config.dedup_on or s.dedup_on
    build = build_repository(specs, emb, threshold=threshold, on=on, progress=True)
    df = specs_frame(build.tools)
    store.replace("tools", df)
    upstream = pd.concat(
        [store.read("generated_tool_rejects"), store.read("imported_tool_rejects")],
        ignore_index=True,
    )
    all_rejects = pd.concat([upstream, rejects_frame(build.rejects)], ignore_index=True)
    store.replace("tool_rejects", all_rejects)
    emb_path = s.root / "tools_embeddings.npy"
    np.save(emb_path, build.embeddings)
    per_field = Counter(t.field for t in build.tools)
    plot = bar_plot(
        per_field, s.plots_dir / "tools_per_field.png", title="Tools per field", xlabel="tools"
    )
    read_total = len(specs) + len(upstream)
    return dg.MaterializeResult(
        metadata={
            "tools": len(build.tools),
            "duplicates_removed": len(build.rejects),
            "rejects_total": len(all_rejects),
            "reject_share": round(len(upstream) / max(1, read_total), 4),
            "threshold": threshold,
            "dedup_on": on,
            "fields": len(per_field),
            "per_field": md_table(
                pd.DataFrame(
                    sorted(per_field.items(), key=lambda kv: -kv[1]), columns=["field", "tools"]
                ),
                max_rows=60,
            ),
            "sample": md_table(
                df[["name", "field", "subfield", "description"]].sample(
                    min(10, len(df)), random_state=0
                )
                if len(df)
                else df
            ),
            "plot_tools_per_field": dg.MetadataValue.path(str(plot)),
            "embeddings": dg.MetadataValue.path(str(emb_path)),
        }
    )


@dg.asset_check(
    asset=tool_repository,
    blocking=True,
    description="Every required parameter is a declared property.",
)
def required_in_properties(gtm: GTMResource) -> dg.AssetCheckResult:
    df = gtm.store().read("tools")
    bad = [
        n
        for n, p, r in zip(df["name"], df["parameters"], df["required"], strict=True)
        if set(json.loads(r)) - set(json.loads(p).get("properties", {}))
    ]
    return dg.AssetCheckResult(
        passed=not bad, metadata={"violations": len(bad), "examples": ", ".join(bad[:10])}
    )


@dg.asset_check(
    asset=tool_repository,
    blocking=True,
    description="No two kept tools are more similar than the threshold.",
)
def no_near_duplicates(gtm: GTMResource) -> dg.AssetCheckResult:
    s = gtm.settings
    emb = np.load(s.root / "tools_embeddings.npy")
    worst, pairs = 0.0, 0
    for start in range(0, len(emb), 2048):
        sims = emb[start : start + 2048] @ emb.T
        for i in range(sims.shape[0]):
            sims[i, start + i] = -1.0
        pairs += int((sims > s.dedup_threshold).sum())
        worst = max(worst, float(sims.max()) if sims.size else 0.0)
    return dg.AssetCheckResult(
        passed=pairs == 0,
        metadata={"pairs_above_threshold": pairs // 2, "max_similarity": round(worst, 4)},
    )


@dg.asset_check(
    asset=tool_repository, description="Share of specs rejected by validation stays below 10%."
)
def reject_share_below_bound(gtm: GTMResource) -> dg.AssetCheckResult:
    store = gtm.store()
    rej = store.read("tool_rejects")
    invalid = int((rej["stage"] != "dedup").sum()) if len(rej) else 0
    total = store.count("generated_tools") + store.count("imported_tools") + invalid
    share = invalid / max(1, total)
    return dg.AssetCheckResult(
        passed=share < 0.10,
        metadata={"reject_share": round(share, 4), "invalid": invalid, "total": total},
    )


tool_repository_job = dg.define_asset_job(
    "tool_repository_job",
    selection=dg.AssetSelection.groups(GROUP),
    description="Build the tool repository.",
)
