"""The ``gtm`` command line. Each module in this package adds its commands to ``app``."""

from __future__ import annotations

import importlib
import pkgutil

from gtm_core.cli.app import app

for _m in pkgutil.iter_modules(__path__):
    if _m.name != "app":
        importlib.import_module(f"{__name__}.{_m.name}")

__all__ = ["app"]
