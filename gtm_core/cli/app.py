"""The shared typer application object and small helpers for command modules."""

from __future__ import annotations

import json
from typing import Any

import typer
from rich.console import Console

app = typer.Typer(no_args_is_help=True, add_completion=False, help="gtm: Generalist Tool Model pipeline.")
console = Console(stderr=True)


def emit(obj: Any, as_json: bool) -> None:
    """Print ``obj`` as one JSON object (for scripts) or pretty (for people)."""
    if as_json:
        typer.echo(json.dumps(obj, ensure_ascii=False, default=str))
    else:
        console.print_json(data=obj, default=str)
