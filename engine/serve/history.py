"""``valuate serve --store URL``: the run store, read-only, over HTTP.

- ``GET /v1/history/runs[?last=N]``: the recorded runs, oldest first, as
  ``valuate history list --format json`` prints them;
- ``GET /v1/history/services/{id}[?last=N]``: one service in each run that
  had it (verdict, criteria, failing findings and since when), as
  ``valuate history trend --service ID --format json``.

The store is opened read-only (SQLite ``mode=ro``, PostgreSQL read-only
sessions): the server never writes to it. Queries run in a thread, so a slow
store never holds up evaluations. Without ``--store`` these answer 404; a
store that cannot be read (not there yet, unreachable, older schema) 503.
"""
from __future__ import annotations

import asyncio
import json

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ..errors import UserError
from ..history import NotFound, open_history
from .state import Refused

_OPEN: dict = {}  # store URL -> its History, opened on the first request that needs it


def _history(store: str):
    history = _OPEN.get(store)
    if history is None:
        history = _OPEN[store] = open_history(store, write=False)
    return history


async def _read(policies, fn):
    store = policies.config.store
    if not store:
        raise Refused(404, "this server has no run store (start it with valuate serve --store URL)")
    try:
        return await asyncio.to_thread(lambda: fn(_history(store)))
    except NotFound as err:
        raise Refused(404, str(err)) from None
    except UserError as err:
        _OPEN.pop(store, None)  # opened again next time: the file may exist by then
        raise Refused(503, str(err)) from None


def _last(request: Request):
    value = request.query_params.get("last")
    if value is None:
        return None
    if not value.isdigit() or int(value) < 1:
        raise Refused(400, f"last must be a whole number of runs, 1 or more, got {value!r}")
    return int(value)


async def runs(request: Request, policies) -> Response:
    last = _last(request)
    history, runs = await _read(policies, lambda h: (h, h.runs(last)))
    return JSONResponse({"store": history.shown, "runs": [r.to_dict() for r in runs]})


async def service(request: Request, policies) -> Response:
    service, last = request.path_params["service"], _last(request)
    moments = await _read(policies, lambda h: h.timeline(service, last))
    body = json.dumps({"service": service, "runs": [m.to_dict() for m in moments]}, ensure_ascii=False)
    return Response(body, media_type="application/json")


RUNS = {"type": "object", "properties": {"store": {"type": "string"}, "runs": {"type": "array",
                                                                              "items": {"type": "object"}}}}
LAST = [{"name": "last", "in": "query", "schema": {"type": "integer", "minimum": 1},
         "description": "only the last N runs"}]
OPENAPI_PATHS = {
    "/v1/history/runs": {"get": {
        "summary": "The runs of the server's run store (--store), oldest first: when, evaluation date, digests, "
                   "verdict counts", "parameters": LAST,
        "responses": {"200": {"description": "runs", "content": {"application/json": {"schema": RUNS}}},
                      "404": {"description": "the server has no run store"},
                      "503": {"description": "the store cannot be read"}}}},
    "/v1/history/services/{service}": {"get": {
        "summary": "One service in each stored run that had it: verdict, criteria, failing findings and since when",
        "parameters": LAST + [{"name": "service", "in": "path", "required": True, "schema": {"type": "string"}}],
        "responses": {"200": {"description": "the service's timeline"},
                      "404": {"description": "no store, or no such service in it"},
                      "503": {"description": "the store cannot be read"}}}},
}
