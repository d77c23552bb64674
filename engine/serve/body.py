"""Reading a request body within the server's limits.

The body is refused with 413 as soon as its declared length, or the bytes
received so far, pass ``--max-body-bytes``; with 408 when it has not all
arrived within ``--read-timeout`` seconds; with 503 when the bodies held by
all requests together would pass the server's body budget. It is never
decoded here: the worker that evaluates it decodes it, off the event loop.
"""
from __future__ import annotations

import asyncio

from starlette.requests import Request

from .state import Policies, Refused


async def read_body(request: Request, policies: Policies) -> list:
    """The body's chunks (joined by the worker's pipe, never here)."""
    config = policies.config
    limit = config.body_limit
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise Refused(413, f"the body is {int(declared):,} bytes, over the limit of {limit:,} "
                           "(--max-body-bytes)")
    try:
        return await asyncio.wait_for(_collect(request, policies, limit), config.read_timeout)
    except asyncio.TimeoutError:
        raise Refused(408, f"the body did not arrive within {config.read_timeout:g} s (--read-timeout)",
                      close=True) from None


async def _collect(request: Request, policies: Policies, limit: int) -> list:
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise Refused(413, f"the body is over the limit of {limit:,} bytes (--max-body-bytes)")
        policies.take(len(chunk))
        request.state.held += len(chunk)
        chunks.append(chunk)
    return chunks
