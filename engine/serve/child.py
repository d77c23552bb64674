"""The main of the server's child processes: evaluation workers, and the policy builder of a reload.

Started by the server (pool.py) with the server's own import path; talks to it over
its standard input and output in frames (``frames.py``). Its own standard
output is pointed at standard error first, so that nothing printed can break
the channel. The first frame says what the process is:

- ``("work", parent pid)`` with a snapshot's payload as its tail: an evaluation
  worker; it answers "ready" once warm, then one reply per request, and ends
  when its input closes (or with the server: ``PR_SET_PDEATHSIG``);
- ``("build", parent pid, config, generation)``: build the next snapshot
  (lint, load, compile) off the server's event loop, send it, and end.
"""
from __future__ import annotations

import os
import pickle
import signal
import sys
import traceback

from ..evaluate.parallel import die_with_parent
from . import frames
from .snapshot import PolicyRefused, build_refusing
from .worker import Worker


def main() -> None:
    channel = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # print() and stray C output go to the server's standard error
    sys.stdout = sys.stderr
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle
    source = sys.stdin.buffer
    hello = frames.read(source)
    if hello is None:
        return
    (kind, parent, *args), payload = hello
    die_with_parent(parent)  # a server killed with -9 leaves no child behind
    if kind == "work":
        _work(payload, source, channel)
    elif kind == "build":
        frames.write(channel, _build(*args))


def _work(payload: bytes, source, channel) -> None:
    worker = Worker(pickle.loads(payload))
    del payload
    try:
        frames.write(channel, ("ready", os.getpid()))
        while True:
            request = frames.read(source)
            if request is None:  # the server closed this worker
                return
            message, body = request
            status, decision, answer = worker.handle(message, body)
            frames.write(channel, (status, decision), answer)
    finally:
        worker.close()


def _build(config, generation: int) -> tuple:
    try:
        return "ok", build_refusing(config, generation)
    except PolicyRefused as err:
        return "refused", err.problems
    except Exception as err:  # a bug in valuate: the reload is refused, the operator gets the traceback
        traceback.print_exc(file=sys.stderr)
        return "refused", [{"severity": "error", "message": f"internal error while loading the policy "
                                                          f"({type(err).__name__}); the server log has the details"}]


if __name__ == "__main__":
    main()
