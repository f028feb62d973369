"""``gtm simulate TOOL --args '{...}'``: one simulated call, printed."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from gtm_core.cli.app import app, emit
from gtm_core.cli.serve import build_simulator
from gtm_core.simulator.backends import BackendOptions


@app.command()
def simulate(
    tool_name: str = typer.Argument(..., metavar="TOOL"),
    args: str = typer.Option("{}", "--args", help="arguments as a JSON object"),
    tools: Path | None = typer.Option(
        None, exists=True, dir_okay=False, help="JSONL of tool specs (default: DuckDB tools table)"
    ),
    backend: str = typer.Option("offline"),
    model: str | None = typer.Option(None),
    base_url: str | None = typer.Option(None),
    seed: int | None = typer.Option(None),
    hint: str | None = typer.Option(None, help="ground-truth hint (search-like tools)"),
    max_tokens: int = typer.Option(512),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Simulate one call of TOOL and print the result."""
    try:
        arguments = json.loads(args)
    except json.JSONDecodeError as e:
        raise typer.BadParameter(f"invalid JSON: {e}", param_hint="--args") from None
    sim = build_simulator(
        tools,
        [tool_name],
        backend,
        model,
        base_url,
        None,
        None,
        tool_name == "search",
        BackendOptions(max_tokens=max_tokens),
    )
    if tool_name not in sim.tools:
        raise typer.BadParameter(f"unknown tool {tool_name!r}", param_hint="TOOL")
    res = sim.simulate(tool_name, arguments, options={"seed": seed, "hint": hint})
    emit(res.to_dict(), as_json)
    if res.source == "error":
        raise typer.Exit(1)
