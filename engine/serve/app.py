"""The HTTP face: endpoints, limits, auth, request ids, access and decision logs.

Built on Starlette (a small, well-kept ASGI toolkit; uvicorn serves it): the
endpoints are few and explicit, so a full framework would add a model layer
and a dependency tree without doing a job we need. Every response carries
``X-Request-Id`` (the caller's, or a new one) and the rules digest of the
policy that answered; no request ever names a file the server reads.
"""
from __future__ import annotations

import asyncio
import contextlib
import datetime as _dt
import hmac
import json
import sys
import time
import uuid

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..errors import UserError
from ..ingest.jsontools import DECODER
from ..ingest.mapping.spec import presets
from ..request import RunOptions
from . import history, worker
from .config import ServeConfig
from .openapi import document
from .state import Policies, Refused

CONTENT_TYPES = {"text/csv": ".csv", "text/tab-separated-values": ".tsv", "application/json": ".json",
                 "application/x-ndjson": ".jsonl", "application/jsonl": ".jsonl", "application/yaml": ".yaml",
                 "application/x-yaml": ".yaml", "text/yaml": ".yaml"}
OPEN = ("/healthz", "/readyz", "/openapi.json")  # no token needed


def build_app(config: ServeConfig) -> Starlette:
    policies = Policies(config)
    app = Starlette(routes=[
        Route("/healthz", _handled(config, policies, _health)),
        Route("/readyz", _handled(config, policies, _ready)),
        Route("/openapi.json", _handled(config, policies, _openapi)),
        Route("/v1/rules", _handled(config, policies, _rules)),
        Route("/v1/policy", _handled(config, policies, _policy)),
        Route("/v1/evaluate", _handled(config, policies, _evaluate), methods=["POST"]),
        Route("/v1/evaluate/raw", _handled(config, policies, _evaluate_raw), methods=["POST"]),
        Route("/v1/reload", _handled(config, policies, _reload), methods=["POST"]),
        *history.routes(config, policies, _handled),  # the run store, read-only (--store)
    ], lifespan=_lifespan(policies))
    app.state.policies = policies
    return app


def _lifespan(policies: Policies):
    @contextlib.asynccontextmanager
    async def lifespan(app):
        await policies.start()  # workers started and warm before /readyz says so
        yield
        await policies.stop()
    return lifespan


def _handled(config: ServeConfig, policies: Policies, handler):
    """Request id, auth, refusals as JSON, the access log line: around every endpoint."""
    async def endpoint(request: Request) -> Response:
        started = time.perf_counter()
        request_id = request.headers.get("x-request-id") or uuid.uuid4().hex
        request.state.id = request_id
        try:
            if config.token and request.url.path not in OPEN:
                _authorise(request, config.token)
            response = await handler(request, policies)
        except Refused as err:
            response = JSONResponse({"error": err.message, **err.extra}, status_code=err.status,
                                    headers={"WWW-Authenticate": "Bearer"} if err.status == 401 else None)
        except Exception as err:  # a bug in valuate, not in the request: say so, keep serving
            response = JSONResponse({"error": f"internal error: {type(err).__name__}: {err}"}, status_code=500)
        response.headers["X-Request-Id"] = request_id
        response.headers["X-Valuate-Rules-Digest"] = policies.current.policy.digest
        _access(request, response.status_code, started)
        return response
    return endpoint


def _authorise(request: Request, token: str) -> None:
    given = request.headers.get("authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        raise Refused(401, "a bearer token is required (Authorization: Bearer TOKEN)")


def _access(request: Request, status: int, started: float) -> None:
    line = {"time": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="milliseconds"),
            "request_id": request.state.id, "method": request.method, "path": request.url.path,
            "status": status, "ms": round((time.perf_counter() - started) * 1000, 1)}
    sys.stderr.write(json.dumps(line) + "\n")


async def _health(request: Request, policies: Policies) -> Response:
    return JSONResponse({"status": "ok"})


async def _openapi(request: Request, policies: Policies) -> Response:
    return JSONResponse(document())


async def _ready(request: Request, policies: Policies) -> Response:
    if not policies.ready:
        return JSONResponse({"status": "starting"}, status_code=503)
    return JSONResponse({"status": "ready", "generation": policies.current.generation})


async def _rules(request: Request, policies: Policies) -> Response:
    return JSONResponse([r.to_dict() for r in policies.current.policy.rules])


async def _policy(request: Request, policies: Policies) -> Response:
    return JSONResponse(policies.describe())


async def _evaluate(request: Request, policies: Policies) -> Response:
    config = policies.config
    body = await _body(request, config.policy.limits.max_file_bytes)
    single, records = _records(body, config)
    done = await policies.run(worker.evaluate, records, _options(request), _as_of(request))
    _decision(policies, request, "/v1/evaluate", done)
    if single:
        return Response(done["services"][0], media_type="application/json")
    return _document(done)


async def _evaluate_raw(request: Request, policies: Policies) -> Response:
    config = policies.config
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in CONTENT_TYPES:
        raise Refused(415, f"content type {kind or '(none)'} is not a catalog format; "
                           f"send one of {', '.join(sorted(CONTENT_TYPES))}")
    mapping = _mapping(request, config)
    body = await _body(request, config.policy.limits.max_file_bytes)
    try:
        done = await policies.run(worker.evaluate_raw, body, CONTENT_TYPES[kind], mapping, _options(request),
                                  _as_of(request))
    except UserError as err:
        raise Refused(422, str(err)) from None
    _decision(policies, request, "/v1/evaluate/raw", done)
    return _document(done)


async def _reload(request: Request, policies: Policies) -> Response:
    problems = await policies.reload()
    if problems:
        raise Refused(422, "the policy was not reloaded; the one in force keeps serving", problems=problems)
    return JSONResponse({"reloaded": True, "generation": policies.current.generation,
                         "digest": policies.current.policy.digest})


def _document(done: dict) -> Response:
    services = ",\n    ".join(done["services"])
    head = json.dumps({"rules": {"digest": done["digest"]}, "as_of": done["as_of"], "summary": done["summary"]},
                      ensure_ascii=False)
    return Response(f'{head[:-1]}, "services": [\n    {services}\n  ]}}\n', media_type="application/json")


async def _body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise Refused(413, f"the body is {int(declared):,} bytes, over the limit of {limit:,} (max_file_bytes)")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise Refused(413, f"the body is over the limit of {limit:,} bytes (max_file_bytes)")
        chunks.append(chunk)
    return b"".join(chunks)


def _records(body: bytes, config: ServeConfig) -> tuple:
    """(one service asked for?, [(data, problem)]) from a JSON body."""
    try:
        doc = DECODER.decode(body.decode("utf-8"))
    except UnicodeDecodeError as err:
        raise Refused(400, f"the body is not UTF-8 (byte {err.start})") from None
    except json.JSONDecodeError as err:
        raise Refused(400, f"the body is not valid JSON: {err.msg} at line {err.lineno} column {err.colno}") from None
    except RecursionError:
        raise Refused(400, "the body is nested too deeply to read") from None
    if isinstance(doc, dict) and "services" in doc:
        if not isinstance(doc["services"], list):
            raise Refused(400, "'services' must be a list of service objects")
        items, single = doc["services"], False
    elif isinstance(doc, list):
        items, single = doc, False
    else:
        items, single = [doc], True
    if len(items) > config.max_services:
        raise Refused(413, f"{len(items):,} services in one request, over the limit of {config.max_services:,}")
    limit = config.policy.limits.max_record_bytes
    out = []
    for item in items:
        size = len(json.dumps(item, ensure_ascii=False).encode("utf-8"))
        out.append((None, f"the service is {size:,} bytes, over the limit of {limit:,} (max_record_bytes)")
                   if size > limit else (item, None))
    return single, out


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
        return _dt.date.fromisoformat(value)
    except ValueError:
        raise Refused(400, f"as_of must be a date YYYY-MM-DD, got {value!r}") from None


def _mapping(request: Request, config: ServeConfig) -> str:
    """A preset name, or the server's own mapping by its name: never a path from the request."""
    name = request.query_params.get("mapping")
    own = policies_mapping_name(config)
    if name is None:
        if config.mapping is None:
            raise Refused(400, "name a mapping: ?mapping=PRESET (" + ", ".join(presets()) + ")")
        return config.mapping
    if own is not None and name == own:
        return config.mapping
    if name not in presets():
        raise Refused(400, f"unknown mapping {name!r}; presets: {', '.join(presets())}"
                      + (f"; this server's own: {own}" if own else ""))
    return name


def policies_mapping_name(config: ServeConfig):
    if config.mapping is None:
        return None
    return config.mapping.rsplit("/", 1)[-1].removesuffix(".yaml").removesuffix(".yml")


def _decision(policies: Policies, request: Request, endpoint: str, done: dict) -> None:
    policies.log_decision({"time": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="milliseconds"),
                           "request_id": request.state.id, "endpoint": endpoint, "rules_digest": done["digest"],
                           "as_of": done["as_of"], "services": done["verdicts"]})


__all__ = ["build_app", "Refused", "asyncio"]
