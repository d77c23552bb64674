"""The evaluation processes behind the server, and swapping them on reload.

Worker processes are started with "spawn": the server process runs an
event loop and threads, and forking such a process is unsafe. Each worker
loads the policy in its initializer; a reload starts a new pool with the new
policy and lets the old one finish what it was given.
"""
from __future__ import annotations

import asyncio
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from typing import Callable

from ..policy import LoadedPolicy
from ..request import Policy
from . import worker


class EvaluationPool:
    def __init__(self, spec: Policy, policy: LoadedPolicy, workers: int, generation: int = 1):
        self.spec, self.policy, self.workers, self.generation = spec, policy, workers, generation
        self.executor = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                            initializer=worker.start, initargs=(spec, os.getpid()))

    async def call(self, fn: Callable, *args, timeout: float):
        loop = asyncio.get_running_loop()
        return await asyncio.wait_for(loop.run_in_executor(self.executor, fn, *args), timeout)

    async def warm(self, timeout: float) -> None:
        """Every worker started, its policy loaded."""
        await asyncio.gather(*(self.call(worker.ping, timeout=timeout) for _ in range(self.workers)))

    def replaced(self, spec: Policy, policy: LoadedPolicy) -> "EvaluationPool":
        return EvaluationPool(spec, policy, self.workers, self.generation + 1)

    def close(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=False)
