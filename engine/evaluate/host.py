"""The durable-rules host: one per process, one service at a time.

valuate drives durable-rules' compiled core (``durable_rules_engine``)
directly instead of through ``durable.engine.Host``: that wrapper starts
background dispatch threads (unsafe with our states, see the notes on
threads) and routes every firing through Python closures and JSON decoding
of the matched fact. Here a service is asserted into each ruleset, every
pending action is drained (only the rule name is read), and the fact is
retracted, so no state ever holds more than one fact (facts piling up in a
state are silently lost to 32-bit hash collisions).

Each ruleset is primed once when created: durable-rules creates its state on
the first assert and runs the rules against that state's own fact
(``{"sid": "0", "id": "sid-0", "$s": 1}``), so "does not exist" conditions
fire for it. Priming absorbs those firings before any service is asserted.
"""
from __future__ import annotations

import json
import os
import tempfile

import durable_rules_engine as dre

from ..compile.program import Program
from ..errors import EngineError
from .payload import encode

_OK, _NOT_HANDLED = 0, 1
_PRIME = json.dumps({"id": "valuate-prime"})
# Rulesets registered in this process, by definition. durable-rules'
# delete_ruleset corrupts later ruleset creation (measured: about 1 create in
# 1,700 then fails with error 102, never without deleting), so rulesets are
# never deleted; a host whose definitions were registered before reuses them.
# That is safe because every service is asserted and retracted before the
# next, and only one thread drives the engine.
_REGISTERED: dict = {}


def _keep(name: str, text: str) -> str:
    """Save a ruleset durable-rules refused, so the report of it carries what was refused; says where."""
    try:
        fd, path = tempfile.mkstemp(prefix=f"valuate-{name}-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
    except OSError as err:  # never hide durable-rules' error behind our own
        return f"could not be saved for the bug report ({err.strerror or err})"
    return f"is saved in {path} for the bug report"


# durable-rules now and then refuses a ruleset it accepts in every other run with
# error 102 (its JSON parser's "parse string"), the same text failing once in about
# 1,500 processes here and loading at the next try: a fault inside the engine, not
# in the ruleset. A refused creation registers nothing, so it is tried again, under
# a fresh name each time; only a ruleset refused every time is an error.
CREATE_TRIES = 3
_FLAKY = "error code: 102"


def _create(name: str, text: str) -> int:
    attempt = 0
    while True:
        try:
            return dre.create_ruleset(name if attempt == 0 else f"{name}r{attempt}", text)
        except dre.error as err:
            attempt += 1
            if _FLAKY not in str(err) or attempt == CREATE_TRIES:
                raise EngineError(f"durable-rules refused a compiled ruleset: {err}; the ruleset "
                                  f"{_keep(name, text)}") from None


class DurableHost:
    """Owns the durable-rules rulesets of one compiled Program in this process."""

    def __init__(self, program: Program):
        self.program = program
        self._handles: list[int] = [self._register(name, d) for name, d in program.rulesets]

    @classmethod
    def _register(cls, name: str, definition: dict) -> int:
        # Spelled like the facts (payload.encode): durable-rules' parser refuses a
        # float written with an exponent and no decimal point (1e-05, 1e+300),
        # which is how Python writes --set min_headroom=0.00001 (error 204).
        text = encode(definition)
        handle = _REGISTERED.get(text)
        if handle is None:
            handle = _create(name, text)
            cls._prime(handle)
            _REGISTERED[text] = handle
        return handle

    @staticmethod
    def _prime(handle: int) -> None:
        code, _ = dre.assert_fact(handle, _PRIME)
        started = dre.start_action(handle)  # the first pending action, in any state
        while started:
            started = dre.complete_and_start_action(handle, started[2]) and started
        if code == _OK:
            dre.retract_fact(handle, _PRIME)

    def fire(self, payloads: list, start: int = 0) -> list[str]:
        """Assert one payload per ruleset (JSON text), from ruleset ``start`` on; names of
        the rules that fired.

        Each ruleset gets only the properties its rules read (PayloadPlan.keys):
        durable-rules copies the whole fact into every firing's message, so a
        smaller fact is cheaper to match and to drain."""
        fired: list[str] = []
        for handle, payload in zip(self._handles[start:], payloads):
            try:
                code, state = dre.assert_fact(handle, payload)
            except dre.error as err:
                raise EngineError(f"durable-rules rejected a fact: {err}") from None
            if code == _NOT_HANDLED:
                continue  # nothing matched, so nothing was stored
            if code != _OK:
                raise EngineError(f"durable-rules returned code {code} on assert")
            try:
                result = dre.start_action_for_state(handle, state)
                message = result[1] if result else None
                while message:
                    # The message is {"<rule name>": {...}}; the name is all we need.
                    fired.append(message[2:message.index('"', 2)])
                    message = dre.complete_and_start_action(handle, state)
            finally:
                dre.retract_fact(handle, payload)
        return fired

    def close(self) -> None:
        """Release this host; its rulesets stay registered for reuse (see _REGISTERED)."""
        self._handles = []

    def __enter__(self) -> "DurableHost":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
