"""Task handlers of the offline teacher, one module per pipeline stage.

A handler receives the structured payload a prompt template was rendered from and a seeded RNG,
and returns a JSON-serialisable answer in the same shape a real LLM is asked to produce.
"""

from __future__ import annotations

import importlib
import pkgutil
import random
from collections.abc import Callable
from typing import Any

Handler = Callable[[dict[str, Any], random.Random], Any]
TASKS: dict[str, Handler] = {}


def task(name: str) -> Callable[[Handler], Handler]:
    """Register ``fn`` as the offline answer to prompt template ``name``."""

    def deco(fn: Handler) -> Handler:
        TASKS[name] = fn
        return fn

    return deco


def load_all() -> dict[str, Handler]:
    for m in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{m.name}")
    return TASKS
