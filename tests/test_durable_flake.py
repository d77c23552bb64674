"""durable-rules' intermittent error 102 on a ruleset it accepts in every other run (engine/evaluate/host.py).

The fault is inside the engine and cannot be provoked at will, so the engine's create call is
made to refuse as it does; the run must go on, and a ruleset refused every time stays an error
that names the saved ruleset."""
from __future__ import annotations

import durable_rules_engine as dre
import pytest

from valuate.engine.errors import EngineError
from valuate.engine.evaluate import host


def _refusing(times: int, code: int = 102):
    real, calls = dre.create_ruleset, []

    def create(name, text):
        calls.append(name)
        if len(calls) <= times:
            raise dre.error(f"Could not create ruleset, error code: {code}")
        return real(name, text)
    return create, calls


def _fresh_text() -> dict:
    return {"r0": {"all": [{"m": {"$gte": {"flake.probe": len(host._REGISTERED) + 0.5}}}]}}


def test_a_ruleset_refused_once_with_error_102_is_created_at_the_next_try(monkeypatch):
    create, calls = _refusing(1)
    monkeypatch.setattr(dre, "create_ruleset", create)
    handle = host.DurableHost._register("flakyprobe", _fresh_text())
    assert isinstance(handle, int) and len(calls) == 2 and calls[1] != calls[0]  # a fresh name


def test_a_ruleset_refused_every_time_is_an_error_naming_the_saved_file(monkeypatch):
    create, calls = _refusing(host.CREATE_TRIES)
    monkeypatch.setattr(dre, "create_ruleset", create)
    with pytest.raises(EngineError, match=r"error code: 102; the ruleset is saved in .*valuate-flakyprobe"):
        host.DurableHost._register("flakyprobe", _fresh_text())
    assert len(calls) == host.CREATE_TRIES


def test_another_refusal_is_not_retried(monkeypatch):
    create, calls = _refusing(1, code=204)
    monkeypatch.setattr(dre, "create_ruleset", create)
    with pytest.raises(EngineError, match="error code: 204"):
        host.DurableHost._register("flakyprobe", _fresh_text())
    assert len(calls) == 1
