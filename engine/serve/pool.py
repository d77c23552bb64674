"""The evaluation processes of one snapshot, driven from the event loop.

Each worker is a child process (``child.py``) started with the snapshot's
payload, talking over pipes: the loop never blocks on it. A request takes an
idle worker, or waits for one until its deadline; when several wait, the
smallest body goes first (a one-service request is not held behind a
megabyte one, which keeps its own deadline). A worker whose request
passes its deadline is killed at once and replaced, so timed-out work never
piles up behind the next request; a worker that dies, busy or idle, is
noticed (its exit is awaited) and replaced. A pool being retired after a
reload keeps its workers only while requests admitted under it still wait.
"""
from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import os
import sys
from collections import deque
from . import frames
from .snapshot import Snapshot

CHILD = f"{__name__.rpartition('.')[0]}.child"
# The child imports from exactly the server's own sys.path, set before any import (as
# multiprocessing's spawn does): `python -m` would put the working directory first,
# where a stray json.py would be imported by every worker.
_BOOT = f"import sys; sys.path[:] = sys.argv[1].split('\\n'); from {CHILD} import main; main()"
START_TIMEOUT = 120.0  # seconds a worker may take to start and load its snapshot
RESTART_PAUSE = 1.0  # seconds between attempts when a replacement does not start


class WorkerDied(Exception):
    """The worker ended while it held a request."""


class Worker:
    def __init__(self, process: asyncio.subprocess.Process):
        self.process = process
        self.gone = False

    @classmethod
    async def start(cls, payload: bytes) -> "Worker":
        process = await _child()
        worker = cls(process)
        try:
            await asyncio.wait_for(worker._hello(payload), START_TIMEOUT)
        except BaseException:
            worker.kill()
            raise
        return worker

    async def _hello(self, payload: bytes) -> None:
        await self._send(("work", os.getpid()), (payload,))
        if (await frames.receive(self.process.stdout))[0][0] != "ready":
            raise WorkerDied("the worker did not start")

    async def call(self, message: tuple, body: list) -> tuple:
        """(the reply, the answer's bytes) for ``message`` with the request ``body`` (its chunks)."""
        try:
            await self._send(message, body)
            return await frames.receive(self.process.stdout)
        except (EOFError, ConnectionError) as err:
            raise WorkerDied(str(err)) from None

    async def _send(self, message, tail=()) -> None:
        for part in frames.encode(message, tail):  # one write each: writelines would join (copy) them
            self.process.stdin.write(part)
        await self.process.stdin.drain()

    @property
    def alive(self) -> bool:
        return not self.gone and self.process.returncode is None

    def kill(self) -> None:
        self.gone = True
        if self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.kill()

    def close(self) -> None:
        """End when done: the worker exits when its input closes."""
        self.gone = True
        with contextlib.suppress(Exception):
            self.process.stdin.close()


class WorkerPool:
    def __init__(self, snapshot: Snapshot, size: int):
        self.snapshot, self.size = snapshot, size
        self.idle: deque = deque()
        self.waiters: list = []  # a heap of (body size, arrival, future): smallest first
        self._arrivals = itertools.count()
        self.workers: set = set()
        self.closing = False
        self._tasks: set = set()

    async def start(self) -> None:
        """Every worker started and warm (an exception, with none left running, otherwise)."""
        started = await asyncio.gather(*(self._spawn() for _ in range(self.size)), return_exceptions=True)
        failed = next((w for w in started if isinstance(w, BaseException)), None)
        if failed is not None:
            for w in started:
                if isinstance(w, Worker):
                    w.kill()
            raise failed
        for w in started:
            self._release(w)

    async def run(self, message: tuple, body: list, deadline: float) -> tuple:
        """The worker's (reply, answer bytes); TimeoutError past ``deadline`` (loop time), its worker
        then replaced."""
        worker = await self._acquire(deadline, sum(len(chunk) for chunk in body))
        try:
            reply = await asyncio.wait_for(worker.call(message, body), max(0.0, deadline - _now()))
        except BaseException:  # timed out, died, or the request was cancelled: the worker's state is unknown
            self._discard(worker)
            raise
        self._release(worker)
        return reply

    async def _acquire(self, deadline: float, size: int) -> Worker:
        while self.idle:
            worker = self.idle.popleft()
            if worker.alive:
                return worker
            self._discard(worker)
        waiter = asyncio.get_running_loop().create_future()
        heapq.heappush(self.waiters, (size, next(self._arrivals), waiter))
        try:
            done, _ = await asyncio.wait({waiter}, timeout=max(0.0, deadline - _now()))
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self._release(waiter.result())  # handed a worker just as the request was cancelled
            self._forget(waiter)
            raise
        if not done:
            self._forget(waiter)
            raise asyncio.TimeoutError
        return waiter.result()

    def _forget(self, waiter: asyncio.Future) -> None:
        waiter.cancel()
        kept = [entry for entry in self.waiters if entry[2] is not waiter]
        if len(kept) != len(self.waiters):
            self.waiters[:] = kept
            heapq.heapify(self.waiters)

    def _release(self, worker: Worker) -> None:
        if not worker.alive:
            self._discard(worker)
            return
        while self.waiters:
            waiter = heapq.heappop(self.waiters)[2]
            if not waiter.done():
                waiter.set_result(worker)
                return
        if self.closing:
            self.workers.discard(worker)
            worker.close()
        else:
            self.idle.append(worker)

    def _discard(self, worker: Worker) -> None:
        """Kill ``worker`` and start its replacement (unless the pool is retired and nobody waits)."""
        if worker not in self.workers:
            return
        self.workers.discard(worker)
        with contextlib.suppress(ValueError):
            self.idle.remove(worker)
        worker.kill()
        if not self.closing or self.waiters:
            self._background(self._replace())

    async def _replace(self) -> None:
        while not self.closing or self.waiters:
            try:
                worker = await self._spawn()
            except Exception as err:
                sys.stderr.write(f"valuate serve: a replacement worker did not start ({err!r}); retrying\n")
                await asyncio.sleep(RESTART_PAUSE)
                continue
            self._release(worker)
            return

    async def _spawn(self) -> Worker:
        worker = await Worker.start(self.snapshot.payload)
        self.workers.add(worker)
        self._background(self._watch(worker))
        return worker

    async def _watch(self, worker: Worker) -> None:
        """Notice a worker's end at once, idle or not (a busy one's request sees it too)."""
        await worker.process.wait()
        if not worker.gone:
            sys.stderr.write(f"valuate serve: worker {worker.process.pid} ended "
                             f"(exit {worker.process.returncode}); starting another\n")
            self._discard(worker)

    def _background(self, coroutine) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def retire(self) -> None:
        """After a reload: idle workers end now, busy ones when no request of this pool waits."""
        self.closing = True
        while self.idle:
            worker = self.idle.popleft()
            self.workers.discard(worker)
            worker.close()

    async def stop(self) -> None:
        self.closing = True
        for worker in list(self.workers) + list(self.idle):
            worker.kill()
        for task in list(self._tasks):
            task.cancel()
        for worker in list(self.workers):
            with contextlib.suppress(Exception):
                await asyncio.wait_for(worker.process.wait(), 5)
        self.workers.clear()
        self.idle.clear()

    @property
    def pids(self) -> list:
        return [w.process.pid for w in self.workers]


async def _child() -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(sys.executable, "-c", _BOOT, "\n".join(sys.path),
                                                stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)


def _now() -> float:
    return asyncio.get_running_loop().time()


async def build_next(config, generation: int, timeout: float) -> tuple:
    """("ok", Snapshot) or ("refused", problems): the next snapshot, built in a child process."""
    process = await _child()
    try:
        process.stdin.writelines(frames.encode(("build", os.getpid(), config, generation)))
        await process.stdin.drain()
        return (await asyncio.wait_for(frames.receive(process.stdout), timeout))[0]
    except (EOFError, ConnectionError):
        return "refused", [{"severity": "error", "message": "the policy builder ended before it answered"}]
    except asyncio.TimeoutError:
        return "refused", [{"severity": "error", "message": f"the policy took more than {timeout:g} s to load"}]
    finally:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()


__all__ = ["WorkerPool", "WorkerDied", "build_next"]
