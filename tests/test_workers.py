"""engine/evaluate/workers.py on its own: the pool's answers do not depend on timing.

A record that kills its worker is blamed after exactly ``attempts`` deaths, whether its
chunk was being sent, evaluated or returned, and however many chunks were in flight;
a worker found dead before it got a task (killed while idle) costs no record anything."""
from __future__ import annotations

import multiprocessing
import os
import signal
import sys

import pytest

from valuate.engine.evaluate.workers import WorkerPool

pytestmark = pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="fork")
CTX = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
DEADLY = {13, 14, 57, 199}


def _init():
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run(items):
    out = []
    for position, value in items:
        if value in DEADLY:
            os._exit(3)  # as a crash in C code would end it
        out.append((position, value * 2))
    return out


def _crashed(position, value):
    return (position, "crashed")


def _expected(n):
    return [(i, "crashed" if i in DEADLY else i * 2) for i in range(n)]


@pytest.mark.parametrize("jobs, chunk, window", [(1, 5, 2), (2, 7, 8), (3, 1, 3), (2, 50, 4)])
def test_crashing_records_are_blamed_and_nothing_else(jobs, chunk, window):
    pool = WorkerPool(CTX, jobs, _init, (), _run, _crashed, attempts=2, window=window)
    got = list(pool.run(iter((i, i) for i in range(240)), chunk))
    assert got == _expected(240)


def test_a_worker_killed_while_idle_costs_nothing():
    pool = WorkerPool(CTX, 2, _init, (), _run, _crashed, attempts=2, window=4)
    for worker in pool.workers:  # both die before they get a task
        os.kill(worker.process.pid, signal.SIGKILL)
        worker.process.join(5)
    got = list(pool.run(iter((i, i + 1000) for i in range(100)), 10))
    assert got == [(i, (i + 1000) * 2) for i in range(100)]


def test_stopping_early_kills_the_workers_at_once():
    pool = WorkerPool(CTX, 2, _init, (), _run, _crashed, attempts=2, window=4)
    processes = [w.process for w in pool.workers]
    run = pool.run(iter((i, i + 1000) for i in range(10_000)), 10)
    assert next(run) == (0, 2000)
    run.close()  # the consumer stopped (Ctrl-C, a write error)
    assert not any(p.is_alive() for p in processes)
