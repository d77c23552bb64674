"""The HTTP face: endpoints, auth, request ids, the access and decision logs.

Built on Starlette (a small, well-kept ASGI toolkit; uvicorn serves it): the
endpoints are few and explicit, so a full framework would add a model layer
and a dependency tree without doing a job we need. An endpoint is one
``Endpoint`` row (path, handler, methods, whether it needs the token); a new
one is a row in ``ENDPOINTS`` or passed to ``build_app(extra=...)``, and gets
the same request id, auth, refusals and logging as every other.

Every response carries ``X-Request-Id`` (the caller's, or a new one) and the
digests of the snapshot that produced it. The server process only moves
bytes: bodies are decoded and answers encoded by the workers. No request
names a file the server reads, and no response names one of the server's paths.
"""
from __future__ import annotations

import contextlib
import datetime as _dt
import hmac
import json
import re
import sys
import time
import traceback
import uuid
from dataclasses import dataclass
from typing import Callable

from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route

from ..request import RunOptions
from . import history
from .body import read_body
from .config import ServeConfig
from .openapi import document
from .snapshot import Snapshot
from .state import Policies, Refused

CONTENT_TYPES = {"text/csv": ".csv", "text/tab-separated-values": ".tsv", "application/json": ".json",
                 "application/x-ndjson": ".jsonl", "application/jsonl": ".jsonl", "application/yaml": ".yaml",
                 "application/x-yaml": ".yaml", "text/yaml": ".yaml"}
JSON = "application/json"
DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


@dataclass(frozen=True)
class Endpoint:
    path: str
    handler: Callable  # async (request, policies) -> Response; sets request.state.snapshot if not the current
    methods: tuple = ("GET",)
    open: bool = False  # answered without the token


def build_app(config: ServeConfig, extra: tuple = ()) -> Starlette:
    """The application; loads the policy now, so a broken pack stops here with its message."""
    policies = Policies(config)
    routes = [Route(e.path, _handled(policies, e), methods=list(e.methods)) for e in ENDPOINTS + tuple(extra)]
    app = Starlette(routes=routes, lifespan=_lifespan(policies))
    app.state.policies = policies
    return app


def _lifespan(policies: Policies):
    @contextlib.asynccontextmanager
    async def lifespan(app):
        await policies.start()
        yield
        await policies.stop()
    return lifespan


def _handled(policies: Policies, endpoint: Endpoint):
    """Request id, auth, refusals as JSON, the access log line: around every endpoint."""
    token = policies.config.token

    async def handle(request: Request) -> Response:
        started = time.perf_counter()
        request.state.id = _request_id(request)
        request.state.snapshot = policies.current
        request.state.held = 0
        try:
            if token and not endpoint.open:
                _authorise(request, token)
            response = await endpoint.handler(request, policies)
        except Refused as err:
            response = _refusal(err, request.state.snapshot)
        except ClientDisconnect:
            response = Response(status_code=499)  # nobody is left to read it; the access log says so
        except Exception as err:  # a bug in valuate, not in the request: say so, keep serving
            traceback.print_exc(file=sys.stderr)
            response = _json({"error": f"internal error ({type(err).__name__}); the server log has the details"},
                             500)
        finally:
            policies.give(request.state.held)
        response.headers.update(request.state.snapshot.headers)
        response.headers["X-Request-Id"] = request.state.id
        _access(request, response.status_code, started)
        return response
    return handle


def _request_id(request: Request) -> str:
    given = request.headers.get("x-request-id", "")
    return given if 0 < len(given) <= 128 and given.isascii() and given.isprintable() else uuid.uuid4().hex


def _authorise(request: Request, token: str) -> None:
    given = request.headers.get("authorization", "")
    if not hmac.compare_digest(given.encode("utf-8", "replace"), f"Bearer {token}".encode()):
        raise Refused(401, "a bearer token is required (Authorization: Bearer TOKEN)")


def _refusal(err: Refused, snapshot: Snapshot) -> Response:
    body = {"error": snapshot.redactor.message(err.message), **err.extra}
    headers = {"WWW-Authenticate": "Bearer"} if err.status == 401 else {}
    if err.close:  # the rest of the body will not be read: end the connection with the answer
        headers["Connection"] = "close"
    return _json(body, err.status, headers)


def _json(doc, status: int = 200, headers: dict = None) -> Response:
    return Response(json.dumps(doc, ensure_ascii=False).encode("utf-8", "backslashreplace"), status,
                    headers, JSON)


def _access(request: Request, status: int, started: float) -> None:
    line = {"time": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="milliseconds"),
            "request_id": request.state.id, "method": request.method, "path": request.url.path,
            "status": status, "ms": round((time.perf_counter() - started) * 1000, 1)}
    sys.stderr.write(json.dumps(line) + "\n")


async def _health(request: Request, policies: Policies) -> Response:
    return Response(b'{"status": "ok"}', media_type=JSON)


async def _openapi(request: Request, policies: Policies) -> Response:
    return _json(document())


async def _ready(request: Request, policies: Policies) -> Response:
    if not policies.ready:
        return _json({"status": "starting"}, 503)
    return _json({"status": "ready", "generation": policies.current.generation})


async def _rules(request: Request, policies: Policies) -> Response:
    return Response(request.state.snapshot.rules_json, media_type=JSON)


async def _policy(request: Request, policies: Policies) -> Response:
    return _json(request.state.snapshot.policy_doc)


async def _evaluate(request: Request, policies: Policies) -> Response:
    options, as_of = _options(request), _as_of(request)
    body = await read_body(request, policies)
    return await _answer(request, policies, ("evaluate", options, as_of), body)


async def _evaluate_raw(request: Request, policies: Policies) -> Response:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in CONTENT_TYPES:
        raise Refused(415, f"content type {kind or '(none)'} is not a catalog format; "
                           f"send one of {', '.join(sorted(CONTENT_TYPES))}")
    options, as_of = _options(request), _as_of(request)
    mapping = _mapping(request, request.state.snapshot)
    body = await read_body(request, policies)
    return await _answer(request, policies, ("raw", CONTENT_TYPES[kind], mapping, options, as_of), body)


async def _answer(request: Request, policies: Policies, message: tuple, body: list) -> Response:
    snapshot, (status, decision), answer = await policies.run(message, body)
    request.state.snapshot = snapshot  # the policy that produced this answer, whatever a reload did meanwhile
    response = Response(answer, status, media_type=JSON)
    if decision is not None and not policies.log_decision(_decision(request, snapshot, decision)):
        response.headers["X-Valuate-Decision-Log"] = "not written"
    return response


async def _reload(request: Request, policies: Policies) -> Response:
    problems = await policies.reload()
    request.state.snapshot = policies.current
    if problems:
        raise Refused(422, "the policy was not reloaded; the one in force keeps serving", problems=problems)
    current = policies.current
    return _json({"reloaded": True, "generation": current.generation, "digest": current.rules_digest,
                  "policy_digest": current.digest})


def _flag(request: Request, name: str, default: bool) -> bool:
    value = request.query_params.get(name)
    if value is None:
        return default
    if value.lower() not in ("true", "false", "1", "0"):
        raise Refused(400, f"query parameter {name} must be true or false, got {value!r}")
    return value.lower() in ("true", "1")


def _options(request: Request) -> RunOptions:
    return RunOptions(conditions=_flag(request, "explain", False), suggest=_flag(request, "suggest", True))


def _as_of(request: Request):
    value = request.query_params.get("as_of")
    if value is None:
        return None
    try:
        if not DATE.fullmatch(value):
            raise ValueError(value)
        return _dt.date.fromisoformat(value)
    except ValueError:
        raise Refused(400, f"as_of must be a date YYYY-MM-DD, got {value[:40]!r}") from None


def _mapping(request: Request, snapshot: Snapshot):
    """A preset name, or the server's own mapping by its name: never a path from the request."""
    name, own, presets = request.query_params.get("mapping"), snapshot.mapping_name, snapshot.presets
    if name is None:
        if own is None:
            raise Refused(400, "name a mapping: ?mapping=PRESET (" + ", ".join(presets) + ")")
        return own
    if name != own and name not in presets:
        raise Refused(400, f"unknown mapping {name[:80]!r}; presets: {', '.join(presets)}"
                      + (f"; this server's own: {own}" if own else ""))
    return name


def _decision(request: Request, snapshot: Snapshot, decision: dict) -> dict:
    return {"time": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="milliseconds"),
            "request_id": request.state.id, "endpoint": request.url.path, "rules_digest": snapshot.rules_digest,
            "policy_digest": snapshot.digest, "generation": snapshot.generation, **decision}


ENDPOINTS = (
    Endpoint("/healthz", _health, open=True),
    Endpoint("/readyz", _ready, open=True),
    Endpoint("/openapi.json", _openapi, open=True),
    Endpoint("/v1/rules", _rules),
    Endpoint("/v1/policy", _policy),
    Endpoint("/v1/evaluate", _evaluate, ("POST",)),
    Endpoint("/v1/evaluate/raw", _evaluate_raw, ("POST",)),
    Endpoint("/v1/reload", _reload, ("POST",)),
    Endpoint("/v1/history/runs", history.runs),  # the run store, read-only (--store)
    Endpoint("/v1/history/services/{service:path}", history.service),
)

__all__ = ["build_app", "Endpoint", "ENDPOINTS", "Refused"]
