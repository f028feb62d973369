"""Comparing scalar values the way CARG's checks and the evaluation's checks both do (a low module:
``carg.validate`` and ``evaluation.checks`` import it, neither imports the other for it)."""

from __future__ import annotations

from typing import Any


def is_scalar(v: Any) -> bool:
    """A string or a number (booleans are not: ``True`` is no id or amount)."""
    return isinstance(v, str | int | float) and not isinstance(v, bool)


def same_value(a: Any, b: Any) -> bool:
    """Loose equality of two values: strings case- and space-insensitively, numbers to
    1e-9, anything else by its text."""
    if isinstance(a, str) and isinstance(b, str):
        return a.strip().lower() == b.strip().lower()
    if isinstance(a, int | float) and isinstance(b, int | float):
        return abs(float(a) - float(b)) < 1e-9
    return str(a) == str(b)
