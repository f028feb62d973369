"""A pydantic model's fields, read once for the places that repeat them: the options of a command
(``gtm_core.cli.options``) and an asset's Dagster ``Config``.

``config_fields(Model)`` gives the fields as ``pydantic.create_model`` arguments in types Dagster's
config system accepts (``Literal``/``Path`` as ``str``, tuples and sets as lists; ``overrides``:
every field ``T | None = None``, unset keeps the preset's value), so an asset's Config is
``create_model(name, __base__=dg.Config, **config_fields(Model))``. Pure pydantic: no typer, no
Dagster (a Dagster code location imports it without the CLI).
"""

from __future__ import annotations

import functools
import operator
import types
import typing
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

import annotated_types
from pydantic import BaseModel, Field
from pydantic.fields import FieldInfo

SEQUENCES = (tuple, list, set, frozenset)


def _is_model(t: Any) -> bool:
    return isinstance(t, type) and issubclass(t, BaseModel)


def leaf_fields(model: type[BaseModel]) -> dict[str, tuple[tuple[str, ...], FieldInfo]]:
    """Every field of ``model`` by name, fields of nested models flattened: name -> (path, info).
    Raises ValueError when two leaves share a name (they would be one option)."""
    out: dict[str, tuple[tuple[str, ...], FieldInfo]] = {}
    for name, info in model.model_fields.items():
        if _is_model(info.annotation):
            leaves = {k: ((name, *p), i) for k, (p, i) in leaf_fields(info.annotation).items()}
        else:
            leaves = {name: ((name,), info)}
        for k, v in leaves.items():
            if k in out:
                raise ValueError(f"{model.__name__}: two fields named {k!r}")
            out[k] = v
    return out


def select(
    model: type[BaseModel], only: Iterable[str] | None = None, exclude: Iterable[str] = ()
) -> dict[str, tuple[tuple[str, ...], FieldInfo]]:
    """``leaf_fields`` restricted to ``only`` (in that order; an unknown name raises ValueError)
    less ``exclude``."""
    leaves = leaf_fields(model)
    if only is not None:
        only = list(only)
        missing = [n for n in only if n not in leaves]
        if missing:
            raise ValueError(f"{model.__name__} has no field(s) {missing}")
        leaves = {n: leaves[n] for n in only}
    drop = set(exclude)
    return {n: v for n, v in leaves.items() if n not in drop}


def split_optional(ann: Any) -> tuple[Any, bool]:
    """``T | None`` -> (T, True); ``T`` -> (T, False)."""
    if typing.get_origin(ann) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(ann) if a is not type(None)]
        if len(args) < len(typing.get_args(ann)):
            return functools.reduce(operator.or_, args), True
    return ann, False


def sequence_item(ann: Any) -> Any | None:
    """The item type of a tuple/list/set annotation, None for anything else."""
    if typing.get_origin(ann) in SEQUENCES:
        return (typing.get_args(ann) or (str,))[0]
    return None


def bounds(info: FieldInfo) -> dict[str, Any]:
    """A field's ``ge``/``le`` constraints as ``{"min": .., "max": ..}``."""
    out: dict[str, Any] = {}
    for m in info.metadata:
        if isinstance(m, annotated_types.Ge):
            out["min"] = m.ge
        elif isinstance(m, annotated_types.Le):
            out["max"] = m.le
    return out


def _plain(ann: Any) -> Any:
    """A scalar annotation as Dagster's config accepts it: Literal of strings and Path -> str."""
    if typing.get_origin(ann) is Literal:
        return type(typing.get_args(ann)[0])
    return str if ann is Path else ann


def config_fields(
    model: type[BaseModel],
    *,
    overrides: bool = False,
    only: Iterable[str] | None = None,
    exclude: Iterable[str] = (),
) -> dict[str, tuple[Any, FieldInfo]]:
    """``model``'s fields as ``pydantic.create_model`` arguments in types Dagster's config accepts,
    description and default kept (``overrides``: ``T | None = None``, unset keeps the preset's)."""
    out: dict[str, tuple[Any, FieldInfo]] = {}
    for name, (_, info) in select(model, only, exclude).items():
        ann, nullable = split_optional(info.annotation)
        item = sequence_item(ann)
        ann = list[_plain(item)] if item is not None else _plain(ann)
        default = info.get_default(call_default_factory=True)
        if item is not None and default is not None:
            default = list(default)
        if overrides:
            ann, default = ann | None, None
        elif nullable:
            ann = ann | None
        out[name] = (ann, Field(default, description=info.description))
    return out


__all__ = ["bounds", "config_fields", "leaf_fields", "select", "sequence_item", "split_optional"]
