"""``gtm carg``: run CARG generation for one field from the command line (resumable, same
generation ids as the Dagster assets) and show dataset statistics."""

from __future__ import annotations

import typer

from gtm_core.carg.config import CargConfig, CargRun
from gtm_core.cli.app import app, emit
from gtm_core.cli.options import model_options

carg = typer.Typer(no_args_is_help=True, help="CARG: context-aware sample generation (paper §4.2).")
app.add_typer(carg, name="carg")


# the options past --field/--scenario are CargConfig's and CargRun's fields, as the CARG assets'
# Dagster Config
@carg.command("generate")
@model_options(CargConfig, param="cfg")
@model_options(CargRun, param="run")
def generate(
    field: str = typer.Option(
        ..., help="Field name or partition key (e.g. 'Finance' or 'finance')."
    ),
    scenario: str = typer.Option("single", help="single | multi | error"),
    run: CargRun = CargRun(),
    cfg: CargConfig = CargConfig(),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Generate, validate and commit one scenario for one field; prints a line per committed
    batch."""
    from gtm_core.carg.generate import GenerationFailed, Generator, load_tools
    from gtm_core.carg.versions import SCENARIO_ASSETS, code_versions
    from gtm_core.llm import make_chat_model
    from gtm_core.settings import get_settings
    from gtm_core.storage import Store
    from gtm_core.tools.taxonomy import field_key

    if scenario not in SCENARIO_ASSETS:
        raise typer.BadParameter(
            f"scenario must be one of {sorted(SCENARIO_ASSETS)}, got {scenario!r}",
            param_hint="--scenario",
        )
    s = get_settings()
    store = Store(s.duckdb_path)
    if not store.exists("tools"):
        raise typer.BadParameter(
            f"no 'tools' table in {s.duckdb_path}: materialize tool_repository first",
            param_hint="--field",
        )
    key = field_key(field)
    specs = load_tools(store, key)
    if not specs:
        raise typer.BadParameter(
            f"no tool has field {field!r} (partition key {key!r})", param_hint="--field"
        )
    gen = Generator(
        store,
        make_chat_model(s.llm),
        cfg=cfg,
        judge_model=make_chat_model(s.judge) if s.judge else None,
        code_version=code_versions()[SCENARIO_ASSETS[scenario]],
        on_commit=lambda st: typer.echo(
            f"COMMIT batch={st.batches} accepted={st.accepted} rejected={st.rejected}"
        ),
    )
    try:
        embedder = None
        if scenario == "multi":
            from gtm_core.embed import Embedder

            embedder = Embedder(s.embedder_model)
        st = gen.run(scenario, key, specs[0].field, specs, resume=run.resume, embedder=embedder)
    except GenerationFailed as e:
        typer.echo(f"FAILED {e}", err=True)
        raise typer.Exit(1) from None
    emit(
        {
            "field_key": key,
            "scenario": scenario,
            "generation": gen.generation,
            "generated": st.generated,
            "accepted": st.accepted,
            "rejected": st.rejected,
            "resumed_units": st.skipped_units,
            "not_applicable": st.not_applicable,
            "reasons": dict(st.reasons),
        },
        as_json,
    )


@carg.command("stats")
def stats(as_json: bool = typer.Option(False, "--json")) -> None:
    """Accepted / rejected samples per scenario and field."""
    from gtm_core.carg.records import REJECTS_TABLE, SAMPLES_TABLE
    from gtm_core.settings import get_settings
    from gtm_core.storage import Store

    store = Store(get_settings().duckdb_path)
    out = {}
    for name, t in (("accepted", SAMPLES_TABLE), ("rejected", REJECTS_TABLE)):
        if store.exists(t):
            df = store.query(
                f"select scenario, field_key, count(*) as n from {t} group by 1, 2 order by 1, 2"
            )
            out[name] = df.to_dict("records")
    emit(out, as_json)
