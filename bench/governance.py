"""What governance features cost: fact-dependent parameters, waivers, diff, tune.

    .venv/bin/python -m bench.governance [N]      (default 10,000)

The sample catalog repeated to N services is checked with the default pack,
with the tiered profile (fact-dependent thresholds compiled into durable-rules
conditions) and with the tiered profile plus waivers; then diffed against the
strict-availability profile and tuned over three values.
"""
from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time

import valuate
from valuate.engine.governance.diff import run_diff
from valuate.engine.governance.tune import run_tune

from .sample import ROOT, make_catalog

AS_OF = dt.date(2026, 11, 28)
TIERED = str(ROOT / "examples/profiles/tiered.yaml")
STRICT = str(ROOT / "examples/profiles/strict-availability.yaml")
WAIVERS = str(ROOT / "examples/waivers.yaml")


def timed(label: str, n: int, fn) -> None:
    t0 = time.perf_counter()
    fn()
    took = time.perf_counter() - t0
    print(f"{label:<40} {took:6.2f} s  {n / took:>9,.0f} services/s")


def check(path: str, **policy) -> None:
    request = valuate.RunRequest(valuate.Policy(as_of=AS_OF, **policy), valuate.Inputs((path,)))
    valuate.run(request).report()


def main(n: int = 10_000) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = make_catalog(n, tmp)
        inputs, policy = valuate.Inputs((path,)), valuate.Policy(as_of=AS_OF)
        timed("check, default pack", n, lambda: check(path))
        timed("check, tiered profile", n, lambda: check(path, profile=TIERED))
        timed("check, tiered profile + waivers", n, lambda: check(path, profile=TIERED, waivers=WAIVERS))
        timed("diff default -> strict (2 evaluations)", n, lambda: run_diff(inputs, None, STRICT, policy))
        timed("tune 3 values (4 evaluations)", n, lambda: run_tune(inputs, "min_headroom", [0.05, 0.2, 0.4], policy))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
