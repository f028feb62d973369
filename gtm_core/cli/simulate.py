"""``gtm simulate TOOL --args '{...}'``: one simulated call, printed."""

from __future__ import annotations

import json

import typer

from gtm_core.cli.app import app, emit
from gtm_core.cli.options import model_options
from gtm_core.cli.serve import SERVE_CLI, build_simulator
from gtm_core.serve.config import SimulatorSetup

# the SimulatorSetup fields one call takes from the command line (the rest: their defaults)
SIMULATE_FIELDS = ("tools", "backend", "model", "base_url", "max_tokens")


@app.command()
@model_options(
    SimulatorSetup,
    param="setup",
    only=SIMULATE_FIELDS,
    cli={k: v for k, v in SERVE_CLI.items() if k in SIMULATE_FIELDS},
)
def simulate(
    tool_name: str = typer.Argument(..., metavar="TOOL"),
    args: str = typer.Option("{}", "--args", help="arguments as a JSON object"),
    setup: SimulatorSetup = SimulatorSetup(),
    seed: int | None = typer.Option(None),
    hint: str | None = typer.Option(None, help="ground-truth hint (search-like tools)"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Simulate one call of TOOL and print the result."""
    try:
        arguments = json.loads(args)
    except json.JSONDecodeError as e:
        raise typer.BadParameter(f"invalid JSON: {e}", param_hint="--args") from None
    one_call = setup.engine.model_copy(update={"continuous": False})  # one call: one batch
    setup = setup.model_copy(
        update={"tool": [tool_name], "search_preset": tool_name == "search", "engine": one_call}
    )
    sim = build_simulator(setup)
    if tool_name not in sim.tools:
        raise typer.BadParameter(f"unknown tool {tool_name!r}", param_hint="TOOL")
    res = sim.simulate(tool_name, arguments, options={"seed": seed, "hint": hint})
    emit(res.to_dict(), as_json)
    if res.source == "error":
        raise typer.Exit(1)
