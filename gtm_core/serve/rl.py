"""RL front: HTTP clients (sync/async, batched), a verl-style tool adapter, the search preset
(Search-R1-style rollouts) and a hybrid routing policy (simulated first, then the real tool).

verl's tool interface (``verl.tools.base_tool.BaseTool``):
``create(instance_id, create_kwargs=...) ->
(instance_id, ToolResponse)``, ``execute(instance_id, parameters, agent_data=...) -> (ToolResponse,
reward, metrics)``, ``calc_reward``, ``release``. ``GTMSimTool`` implements it over the simulator
server; a trajectory (``agent_data.request_id``) is a simulator session, and a ``ground_truth``
create-kwarg becomes the hint (paper §5.2). It subclasses verl's BaseTool when verl is installed and
works standalone otherwise. The tool config is written by ``gtm rl verl-config``
(``gtm_core.serve.verl_config``); ``gtm_core.serve.verl_loop`` ends sessions with their trajectory.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from gtm_core.serve.verl_config import (
    VERL_DEFAULT_RESPONSE_CHARS,
    tokens_for_chars,
    verl_tool_schema,
)
from gtm_core.spec import ToolSpec

# ---- clients ------------------------------------------------------------------------------------


class SimulatorError(RuntimeError):
    """The server refused a request (4xx/5xx); ``status`` and ``detail`` say why."""

    def __init__(self, status: int, detail: Any):
        self.status, self.detail = status, detail
        super().__init__(f"HTTP {status}: {detail}")


def _call(
    tool: str,
    arguments: dict,
    session_id: str | None,
    options: dict | None,
    history: list | None = None,
) -> dict:
    body: dict[str, Any] = {"tool": tool, "arguments": arguments}
    if session_id:
        body["session_id"] = session_id
    if options:
        body["options"] = options
    if history:
        body["history"] = history
    return body


def _check(resp: httpx.Response) -> Any:
    if resp.status_code >= 400:
        try:
            detail = resp.json().get("detail")
        except ValueError:
            detail = resp.text[:300]
        raise SimulatorError(resp.status_code, detail)
    return resp.json()


class SimulatorClient:
    """Blocking client of the simulator's HTTP API; retries 503 (overload) honouring Retry-After."""

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        timeout_s: float = 120.0,
        max_retries: int = 5,
    ):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._c = httpx.Client(base_url=base_url.rstrip("/"), headers=headers, timeout=timeout_s)
        self.max_retries = max_retries

    def _post(self, path: str, body: dict) -> Any:
        import time

        for attempt in range(self.max_retries + 1):
            r = self._c.post(path, json=body)
            if r.status_code == 503 and attempt < self.max_retries:
                time.sleep(float(r.headers.get("retry-after", "1")))
                continue
            return _check(r)

    def simulate(
        self,
        tool: str,
        arguments: dict,
        *,
        session_id: str | None = None,
        options: dict | None = None,
        history: list | None = None,
    ) -> dict:
        """One call; returns the result object (``output``, ``source``, ``is_error``...)."""
        return self._post("/v1/simulate", _call(tool, arguments, session_id, options, history))

    def simulate_batch(self, calls: Sequence[dict]) -> list[dict]:
        """Many calls in one request; each call is ``{tool, arguments, session_id?, options?}``."""
        return self._post("/v1/simulate/batch", {"calls": list(calls)})["results"]

    def create_session(self, seed: int = 0, session_id: str | None = None) -> str:
        return self._post(
            "/v1/sessions", {"seed": seed, **({"session_id": session_id} if session_id else {})}
        )["session_id"]

    def reset(self, session_id: str, seed: int | None = None) -> dict:
        return self._post(
            f"/v1/sessions/{session_id}/reset", {} if seed is None else {"seed": seed}
        )

    def session(self, session_id: str) -> dict:
        return _check(self._c.get(f"/v1/sessions/{session_id}"))

    def replay(self, session_id: str, log: list[dict], seed: int | None = None) -> dict:
        return self._post(
            f"/v1/sessions/{session_id}/replay",
            {"log": log, **({} if seed is None else {"seed": seed})},
        )

    def close(self) -> None:
        self._c.close()

    def __enter__(self) -> SimulatorClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class AsyncSimulatorClient:
    """asyncio client; ``gather`` many ``simulate`` calls (the server batches them dynamically)."""

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        timeout_s: float = 120.0,
        max_retries: int = 5,
        max_connections: int = 256,
    ):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._kw = dict(
            base_url=base_url.rstrip("/"),
            headers=headers,
            timeout=timeout_s,
            limits=httpx.Limits(max_connections=max_connections),
        )
        self._clients: dict[int, httpx.AsyncClient] = {}
        self.max_retries = max_retries

    @property
    def _c(self) -> httpx.AsyncClient:
        """One httpx client per event loop (rollout workers may run several loops)."""
        key = id(asyncio.get_running_loop())
        c = self._clients.get(key)
        if c is None:
            c = self._clients[key] = httpx.AsyncClient(**self._kw)
        return c

    async def _post(self, path: str, body: dict) -> Any:
        for attempt in range(self.max_retries + 1):
            r = await self._c.post(path, json=body)
            if r.status_code == 503 and attempt < self.max_retries:
                await asyncio.sleep(float(r.headers.get("retry-after", "1")))
                continue
            return _check(r)

    async def simulate(
        self,
        tool: str,
        arguments: dict,
        *,
        session_id: str | None = None,
        options: dict | None = None,
        history: list | None = None,
    ) -> dict:
        return await self._post(
            "/v1/simulate", _call(tool, arguments, session_id, options, history)
        )

    async def simulate_many(self, calls: Sequence[dict]) -> list[dict]:
        """Concurrent single calls (one request each), results in order."""
        return list(await asyncio.gather(*(self._post("/v1/simulate", c) for c in calls)))

    async def simulate_batch(self, calls: Sequence[dict]) -> list[dict]:
        return (await self._post("/v1/simulate/batch", {"calls": list(calls)}))["results"]

    async def create_session(self, seed: int = 0, session_id: str | None = None) -> str:
        return (
            await self._post(
                "/v1/sessions", {"seed": seed, **({"session_id": session_id} if session_id else {})}
            )
        )["session_id"]

    async def reset(self, session_id: str, seed: int | None = None) -> dict:
        return await self._post(
            f"/v1/sessions/{session_id}/reset", {} if seed is None else {"seed": seed}
        )

    async def delete_session(self, session_id: str) -> None:
        r = await self._c.delete(f"/v1/sessions/{session_id}")
        if r.status_code not in (200, 404):
            _check(r)

    async def aclose(self) -> None:
        await self._c.aclose()
        self._clients.pop(id(asyncio.get_running_loop()), None)


# ---- search preset ------------------------------------------------------------------------------
SEARCH_TOOL: dict[str, Any] = {
    "name": "search",
    "description": "Search a document collection (web or Wikipedia) and return the top ranked "
    "documents for a query.",
    "parameters": {
        "type": "object",
        "properties": {
            "query": {"type": "string", "description": "The search query"},
            "top_k": {
                "type": "integer",
                "minimum": 1,
                "maximum": 10,
                "description": "How many documents to return",
                "default": 3,
            },
        },
        "required": ["query"],
    },
    "response": {
        "type": "object",
        "properties": {
            "results": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "string"},
                        "title": {"type": "string"},
                        "contents": {"type": "string"},
                        "score": {"type": "number"},
                    },
                    "required": ["title", "contents", "score"],
                },
            }
        },
        "required": ["results"],
    },
    "meta": {"state_changing": False, "preset": "search"},
}


def search_spec() -> ToolSpec:
    """The search-simulation preset: query in, ranked documents out."""
    return ToolSpec.parse(SEARCH_TOOL, source="gtm:preset")


def ranked_documents(output: Any, top_k: int | None = None) -> list[dict[str, Any]]:
    """Documents of a simulated search output, sorted by descending score (cut to ``top_k``)."""
    docs = output.get("results", []) if isinstance(output, dict) else []
    docs = [d for d in docs if isinstance(d, dict)]
    docs.sort(key=lambda d: -(d.get("score") if isinstance(d.get("score"), int | float) else 0.0))
    return docs[:top_k] if top_k else docs


def search_r1_format(docs: Sequence[dict[str, Any]]) -> str:
    """Documents as Search-R1 feeds them back into the rollout: ``Doc i(Title: t) text`` lines."""
    lines = []
    for i, d in enumerate(docs):
        title = str(d.get("title") or "").strip()
        lines.append(f"Doc {i + 1}(Title: {title}) {str(d.get('contents') or '').strip()}")
    return "\n".join(lines) + ("\n" if lines else "")


def search_r1_retrieve_result(output: Any, top_k: int) -> list[dict[str, Any]]:
    """One query's answer in Search-R1's retriever-server shape: ``[{document: {id, contents},
    score}]``
    (``contents`` = title line + text, as in its corpus)."""
    return [
        {
            "document": {
                "id": str(d.get("id") or i),
                "contents": f'"{d.get("title", "")}"\n{d.get("contents", "")}',
            },
            "score": d.get("score", 0.0),
        }
        for i, d in enumerate(ranked_documents(output, top_k))
    ]


# ---- hybrid routing -----------------------------------------------------------------------------
@dataclass
class HybridRouter:
    """Simulated tool for the first ``simulated_steps`` training steps, the real tool afterwards
    (``simulated_steps=None``: always simulated). ``fallback_to_sim``: if the real tool raises,
    answer from the simulator instead of failing the rollout."""

    simulated_steps: int | None = None
    step: int = 0
    fallback_to_sim: bool = True

    def set_step(self, step: int) -> None:
        self.step = int(step)

    def use_simulator(self, step: int | None = None) -> bool:
        s = self.step if step is None else step
        return self.simulated_steps is None or s < self.simulated_steps


RealTool = Callable[[str, dict[str, Any]], Awaitable[Any]]


# ---- verl adapter -------------------------------------------------------------------------------
try:  # subclass verl's BaseTool when verl is installed (the RL trainer's environment)
    from verl.tools.base_tool import BaseTool as _VerlBase  # type: ignore[import-not-found]
    from verl.tools.schemas import OpenAIFunctionToolSchema, ToolResponse  # type: ignore[import-not-found]
except Exception:  # noqa: BLE001 - verl absent: a plain base with the same constructor
    OpenAIFunctionToolSchema = ToolResponse = None  # type: ignore[assignment,misc]

    class _VerlBase:  # type: ignore[no-redef]
        def __init__(self, config: dict, tool_schema: Any):
            self.config, self.tool_schema = config, tool_schema
            fn = getattr(tool_schema, "function", None)
            self.name = getattr(fn, "name", None) or (tool_schema or {}).get("function", {}).get(
                "name"
            )

        def get_openai_tool_schema(self):
            return self.tool_schema


def _tool_response(text: str):
    return ToolResponse(text=text) if ToolResponse is not None else text


def openai_tool_schema(spec: ToolSpec) -> dict[str, Any]:
    """The OpenAI function-tool schema of a spec (full, nested structure included)."""
    return {
        "type": "function",
        "function": {
            "name": spec.name,
            "description": spec.description,
            "parameters": spec.parameters,
        },
    }


def _hint(ground_truth: Any) -> str | None:
    if ground_truth is None or isinstance(ground_truth, str):
        return ground_truth
    if isinstance(ground_truth, list | tuple):
        return "; ".join(map(str, ground_truth))
    return json.dumps(ground_truth, ensure_ascii=False, default=str)


def trajectory_id(agent_data: Any) -> str | None:
    """The trajectory a verl tool call belongs to: ``agent_data.request_id`` (None outside verl)."""
    rid = getattr(agent_data, "request_id", None)
    return str(rid) if rid else None


class GTMSimTool(_VerlBase):
    """A verl tool answered by the GTM simulator server.

    verl's ``ToolAgentLoop`` runs ``create -> execute -> release`` around *every* call, so the
    simulator session is keyed on the trajectory (``agent_data.request_id``), not on the instance:
    every call of a trajectory — to any GTM tool on the same server — sees the earlier ones. The
    session ends with the trajectory (``end_trajectory``, called by ``GTMToolAgentLoop``); sessions
    of abandoned trajectories expire on the server (``gtm serve --session-ttl/--max-sessions``).
    Used outside verl (no ``agent_data``), an instance is its own trajectory, ended by ``release``.

    config: ``simulator_url`` (required), ``token``, ``tool`` (default: the schema's function name),
    ``seed``, ``options`` (simulator options), ``simulated_steps`` (hybrid routing on verl's
    ``agent_data.extra_fields["max_global_steps"]``, or a ``global_step`` kwarg), ``format``
    ("json" or "search_r1" for the search preset), ``max_response_chars`` (default 256, verl's
    ``multi_turn.max_tool_response_length`` default: set both to the same value; the simulator's
    ``max_tokens`` follows it, ``chars_per_token`` 3.0, and a longer response is cut here at its
    end,
    not by verl in its middle). ``real_tool``: an async ``(name, arguments)`` callable used once the
    router hands over to the real tool. ``create_kwargs``: ``ground_truth`` (the hint) and ``seed``.
    """

    max_open_sessions = (
        100_000  # sessions this tool remembers having opened (LRU; re-opening is idempotent)
    )

    def __init__(
        self,
        config: dict,
        tool_schema: Any = None,
        *,
        real_tool: RealTool | None = None,
        router: HybridRouter | None = None,
    ):
        if not isinstance(config, dict) or not config.get("simulator_url"):
            raise ValueError(
                "config.simulator_url: required (the base URL of a running 'gtm serve')"
            )
        if isinstance(tool_schema, ToolSpec):
            tool_schema = verl_tool_schema(tool_schema)[0]
        if isinstance(tool_schema, dict) and OpenAIFunctionToolSchema is not None:
            tool_schema = OpenAIFunctionToolSchema.model_validate(tool_schema)
        super().__init__(config, tool_schema)
        self.tool = config.get("tool") or self.name
        self.client = AsyncSimulatorClient(config["simulator_url"], config.get("token"))
        self.options = dict(config.get("options") or {})
        self.seed = int(config.get("seed", 0))
        self.format = config.get("format", "json")
        if self.format not in ("json", "search_r1"):
            raise ValueError(f"config.format: must be 'json' or 'search_r1', got {self.format!r}")
        self.max_response_chars = config.get("max_response_chars", VERL_DEFAULT_RESPONSE_CHARS)
        try:
            self.max_tokens = tokens_for_chars(
                self.max_response_chars, float(config.get("chars_per_token", 3.0))
            )
        except ValueError as e:
            raise ValueError(f"config.{e}") from None
        self.real_tool = real_tool
        self.router = router or HybridRouter(config.get("simulated_steps"))
        self._instances: dict[str, dict[str, Any]] = {}
        self._open: OrderedDict[str, None] = OrderedDict()

    async def create(
        self,
        instance_id: str | None = None,
        ground_truth: Any = None,
        *,
        create_kwargs: dict[str, Any] | None = None,
        **kwargs,
    ):
        """Record the call's create-kwargs (verl passes ``create_kwargs=``; ``ground_truth`` becomes
        the hint). No server round trip: verl creates an instance for every call."""
        kw = {**(create_kwargs or {}), **kwargs}
        if ground_truth is None:
            ground_truth = kw.get("ground_truth")
        iid = instance_id or uuid.uuid4().hex
        self._instances[iid] = {
            "hint": _hint(ground_truth),
            "seed": int(kw.get("seed", self.seed)),
            "session": None,
        }
        return iid, _tool_response("")

    async def _session(self, instance_id: str, inst: dict[str, Any], agent_data: Any) -> str:
        sid = trajectory_id(agent_data) or instance_id
        inst["session"] = sid
        if (
            sid not in self._open
        ):  # create is idempotent on the server: a second tool joins the session
            await self.client.create_session(inst["seed"], sid)
            self._open[sid] = None
            while len(self._open) > self.max_open_sessions:
                self._open.popitem(last=False)
        return sid

    async def execute(
        self, instance_id: str, parameters: dict[str, Any], agent_data: Any = None, **kwargs
    ):
        """Run the call (simulated or real per the router) in the trajectory's session; returns
        (response, reward 0.0, metrics)."""
        inst = self._instances.get(instance_id)
        if inst is None:
            await self.create(instance_id)
            inst = self._instances[instance_id]
        step = kwargs.get("global_step")
        if step is None:  # verl: the policy weights' step, as its rollout server reports it
            ef = getattr(agent_data, "extra_fields", None) or {}
            step = ef.get("max_global_steps", ef.get("global_steps"))
        if isinstance(step, int | float) and step >= 0:
            self.router.set_step(int(step))
        if not self.router.use_simulator() and self.real_tool is not None:
            try:
                out = await self.real_tool(self.tool, parameters)
                return _tool_response(self._render(out, parameters)), 0.0, {"source": "real"}
            except Exception:  # noqa: BLE001
                if not self.router.fallback_to_sim:
                    raise
        sid = await self._session(instance_id, inst, agent_data)
        opts = dict(self.options)
        opts.setdefault("max_tokens", self.max_tokens)
        if inst["hint"] and "hint" not in opts:
            opts["hint"] = inst["hint"]
        res = await self.client.simulate(self.tool, parameters, session_id=sid, options=opts)
        return (
            _tool_response(self._render(res["output"], parameters)),
            0.0,
            {"source": res["source"], "is_error": bool(res["is_error"]), "session_id": sid},
        )

    def _render(self, output: Any, parameters: dict | None = None) -> str:
        limit = self.max_response_chars
        if self.format == "search_r1" and isinstance(output, dict) and "results" in output:
            docs = ranked_documents(output, (parameters or {}).get("top_k"))
            text = search_r1_format(docs)
            while len(docs) > 1 and len(text) > limit:  # whole documents first
                docs = docs[:-1]
                text = search_r1_format(docs)
        else:
            text = output if isinstance(output, str) else json.dumps(output, ensure_ascii=False)
        if len(text) > limit:
            mark = "...(truncated)"
            text = text[: max(0, limit - len(mark))] + mark
        return text

    async def calc_reward(self, instance_id: str, **kwargs) -> float:
        return 0.0

    async def release(self, instance_id: str, **kwargs) -> None:
        """End the call's instance; the session too when the instance was its own trajectory."""
        inst = self._instances.pop(instance_id, None)
        if inst is not None and inst["session"] == instance_id:
            await self.end_trajectory(instance_id)

    async def end_trajectory(self, trajectory: str) -> None:
        """Delete the trajectory's simulator session (idempotent)."""
        self._open.pop(trajectory, None)
        await self.client.delete_session(trajectory)
