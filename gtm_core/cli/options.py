"""Command options generated from one pydantic model, so a setting is typed once, in ``gtm_core``
(its type, default, bounds and description).

``model_options(Model, param=...)`` decorates a typer command: its parameter ``param`` becomes one
option per field of ``Model`` (fields of a nested model are flattened into the same command), help
from the field's description, default and ``min``/``max`` from the field; the command receives a
validated ``Model`` (or, with ``overrides=True``, a dict of the options given: every option then
defaults to None, "keep the preset's value"). ``Opt`` spells a field differently on the command line
(``--lr``, ``--lenient-types/--strict-types``, an envvar, ``0`` for None) where the CLI always did.
The same fields typed for an asset's Dagster ``Config``: ``gtm_core.training.config_fields``.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import typer
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from gtm_core.training.config_fields import bounds, select, sequence_item, split_optional

_UNSET: Any = object()


@dataclass(frozen=True)
class Opt:
    """How one field appears on the command line where the generated spelling does not fit."""

    decls: tuple[str, ...] = ()  # option names (default: --field-name, --x/--no-x for a bool)
    default: Any = _UNSET  # the command's own default (default: the field's)
    help: str | None = None  # the command's own wording (default: the field's description)
    annotation: Any = None  # the option's type (default: from the field's)
    to_field: Callable[[Any], Any] | None = None  # the option's value -> the field's
    typer: dict[str, Any] = field(default_factory=dict)  # more typer.Option arguments


def opt(
    *decls: str,
    default: Any = _UNSET,
    help: str | None = None,
    annotation: Any = None,
    to_field: Callable[[Any], Any] | None = None,
    **typer_kw: Any,
) -> Opt:
    """An ``Opt``: ``opt("--lr")``, ``opt(envvar="GTM_SERVE_TOKEN")``, ``opt(exists=True)``."""
    return Opt(tuple(decls), default, help, annotation, to_field, dict(typer_kw))


@dataclass(frozen=True)
class _Leaf:
    """One generated option: its parameter name, its ``Opt`` and its first option name."""

    name: str
    opt: Opt
    decl: str  # for error messages


def _option(name: str, info: FieldInfo, o: Opt, overrides: bool) -> tuple[inspect.Parameter, str]:
    """The typer parameter of one field, and its first option name."""
    ann, nullable = split_optional(info.annotation)
    item = sequence_item(ann)
    if o.annotation is not None:
        ann = o.annotation
    elif item is not None:
        ann, nullable = list[item], True
    flag = "--" + name.replace("_", "-")
    decls = o.decls or ((f"{flag}/--no-{flag[2:]}",) if ann is bool else (flag,))
    if o.default is not _UNSET:
        default = o.default
    elif overrides or item is not None:
        default = None  # None: not given (the preset's or the model's default stays)
    else:
        default = ... if info.is_required() else info.get_default(call_default_factory=True)
    if default is None:
        nullable = True
    kw = {**bounds(info), **o.typer}
    if ann not in (int, float):
        kw = {k: v for k, v in kw.items() if k not in ("min", "max")}
    help_ = o.help if o.help is not None else info.description
    param = inspect.Parameter(
        name,
        inspect.Parameter.KEYWORD_ONLY,
        default=typer.Option(default, *decls, help=help_, **kw),
        annotation=ann | None if nullable else ann,
    )
    return param, decls[0].split("/")[0]


def _nest(values: Mapping[tuple[str, ...], Any]) -> dict[str, Any]:
    """``{("a", "b"): 1}`` -> ``{"a": {"b": 1}}`` (a nested model's fields under its name)."""
    out: dict[str, Any] = {}
    for path, v in values.items():
        d = out
        for p in path[:-1]:
            d = d.setdefault(p, {})
        d[path[-1]] = v
    return out


def _bad_parameter(
    e: ValidationError, leaves: Mapping[tuple[str, ...], _Leaf]
) -> typer.BadParameter:
    """A usage error for the first validation error, naming its option."""
    err = e.errors()[0]
    loc = tuple(str(x) for x in err["loc"])
    leaf = next((lf for p, lf in leaves.items() if loc[: len(p)] == p), None)
    return typer.BadParameter(err["msg"], param_hint=leaf.decl if leaf else None)


def model_options(
    model: type[BaseModel],
    *,
    param: str,
    overrides: bool = False,
    only: Iterable[str] | None = None,
    exclude: Iterable[str] = (),
    cli: Mapping[str, Opt] | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator of a typer command: its parameter ``param`` is replaced by one option per field of
    ``model`` (``only``/``exclude`` select them, ``cli`` respells some) at the same place. The
    command gets ``model`` validated from the options (a bad value: a usage error naming the option)
    or, with ``overrides``, the dict of the options that were given (None: not given)."""
    cli = dict(cli or {})
    chosen = select(model, only, exclude)
    unknown = sorted(set(cli) - set(chosen))
    if unknown:
        raise ValueError(f"model_options({model.__name__}): cli names unknown fields {unknown}")

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        sig = inspect.signature(fn, eval_str=True)
        if param not in sig.parameters:
            raise TypeError(f"{fn.__name__} has no parameter {param!r}")
        generated: list[inspect.Parameter] = []
        leaves: dict[tuple[str, ...], _Leaf] = {}
        for name, (path, info) in chosen.items():
            if name in sig.parameters:
                raise TypeError(f"{fn.__name__}: parameter {name!r} is also a field of {model}")
            o = cli.get(name, Opt())
            p, decl = _option(name, info, o, overrides)
            generated.append(p)
            leaves[path] = _Leaf(name, o, decl)
        params: list[inspect.Parameter] = []
        for p in sig.parameters.values():
            if p.name == param:
                params.extend(generated)
            else:
                params.append(p.replace(kind=inspect.Parameter.KEYWORD_ONLY))

        @functools.wraps(fn)
        def command(**kw: Any) -> Any:
            given: dict[tuple[str, ...], Any] = {}
            for path, leaf in leaves.items():
                v = kw.pop(leaf.name)
                if v is None:
                    continue  # not given: the model's (or the preset's) default
                given[path] = leaf.opt.to_field(v) if leaf.opt.to_field else v
            if overrides:
                kw[param] = {path[-1]: v for path, v in given.items()}
            else:
                try:
                    kw[param] = model.model_validate(_nest(given))
                except ValidationError as e:
                    raise _bad_parameter(e, leaves) from None
            return fn(**kw)

        command.__signature__ = sig.replace(parameters=params)  # type: ignore[attr-defined]
        command.__annotations__ = {p.name: p.annotation for p in params}
        if sig.return_annotation is not inspect.Signature.empty:
            command.__annotations__["return"] = sig.return_annotation
        return command

    return decorate


__all__ = ["Opt", "model_options", "opt"]
