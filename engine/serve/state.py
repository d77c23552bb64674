"""The policy a server answers with now, its workers, reloads, and what requests may hold.

``Policies.current`` is the snapshot in force; each request is answered by the
pool of the snapshot it was admitted under, and its headers name that
snapshot, even when a reload swaps in the next one meanwhile. A reload builds
the next snapshot in a child process and starts its workers before the swap:
the event loop, /healthz and every request go on meanwhile, and a refused
reload leaves everything as it was.
"""
from __future__ import annotations

import asyncio
from typing import Optional

from ..errors import UserError
from .config import ServeConfig
from .decisions import DecisionLog
from .pool import WorkerDied, WorkerPool, build_next
from .snapshot import Snapshot, build

RELOAD_TIMEOUT = 300.0  # seconds a reload may take to load and compile the policy


class Refused(Exception):
    """A request answered with a 4xx (or 503/504) and a message."""

    def __init__(self, status: int, message: str, close: bool = False, **extra):
        super().__init__(message)
        self.status, self.message, self.close, self.extra = status, message, close, extra


class Policies:
    """The pool answering now; a reload swaps in a new one only once it is loaded and warm."""

    def __init__(self, config: ServeConfig):
        self.config = config
        self.log: Optional[DecisionLog] = DecisionLog(config.decision_log) if config.decision_log else None
        snapshot = build(config, 1)  # a broken policy stops the server here, with its message
        if self.log is not None:
            self.log.check(snapshot.inputs)
        self.pool = WorkerPool(snapshot, config.workers)
        self.ready = False
        self.pending = 0  # requests being evaluated
        self.held = 0  # bytes of request bodies held, all requests together
        self._reloading: Optional[asyncio.Lock] = None

    @property
    def current(self) -> Snapshot:
        return self.pool.snapshot

    async def start(self) -> None:
        await self.pool.start()  # workers started and warm before /readyz says so
        self.ready = True

    async def stop(self) -> None:
        await self.pool.stop()

    async def run(self, message: tuple, body: list) -> tuple:
        """(the snapshot that answered, (status, decision), answer bytes) for ``message`` with the
        request ``body`` (its chunks); 503 when too many requests are in flight, 504 past the
        timeout (the worker that held it is replaced)."""
        config = self.config
        if self.pending >= config.pending_limit:
            raise Refused(503, f"{self.pending} requests are being evaluated, the most this server takes "
                               "at once; retry shortly")
        self.pending += 1
        pool = self.pool
        deadline = asyncio.get_running_loop().time() + config.timeout
        try:
            try:
                return (pool.snapshot, *await pool.run(message, body, deadline))
            except WorkerDied:  # it may have died before it took the request: one more try
                return (pool.snapshot, *await pool.run(message, body, deadline))
        except asyncio.TimeoutError:
            raise Refused(504, f"the evaluation took longer than {config.timeout:g} s") from None
        except WorkerDied:
            raise Refused(500, "an evaluation process ended twice while evaluating this request; "
                               "the server log has the details") from None
        finally:
            self.pending -= 1

    def take(self, size: int) -> None:
        """Hold ``size`` more bytes of a request body: 503 past the server's body budget."""
        if self.held + size > self.config.body_budget:
            raise Refused(503, f"the server holds {self.config.body_budget:,} bytes of request bodies at once "
                               "at most, and is at that now; retry shortly", close=True)
        self.held += size

    def give(self, size: int) -> None:
        self.held -= size

    async def reload(self) -> list:
        """[] when the next snapshot serves, else its problems (the one in force keeps serving)."""
        if self._reloading is None:
            self._reloading = asyncio.Lock()
        async with self._reloading:
            kind, value = await build_next(self.config, self.current.generation + 1, RELOAD_TIMEOUT)
            if kind != "ok":
                return value
            if self.log is not None:
                try:
                    self.log.check(value.inputs)
                except UserError as err:
                    return [{"severity": "error", "message": value.redactor.message(str(err))}]
            pool = WorkerPool(value, self.config.workers)
            try:
                await pool.start()
            except Exception as err:  # the new workers did not start: keep the old ones
                await pool.stop()
                return [{"severity": "error", "message": f"the new policy's workers did not start "
                                                         f"({type(err).__name__})"}]
            old, self.pool = self.pool, pool
            old.retire()
            return []

    def log_decision(self, entry: dict) -> bool:
        return True if self.log is None else self.log.write(entry)
