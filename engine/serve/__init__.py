"""``valuate serve``: evaluate on request over HTTP, for catalog portals and pipelines.

An ASGI application (Starlette, served by uvicorn) in one process; the
evaluation itself runs in a pool of worker processes, each with its own
durable-rules engine (one per process, as the batch does: a host is never
shared between threads). See app.py for the endpoints, pool.py for the
workers, openapi.py for the document served at /openapi.json.
"""
from .config import ServeConfig, read_token

__all__ = ["ServeConfig", "read_token"]
