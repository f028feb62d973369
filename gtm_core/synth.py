"""Schema-aware value synthesis: realistic values from parameter names, types, formats, enums and
descriptions, and responses that agree with the inputs. Deterministic for a given ``random.Random``.

Used by the offline teacher (CARG generation without a model) and by fuzzing/error generators.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from gtm_core.schema_refs import MAX_REF_DEPTH, resolve
from gtm_core.spec import returned_fields
from gtm_core.text_answer import CAMEL_BOUNDARY, text_answer

_MAX_DEPTH = 6  # nesting levels drawn in full; below them only what the schema requires
PLAIN_TEXT: dict[str, Any] = {"type": "string"}  # a result that is text and nothing more
_WORDS = {
    "city": [
        "Paris",
        "Tokyo",
        "New York",
        "Berlin",
        "Sydney",
        "Toronto",
        "Madrid",
        "Seoul",
        "Cairo",
        "Lima",
    ],
    "country": [
        "France",
        "Japan",
        "United States",
        "Germany",
        "Australia",
        "Canada",
        "Spain",
        "Brazil",
    ],
    "country_code": ["FR", "JP", "US", "DE", "AU", "CA", "ES", "BR"],
    "currency": ["USD", "EUR", "JPY", "GBP", "CAD", "AUD", "CHF"],
    "language": ["en", "fr", "de", "es", "ja", "zh"],
    "first": ["Alice", "Bob", "Carla", "David", "Emma", "Farid", "Grace", "Hiro", "Ines", "Jonas"],
    "last": [
        "Smith",
        "Martin",
        "Garcia",
        "Tanaka",
        "Müller",
        "Rossi",
        "Kim",
        "Okafor",
        "Silva",
        "Novak",
    ],
    "company": [
        "Acme Corp",
        "Globex",
        "Initech",
        "Umbrella Health",
        "Stark Logistics",
        "Wayne Finance",
    ],
    "street": ["12 Rue de Rivoli", "221B Baker Street", "1600 Amphitheatre Pkwy", "5 Chome Ginza"],
    "status": ["active", "pending", "completed", "cancelled"],
    "color": ["red", "blue", "green", "black", "white"],
    "category": ["electronics", "books", "clothing", "groceries", "sports", "toys"],
    "topic": [
        "machine learning",
        "climate change",
        "renewable energy",
        "space exploration",
        "nutrition",
        "urban planning",
        "quantum computing",
        "ancient history",
    ],
    "genre": ["jazz", "rock", "classical", "hip hop", "electronic"],
    "unit": ["metric", "imperial"],
    "symbol": ["AAPL", "MSFT", "GOOGL", "TSLA", "AMZN", "NVDA"],
    "crypto": ["BTC", "ETH", "SOL", "ADA"],
    "tz": ["UTC", "Europe/Paris", "America/New_York", "Asia/Tokyo"],
    "domain": ["example.com", "acme.io", "globex.org"],
}

_NAME_RULES: list[tuple[re.Pattern, str]] = [
    (re.compile(p, re.I), kind)
    for p, kind in [
        (r"e-?mail", "email"),
        (r"(^|_)(url|link|uri|website|endpoint)($|_)", "url"),
        (r"phone|mobile|(^|_)tel($|_)", "phone"),
        (r"(^|_)(zip|postal)", "zip"),
        (r"country_?code|iso", "country_code"),
        (r"country", "country"),
        (r"city|town|destination|origin|location|place", "city"),
        (r"address|street", "street"),
        (r"currency", "currency"),
        (r"(^|_)(lang|language|locale)", "language"),
        (r"time(stamp)?$|datetime|_at$", "datetime"),
        (r"(^|_)(start|from|begin|check_?in|departure)(_date|_time|_day)?$", "start_date"),
        (r"(^|_)(end|to|until|check_?out|return)(_date|_time|_day)?$", "end_date"),
        (r"year", "year"),
        (r"month", "month"),
        (r"(^|_)(id|uuid|guid)$|_id$|Id$", "id"),
        (r"token|secret|password|(^|_)(api_?|access_?|private_?)?key$", "token"),
        (r"first_?name", "first"),
        (r"last_?name|surname", "last"),
        (r"(user_?name|login|handle)", "username"),
        (r"(^|_)(name|author|owner|patient|customer|recipient|sender|user)($|_)", "person"),
        (r"company|organi[sz]ation|employer|vendor|brand", "company"),
        (r"(^|_)(date|day|birthday|dob|deadline)($|_)|_date$|^date", "date"),
        (r"symbol|ticker", "symbol"),
        (r"crypto|coin", "crypto"),
        (r"status|state", "status"),
        (r"colou?r", "color"),
        (r"category|type|kind", "category"),
        (r"genre", "genre"),
        (r"unit", "unit"),
        (r"time_?zone|tz", "tz"),
        (r"lat(itude)?$", "lat"),
        (r"(lon|lng|longitude)$", "lon"),
        (r"(query|keyword|search|term|q$|topic|subject|prompt)", "topic"),
        (r"(limit|count|num|size|top_?k|max|per_?page|quantity|amount_of)", "count"),
        (r"(page|offset)", "page"),
        (r"(price|amount|cost|salary|balance|budget|total)", "money"),
        (r"(rate|ratio|percent|score|probability)", "ratio"),
        (r"(age)$", "age"),
        (r"(temperature|temp)", "temperature"),
        (r"(weight|height|length|distance|radius)", "measure"),
        (r"(title|headline)", "title"),
        (r"(description|message|text|content|body|comment|note|summary|review)", "text"),
        (r"(file|path|filename)", "file"),
        (r"(domain|host)", "domain"),
    ]
]


@lru_cache(maxsize=100_000)
def snake_case(name: str) -> str:
    """``orderId`` / ``order-id`` -> ``order_id``."""
    return CAMEL_BOUNDARY.sub(r"_\1", name).lower().replace("-", "_")


_ID = re.compile(r"(^|_)(id|uuid|guid|ids)$")


def is_id(name: str) -> bool:
    """Whether a parameter names an identifier (hotel_id, orderId, uuid)."""
    return bool(_ID.search(snake_case(name))) or classify(name) == "id"


def classify(name: str, description: str = "") -> str | None:
    """The semantic kind of a parameter, from its name (then its description)."""
    snake = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()
    for pat, kind in _NAME_RULES:
        if pat.search(snake):
            return kind
    d = description.lower()
    for pat, kind in _NAME_RULES:
        if kind in ("email", "url", "city", "date", "currency", "country") and pat.search(d):
            return kind
    return None


_LOW = re.compile(
    r"^(min|minimum|lower|low|from|start|begin|earliest)_?(.*)$"
    r"|^(.*?)_?(min|minimum|from|start|lower|low)$"
)
_HIGH = re.compile(
    r"^(max|maximum|upper|high|to|end|until|latest)_?(.*)$"
    r"|^(.*?)_?(max|maximum|to|end|until|upper|high)$"
)


def range_pairs(names: Sequence[str]) -> tuple[tuple[str, str], ...]:
    """(low, high) parameter pairs that must be ordered: min_x/max_x,
    x_from/x_to, start/end dates."""
    lows: dict[str, str] = {}
    highs: dict[str, str] = {}
    for n in names:
        s = snake_case(n)
        m = _LOW.match(s)
        if m:
            lows[(m.group(2) if m.group(1) else m.group(3)) or ""] = n
        m = _HIGH.match(s)
        if m:
            highs[(m.group(2) if m.group(1) else m.group(3)) or ""] = n
    pairs = [(lows[k], highs[k]) for k in lows if k in highs and lows[k] != highs[k]]
    starts = [n for n in names if classify(n) == "start_date"]
    ends = [n for n in names if classify(n) == "end_date"]
    if len(starts) == 1 and len(ends) == 1 and (starts[0], ends[0]) not in pairs:
        pairs.append((starts[0], ends[0]))
    return tuple(pairs)


_FORMAT_KINDS = {
    "date": "date",
    "date-time": "datetime",
    "email": "email",
    "uri": "url",
    "url": "url",
}


class ValueSynth:
    """Draws values for JSON Schemas. ``anchor`` fixes today's date so outputs are reproducible."""

    def __init__(self, rng: random.Random | int = 0, anchor: date = date(2025, 6, 2)):
        self.rng = rng if isinstance(rng, random.Random) else random.Random(rng)
        self.anchor = anchor
        self._root: Any = None  # the schema local ``$ref``s resolve against

    def _with_root(self, root: Any, fn, *args):
        prev, self._root = self._root, root
        try:
            return fn(*args)
        finally:
            self._root = prev

    def _deref(self, schema: dict, depth: int) -> Any:
        """``schema`` with its ``$ref`` replaced by the target (siblings kept); None past the
        explicit reference depth or when the reference does not resolve."""
        if depth > _MAX_DEPTH + MAX_REF_DEPTH:
            return None
        target = resolve(self._root if self._root is not None else schema, schema["$ref"])
        if target is True:
            target = {}
        if not isinstance(target, dict):
            return None
        return {**target, **{k: v for k, v in schema.items() if k != "$ref"}}

    # ---- scalars by kind ----------------------------------------------------------------------
    def _date(self, offset_days: int = 0) -> date:
        return self.anchor + timedelta(days=offset_days)

    def string_for(self, kind: str | None, name: str, schema: dict) -> str:
        r = self.rng
        fmt = schema.get("format")
        if fmt in _FORMAT_KINDS:  # an explicit format wins over the name's kind
            kind = (
                _FORMAT_KINDS[fmt]
                if fmt in ("email", "uri", "url") or kind not in ("start_date", "end_date")
                else kind
            )
        if kind == "start_date":
            d = self._date(r.randint(1, 20))
            return (
                d.isoformat()
                if fmt != "date-time"
                else f"{d.isoformat()}T{r.randint(8, 12):02d}:00:00Z"
            )
        if kind == "end_date":
            d = self._date(r.randint(25, 45))
            return (
                d.isoformat()
                if fmt != "date-time"
                else f"{d.isoformat()}T{r.randint(13, 18):02d}:00:00Z"
            )
        if kind == "date":
            return self._date(r.randint(1, 60)).isoformat()
        if kind == "datetime":
            return (
                datetime.combine(self._date(r.randint(1, 60)), datetime.min.time())
                .replace(hour=r.randint(8, 18))
                .isoformat()
                + "Z"
            )
        if kind == "email":
            return (
                f"{r.choice(_WORDS['first']).lower()}.{r.choice(_WORDS['last']).lower()}"
                f"@{r.choice(_WORDS['domain'])}"
            ).replace("ü", "u")
        if kind == "url":
            return (
                f"https://www.{r.choice(_WORDS['domain'])}"
                f"/{r.choice(['docs', 'items', 'api', 'news'])}/{r.randint(100, 999)}"
            )
        if fmt == "uuid":
            return (
                f"{r.getrandbits(32):08x}-{r.getrandbits(16):04x}-4{r.getrandbits(12):03x}"
                f"-a{r.getrandbits(12):03x}-{r.getrandbits(48):012x}"
            )
        if kind == "phone":
            return f"+1-555-{r.randint(100, 999)}-{r.randint(1000, 9999)}"
        if kind == "zip":
            return f"{r.randint(10000, 99999)}"
        if kind == "person":
            return f"{r.choice(_WORDS['first'])} {r.choice(_WORDS['last'])}"
        if kind == "username":
            return f"{r.choice(_WORDS['first']).lower()}{r.randint(1, 99)}"
        if kind == "id":
            prefix = re.sub(r"[^a-z]", "", name.lower().replace("id", ""))[:4] or "id"
            return f"{prefix}_{r.randint(10000, 99999)}"
        if kind == "token":
            return "".join(r.choice("abcdef0123456789") for _ in range(24))
        if kind in ("year",):
            return str(self.anchor.year)
        if kind == "month":
            return f"{self.anchor.year}-{self.anchor.month:02d}"
        if kind in _WORDS:
            return r.choice(_WORDS[kind])
        if kind == "title":
            return (
                f"{r.choice(_WORDS['topic']).title()}"
                f": {r.choice(['An Overview', 'Key Findings', 'Weekly Update'])}"
            )
        if kind == "text":
            return (
                f"Notes on {r.choice(_WORDS['topic'])} for "
                f"the {r.choice(['team', 'project', 'client'])} meeting."
            )
        if kind == "file":
            return (
                f"{r.choice(['report', 'data', 'notes'])}_{r.randint(1, 99)}"
                f".{r.choice(['txt', 'csv', 'json'])}"
            )
        if kind == "topic":
            return r.choice(_WORDS["topic"])
        words = re.sub(r"[_\-]", " ", re.sub(r"(?<=[a-z])([A-Z])", r" \1", name)).lower().split()
        return f"sample {' '.join(words) or 'value'} {r.randint(1, 99)}"

    def number_for(self, kind: str | None, schema: dict, integer: bool) -> int | float:
        r = self.rng
        lo = schema.get("minimum", schema.get("exclusiveMinimum"))
        hi = schema.get("maximum", schema.get("exclusiveMaximum"))
        ranges = {
            "count": (1, 20),
            "page": (1, 5),
            "money": (5, 5000),
            "ratio": (0, 1),
            "age": (18, 80),
            "temperature": (-5, 35),
            "measure": (1, 500),
            "lat": (-60, 60),
            "lon": (-150, 150),
            "year": (2015, 2025),
        }
        a, b = ranges.get(kind or "", (1, 100))
        lo = a if not isinstance(lo, int | float) or isinstance(lo, bool) else lo
        hi = b if not isinstance(hi, int | float) or isinstance(hi, bool) else hi
        if hi < lo:
            hi = lo + 10
        if "exclusiveMinimum" in schema and isinstance(schema["exclusiveMinimum"], int | float):
            lo = lo + (1 if integer else 0.01)
        if "exclusiveMaximum" in schema and isinstance(schema["exclusiveMaximum"], int | float):
            hi = hi - (1 if integer else 0.01)
        if integer:
            lo_i, hi_i = int(-(-lo // 1)), int(hi // 1)
            return r.randint(lo_i, max(lo_i, hi_i))
        if kind == "ratio" and lo <= 1:
            return round(r.uniform(max(lo, 0), min(hi, 1) if hi >= 0 else hi), 3)
        return round(r.uniform(lo, hi), 2)

    # ---- schemas ------------------------------------------------------------------------------
    def value(
        self, schema: Any, name: str = "value", depth: int = 0, context: dict | None = None
    ) -> Any:
        """A value valid for ``schema``; ``context`` supplies known values by name (consistency)."""
        r = self.rng
        if self._root is None and depth == 0:
            return self._with_root(schema, self.value, schema, name, depth, context)
        if isinstance(schema, dict) and "$ref" in schema:
            schema = self._deref(schema, depth)
        if not isinstance(schema, dict) or depth > _MAX_DEPTH + MAX_REF_DEPTH:
            return self.string_for(classify(name), name, {})
        if context and name in context and fits_schema(context[name], schema):
            return context[name]
        if "const" in schema:
            return schema["const"]
        if isinstance(schema.get("enum"), list) and schema["enum"]:
            return r.choice(schema["enum"])
        if "default" in schema and r.random() < 0.3 and fits_schema(schema["default"], schema):
            return schema["default"]
        for key in ("anyOf", "oneOf"):
            if isinstance(schema.get(key), list) and schema[key]:
                options = [
                    s for s in schema[key] if not (isinstance(s, dict) and s.get("type") == "null")
                ] or schema[key]
                if depth >= _MAX_DEPTH:  # deep down: prefer a branch that does not recurse
                    options = [
                        s for s in schema[key] if not (isinstance(s, dict) and "$ref" in s)
                    ] or options
                return self.value(options[0], name, depth + 1, context)
        if isinstance(schema.get("allOf"), list) and schema["allOf"]:
            merged: dict = {}
            for s in schema["allOf"]:
                if isinstance(s, dict):
                    merged.update(s)
            return self.value(merged, name, depth + 1, context)
        t = schema.get("type")
        if isinstance(t, list):
            t = next((x for x in t if x != "null"), "null")
        if t is None:
            t = "object" if "properties" in schema else ("array" if "items" in schema else "string")
        kind = classify(
            name,
            schema.get("description", "") if isinstance(schema.get("description"), str) else "",
        )
        if t == "string":
            s = self.string_for(kind, name, schema)
            mn, mx = schema.get("minLength"), schema.get("maxLength")
            if isinstance(mx, int) and len(s) > mx:
                s = s[:mx]
            if isinstance(mn, int) and len(s) < mn:
                s = s + "x" * (mn - len(s))
            return s
        if t == "integer":
            return int(self.number_for(kind, schema, True))
        if t == "number":
            return self.number_for(kind, schema, False)
        if t == "boolean":
            return r.random() < 0.5
        if t == "null":
            return None
        if t == "array":
            items = schema.get("items", {})
            lo = schema.get("minItems", 1 if depth < _MAX_DEPTH else 0)
            hi = schema.get("maxItems", 3) if depth < _MAX_DEPTH else lo
            n = (
                r.randint(min(lo, hi), max(lo, hi))
                if isinstance(lo, int) and isinstance(hi, int)
                else 2
            )
            singular = name[:-1] if name.endswith("s") else name
            return [self.value(items, singular, depth + 1, None) for _ in range(n)]
        if t == "object":
            return self.object(schema, depth + 1, context)
        return self.string_for(kind, name, schema)

    def object(
        self, schema: dict, depth: int = 0, context: dict | None = None, fill_optional: float = 0.6
    ) -> dict:
        if self._root is None:
            return self._with_root(schema, self.object, schema, depth, context, fill_optional)
        props = schema.get("properties") or {}
        required = set(schema.get("required") or [])
        out: dict[str, Any] = {}
        for pname, pschema in props.items():
            if pname in required or (depth < _MAX_DEPTH and self.rng.random() < fill_optional):
                out[pname] = self.value(pschema, pname, depth, context)
        if not props and schema.get("additionalProperties") not in (False, None) and depth < 2:
            out["value"] = self.string_for(None, "value", {})
        return out

    def arguments(
        self, parameters: dict, fill_optional: float = 0.5, context: dict | None = None
    ) -> dict:
        """Arguments for a tool's parameter schema; date ranges are ordered (start before end)."""
        args = self._with_root(parameters, self.object, parameters, 0, context, fill_optional)
        return order_date_ranges(args)

    def response(
        self,
        response_schema: dict | None,
        arguments: dict,
        history_values: dict | None = None,
        tool: str = "",
    ) -> Any:
        """A response that agrees with the inputs: echoes argument values into same-named fields,
        reuses ids/values from the history, and respects requested counts (limit/top_k). Without a
        response schema, or one that asks for nothing but a string (the shape of a tool's earlier
        text answers), the plain text of ``text_answer`` for the tool named ``tool``."""
        ctx = dict(history_values or {})
        ctx.update(arguments)
        if not isinstance(response_schema, dict) or response_schema == PLAIN_TEXT:
            return text_answer(tool, arguments)
        response_schema = returned_fields(response_schema)  # the fields a tool declares, it returns
        out = self._with_root(response_schema, self.value, response_schema, "result", 0, ctx)
        if isinstance(out, dict):
            _apply_counts(out, response_schema, arguments)
        return out


def _apply_counts(out: dict, schema: dict, arguments: dict) -> None:
    n = next(
        (
            v
            for k, v in arguments.items()
            if isinstance(v, int)
            and not isinstance(v, bool)
            and re.search(r"limit|count|num|top_?k|max_results|per_page|size", k, re.I)
        ),
        None,
    )
    if n is None:
        return
    for k, v in out.items():
        if isinstance(v, list) and v:
            ps = (schema.get("properties") or {}).get(k, {})
            mx = ps.get("maxItems") if isinstance(ps, dict) else None
            target = max(0, min(n, 5, mx if isinstance(mx, int) else 5))
            mn = ps.get("minItems", 0) if isinstance(ps, dict) else 0
            target = max(target, mn if isinstance(mn, int) else 0)
            out[k] = (v * (target // len(v) + 1))[:target]
        if (
            k in ("count", "total", "num_results")
            and isinstance(v, int)
            and not isinstance(v, bool)
        ):
            out[k] = min(n, 5)


def order_date_ranges(args: dict) -> dict:
    """Make start/end-like date pairs ordered (start <= end) in place; returns ``args``."""
    starts = [k for k in args if classify(k) == "start_date" and isinstance(args[k], str)]
    ends = [k for k in args if classify(k) == "end_date" and isinstance(args[k], str)]
    for s, e in zip(starts, ends, strict=False):
        if args[s] > args[e]:
            args[s], args[e] = args[e], args[s]
    return args


def fits_schema(value: Any, schema: dict) -> bool:
    """Whether ``value`` fits ``schema``'s type, enum, items, bounds and format (a
    quick check, not jsonschema)."""
    t = schema.get("type")
    if t is None:
        return True
    checks = {
        "string": lambda v: isinstance(v, str),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
        "array": lambda v: isinstance(v, list),
        "object": lambda v: isinstance(v, dict),
        "null": lambda v: v is None,
    }
    ts = t if isinstance(t, list) else [t]
    ok = any(checks.get(x, lambda v: True)(value) for x in ts)
    if ok and isinstance(schema.get("enum"), list):
        ok = value in schema["enum"]
    if ok and isinstance(value, list) and isinstance(schema.get("items"), dict):
        ok = all(fits_schema(v, schema["items"]) for v in value)
    if ok and isinstance(value, int | float) and not isinstance(value, bool):
        lo, hi = schema.get("minimum"), schema.get("maximum")
        ok = not (isinstance(lo, int | float) and value < lo) and not (
            isinstance(hi, int | float) and value > hi
        )
    if ok and isinstance(value, str) and schema.get("format") in _FORMAT_KINDS:
        ok = _FORMAT_RES[_FORMAT_KINDS[schema["format"]]].match(value) is not None
    return ok


_FORMAT_RES = {
    "date": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
    "datetime": re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}"),
    "email": re.compile(r"^[^@\s]+@[^@\s]+$"),
    "url": re.compile(r"^[a-z][a-z0-9+.-]*:"),
}
