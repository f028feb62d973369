"""``POST /retrieve``: the Search-R1 retriever protocol over the simulated search tool."""

from __future__ import annotations

import json

from fastapi import APIRouter
from fastapi.responses import Response

from gtm_core.serve.routes.bodies import RetrieveBody
from gtm_core.serve.routes.deps import DispatcherDep, LimitsDep, SimulatorDep
from gtm_core.serve.routes.guard import GuardedRoute, SafeJSONResponse
from gtm_core.serve.wire import HTTPError, RetrieveResponse, responses_for
from gtm_core.simulator import SimCall, SimOptions

router = APIRouter(route_class=GuardedRoute, tags=["search"])


@router.post(
    "/retrieve",
    name="retrieve",
    response_model=RetrieveResponse,
    responses=responses_for(400, 401, 404, 409, 413, 422, 503),
)
async def retrieve(
    body: RetrieveBody, sim: SimulatorDep, dispatcher: DispatcherDep, limits: LimitsDep
) -> Response:
    """Search-R1 retriever protocol over the simulated ``search`` tool:
    ``{"queries": [...], "topk": 3, "return_scores": true, "ground_truths": [...]?}`` ->
    ``{"result": [[{"document": {"id", "contents"}, "score"}, ...], ...]}``."""
    from gtm_core.serve.rl import search_r1_retrieve_result

    tool = limits.search_tool
    if tool not in sim.tools:
        raise HTTPError(404, f"no {tool!r} tool is served (add the search preset)", "tool")
    gts = body.ground_truths or [None] * len(body.queries)
    if len(gts) != len(body.queries):
        raise HTTPError(422, "must have one entry per query", "ground_truths")
    calls = [
        SimCall(tool, {"query": q, "top_k": body.topk}, None, None, SimOptions(hint=_hint(g)))
        for q, g in zip(body.queries, gts, strict=True)
    ]
    res = await dispatcher.run(calls)
    out = [search_r1_retrieve_result(r.output, body.topk) if not r.is_error else [] for r in res]
    if not body.return_scores:
        out = [[d["document"] for d in docs] for docs in out]
    return SafeJSONResponse({"result": out})


def _hint(ground_truth: object) -> str | None:
    """A query's ground truth as the call's hint (JSON unless a string)."""
    if ground_truth is None:
        return None
    return ground_truth if isinstance(ground_truth, str) else json.dumps(ground_truth)
