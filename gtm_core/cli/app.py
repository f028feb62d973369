"""The shared typer application object and small helpers for command modules."""

from __future__ import annotations

import json
from typing import Any

import typer
from rich.console import Console

app = typer.Typer(
    no_args_is_help=True, add_completion=False, help="gtm: Generalist Tool Model pipeline."
)
console = Console(stderr=True)


def table(*columns: str, title: str | None = None, whole: tuple[str, ...] = ()):
    """A rich table for a terminal of any width: no vertical rules, one space of padding, and cells
    that wrap onto more lines instead of being cut (a name or an alias is never shown as
    ``candida…``);
    the ``whole`` columns never wrap (the others make room for them)."""
    from rich import box
    from rich.table import Column, Table

    cols = (Column(c, no_wrap=c in whole, overflow="fold") for c in columns)
    return Table(*cols, title=title, box=box.SIMPLE_HEAD, padding=(0, 1))


def emit(obj: Any, as_json: bool) -> None:
    """Print ``obj`` as one JSON object (for scripts) or pretty (for people)."""
    if as_json:
        typer.echo(json.dumps(obj, ensure_ascii=False, default=str))
    else:
        console.print_json(data=obj, default=str)
