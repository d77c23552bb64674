"""valuate: judge IT services the way ITIL 4 does, on the durable-rules Rete engine.

The library API (the CLI is a thin face over it)::

    import datetime
    import valuate

    request = valuate.RunRequest(
        policy=valuate.Policy(as_of=datetime.date(2026, 11, 28)),
        inputs=valuate.Inputs(catalogs=("catalog.yaml",)))
    current = valuate.run(request)
    for result in current.results():
        print(result.id, result.verdict)
    print(current.summary.to_dict())

Names are imported on first use, so ``import valuate`` stays cheap.
"""
from __future__ import annotations

from importlib import import_module

# No import at the top, not even the version: pytest imports this file as a plain
# module when the checkout's folder name is not an identifier (valuate-main/), and
# a relative import there would fail every test of that clone.
_API = {
    "__version__": "engine.version",
    "run": "engine.pipeline", "Run": "engine.pipeline", "read_inputs": "engine.pipeline",
    "RunRequest": "engine.request", "Policy": "engine.request", "Inputs": "engine.request",
    "RunOptions": "engine.request", "load_policy": "engine.policy", "LoadedPolicy": "engine.policy",
    "Limits": "engine.limits", "UserError": "engine.errors",
    "ServiceResult": "engine.model", "Finding": "engine.model", "CriterionResult": "engine.model",
    "Report": "engine.model", "RunInfo": "engine.model", "Summary": "engine.model",
}

__all__ = list(_API)


def __getattr__(name: str):
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'valuate' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), "VERSION" if name == "__version__" else name)
    globals()[name] = value
    return value
