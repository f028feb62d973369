"""``gtm rl verl-config``: verl's tool config YAML for simulated tools (and the settings that go
with it)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from gtm_core.cli.app import app, console

rl = typer.Typer(no_args_is_help=True, help="RL trainers: configuration for simulated tools.")
app.add_typer(rl, name="rl")


@rl.command("verl-config")
def verl_config(
    url: str = typer.Option(
        ..., help="base URL of the running 'gtm serve' (e.g. http://127.0.0.1:8080)"
    ),
    tools: Path | None = typer.Option(
        None, exists=True, dir_okay=False, help="JSONL of tool specs (default: DuckDB tools table)"
    ),
    tool: list[str] | None = typer.Option(None, help="only these tools (repeatable)"),
    search_preset: bool = typer.Option(
        False, "--search-preset", help="add the 'search' preset tool"
    ),
    out: Path | None = typer.Option(None, help="write the YAML here (default: stdout)"),
    agent_loop_out: Path | None = typer.Option(
        None,
        help="also write verl's agent-loop config (gtm_tool_agent: "
        "ends each trajectory's simulator session)",
    ),
    max_response_chars: int = typer.Option(
        1024,
        min=1,
        help="tool response length; verl's multi_turn.max_tool_response_length must be the same",
    ),
    response_format: str | None = typer.Option(
        None,
        "--format",
        help="json | search_r1 (default: search_r1 for the search preset, json otherwise)",
    ),
    simulated_steps: int | None = typer.Option(
        None, min=0, help="hybrid: simulated for the first N steps"
    ),
    seed: int = typer.Option(0),
    token_env: str | None = typer.Option(
        None, help="read the bearer token from this environment variable"
    ),
    inline_nested: bool = typer.Option(
        True,
        help="copy nested parameter structure (which verl's schema "
        "model drops) into the parameter's description",
    ),
    as_json: bool = typer.Option(
        False, "--json", help="print the report as JSON on stdout (needs --out)"
    ),
) -> None:
    """Write verl's tool config (``tools: [{class_name, config, tool_schema}]``) for simulated
    tools."""
    import yaml

    from gtm_core.serve.verl_config import agent_loop_config, verl_overrides, verl_tool_config
    from gtm_core.simulator.engine import load_tools

    if as_json and out is None:
        raise typer.BadParameter(
            "--json prints the report on stdout: give --out for the YAML", param_hint="--json"
        )
    names = [n for n in (tool or []) if not (search_preset and n == "search")] or None
    try:
        specs, rejects = (
            load_tools(tools, names=names)
            if (tools is not None or names or not search_preset)
            else ([], [])
        )
    except FileNotFoundError as e:
        raise typer.BadParameter(str(e), param_hint="--tools") from None
    for r in rejects[:10]:
        console.print(f"[yellow]skipped[/] {r.name}: {r.field}: {r.reason}")
    if search_preset and not any(s.name == "search" for s in specs):
        from gtm_core.serve.rl import search_spec

        specs.append(search_spec())
    try:
        cfg, reports = verl_tool_config(
            specs,
            url,
            max_response_chars=max_response_chars,
            token_env=token_env,
            fmt=response_format,
            simulated_steps=simulated_steps,
            seed=seed,
            inline_nested=inline_nested,
        )
    except ValueError as e:
        field, _, reason = str(e).partition(": ")
        hint = {"url": "--url", "format": "--format", "tools": "--tools"}.get(
            field, f"--{field.replace('_', '-')}"
        )
        raise typer.BadParameter(reason or str(e), param_hint=hint) from None
    text = yaml.safe_dump(cfg, sort_keys=False, allow_unicode=True)
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text)
    if agent_loop_out is not None:
        agent_loop_out.parent.mkdir(parents=True, exist_ok=True)
        agent_loop_out.write_text(yaml.safe_dump(agent_loop_config(), sort_keys=False))
    lossy = [r for r in reports if r.nested_lost]
    # absolute paths: verl resolves relative ones against each Ray worker's working directory
    overrides = verl_overrides(
        str(out.resolve()) if out else "TOOL_CONFIG.yaml",
        max_response_chars,
        str(agent_loop_out.resolve()) if agent_loop_out else None,
    )
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "out": str(out),
                    "tools": len(reports),
                    "verl_overrides": overrides,
                    "nested_lost": {r.tool: r.nested_lost for r in lossy},
                    "typed": {r.tool: r.typed for r in reports if r.typed},
                }
            )
        )
        return
    console.print(
        f"{'wrote ' + str(out) if out else 'tool config'}: {len(reports)} tools "
        f"(simulator {url}, responses up to {max_response_chars} chars)",
        soft_wrap=True,
    )
    if lossy:
        console.print(
            f"[yellow]{len(lossy)} tools lose nested structure[/] under verl's schema model "
            f"(kept on the simulator side, where the gate checks the real schema"
            f"{'; copied into the parameter descriptions' if inline_nested else ''}):"
        )
        for r in lossy:
            console.print(
                f"  {r.tool}: "
                + ", ".join(f"{p} ({'/'.join(k)})" for p, k in r.nested_lost.items())
            )
    else:
        console.print("no tool loses nested structure under verl's schema model")
    for r in reports:
        if r.typed:
            console.print(
                f"  {r.tool}: type filled for "
                + ", ".join(f"{p} -> {t}" for p, t in r.typed.items())
            )
    console.print("verl settings:\n  " + "\n  ".join(overrides), soft_wrap=True, highlight=False)
