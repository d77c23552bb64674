"""Worker processes that survive any one of them dying, with a pipe of its own each.

Why not ``concurrent.futures.ProcessPoolExecutor``: its workers share one
result pipe, and a worker killed while it writes a result (``kill -9``, the
OOM killer, a crash in C code) leaves half a message in it; the executor then
waits for the rest of that message forever. Here every worker has its own
pipe: a worker that dies takes only its own pipe with it, which the main
process sees at once (the process's sentinel, or the end of its pipe in the
middle of a message), and the task it held is done again by a new worker.

Tasks are chunks of numbered records; results come back in input order. A
chunk whose worker died is split into one-record tasks, done first; a record
whose own worker dies ``attempts`` times is given up (``on_crash`` makes its
outcome), so a worker killed from outside never costs a record its verdict,
and a record that kills every worker cannot stop the batch.
"""
from __future__ import annotations

import contextlib
import os
from collections import deque
from dataclasses import dataclass
from itertools import islice
from multiprocessing.connection import wait
from typing import Callable, Iterator, Optional

_STOP = None  # what a worker receives to end


def _main(conn, init: Callable, init_args: tuple, run: Callable) -> None:
    """A worker: set up once, then run each task it receives and send back its results."""
    init(*init_args)
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):  # the main process is gone
            os._exit(0)
        if task is _STOP:
            os._exit(0)
        try:
            reply = ("ok", run(task))
        except Exception as err:  # a bug: raised again in the main process
            reply = ("raised", RuntimeError(f"{type(err).__name__}: {err}"))
        conn.send(reply)


@dataclass
class _Task:
    chunk: int  # its chunk's number (output order)
    items: list  # [(position, raw), ...]
    part: Optional[int] = None  # a one-record task split from a chunk: the record's index in it
    deaths: int = 0  # times a worker died on this one record


class _Worker:
    def __init__(self, ctx, init: Callable, init_args: tuple, run: Callable):
        self.conn, child = ctx.Pipe(duplex=True)
        self.process = ctx.Process(target=_main, args=(child, init, init_args, run), daemon=True)
        self.process.start()
        child.close()  # only the worker holds its end: its death ends the pipe
        self.task: Optional[_Task] = None

    def give(self, task: _Task) -> bool:
        try:
            self.conn.send(task.items)
        except (OSError, EOFError, ValueError):  # dead already: the task never reached it
            return False
        self.task = task
        return True

    def reply(self) -> Optional[tuple]:
        """Its reply, or None when it died before it finished sending one."""
        try:
            return self.conn.recv()
        except (EOFError, OSError, ValueError):
            return None
        except Exception:  # half a message that still unpickled into nonsense
            return None

    def end(self, kill: bool) -> None:
        if not kill:
            with contextlib.suppress(OSError, ValueError):
                self.conn.send(_STOP)
            self.process.join(5)
        if self.process.is_alive():
            with contextlib.suppress(Exception):
                self.process.kill()
        self.process.join(5)
        self.conn.close()


class WorkerPool:
    """``jobs`` workers, each set up by ``init(*init_args)`` and running ``run(items)``."""

    def __init__(self, ctx, jobs: int, init: Callable, init_args: tuple, run: Callable,
                 on_crash: Callable, attempts: int = 2, window: int = 8):
        self.ctx, self.jobs, self.start = ctx, jobs, (init, init_args, run)
        self.on_crash, self.attempts, self.window = on_crash, attempts, window
        self.workers = [self._new() for _ in range(jobs)]
        self.todo: deque = deque()
        self.parts: dict = {}  # chunk -> [outcome per record], while its records are redone one by one
        self.done: dict = {}  # chunk -> outcomes, waiting for the chunks before it

    def _new(self) -> _Worker:
        init, init_args, run = self.start
        return _Worker(self.ctx, init, init_args, run)

    def run(self, numbered: Iterator, chunk_size: int) -> Iterator:
        """Outcomes of every numbered record, in input order."""
        chunks = iter(lambda: list(islice(numbered, chunk_size)), [])
        read, wanted, more, finished = 0, 0, True, False
        try:
            while True:
                while more and len(self.todo) + self._busy() + len(self.done) + len(self.parts) < self.window:
                    items = next(chunks, None)
                    if items is None:
                        more = False
                    else:
                        self.todo.append(_Task(read, items))
                        read += 1
                self._assign()
                while wanted in self.done:
                    yield from self.done.pop(wanted)
                    wanted += 1
                if not more and wanted == read:
                    finished = True
                    return
                if self._busy():  # else every chunk read is yielded: read on (never wait on nobody)
                    self._wait()
        finally:
            for worker in self.workers:
                worker.end(kill=not finished)

    def _busy(self) -> int:
        return sum(1 for w in self.workers if w.task is not None)

    def _assign(self) -> None:
        for i, worker in enumerate(self.workers):
            while worker.task is None and self.todo:
                task = self.todo.popleft()
                if not worker.give(task):
                    self.todo.appendleft(task)  # not its fault: it never started it
                    worker.end(kill=True)
                    worker = self.workers[i] = self._new()

    def _wait(self) -> None:
        busy = {w.conn: w for w in self.workers if w.task is not None}
        busy.update({w.process.sentinel: w for w in self.workers if w.task is not None})
        for ready in wait(list(busy)):
            worker = busy[ready]
            if worker.task is None:  # its pipe and its sentinel were both ready: handled
                continue
            reply = worker.reply() if worker.conn.poll() else None
            if reply is None:
                self._lost(worker)
            else:
                self._finished(worker, reply)

    def _finished(self, worker: _Worker, reply: tuple) -> None:
        kind, payload = reply
        if kind == "raised":
            raise payload
        task, worker.task = worker.task, None
        if task.part is None:
            self.done[task.chunk] = payload
        else:
            self._part(task, payload[0])

    def _lost(self, worker: _Worker) -> None:
        """The worker died holding a task: replace it, and redo the task."""
        task, worker.task = worker.task, None
        index = self.workers.index(worker)
        worker.end(kill=True)
        self.workers[index] = self._new()
        if task.part is None:  # a chunk: each record again on its own, before anything else
            self.parts[task.chunk] = [None] * len(task.items)
            self.todo.extendleft(reversed([_Task(task.chunk, [item], i) for i, item in enumerate(task.items)]))
        elif task.deaths + 1 >= self.attempts:
            self._part(task, self.on_crash(*task.items[0]))
        else:
            task.deaths += 1
            self.todo.appendleft(task)

    def _part(self, task: _Task, outcome) -> None:
        parts = self.parts[task.chunk]
        parts[task.part] = outcome
        if all(p is not None for p in parts):
            self.done[task.chunk] = self.parts.pop(task.chunk)


__all__ = ["WorkerPool"]
