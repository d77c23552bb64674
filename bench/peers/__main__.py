"""`make bench-peers`: CPU per service of valuate's verdict path and of four peers, in one run.

    .venv-peers/bin/python -m bench.peers [--size 20000] [--seed 42]

On one seeded "varied" synthetic catalog (bench/synth.py), each of these
decides every service's verdict, and each verdict must equal bench/floor.py's
(the reference policy, docs/specification.md#three-valued-criteria) or the run fails, naming the
first services that differ:

- valuate's verdict path: valuate.run() with RunOptions(suggest=False), no
  explanations, as bench/__main__.py's floors() runs it (one batch call);
- the plain-Python floor itself;
- GoRules zen-engine: a JDM decision graph, and the same logic as one compiled
  zen expression (zen.py, policy.jdm.json);
- OPA Rego through regopy, compiled to a bundle (rego.py, policy.rego);
- json-rules-engine under node, one awaited engine.run() per service
  (jre.js, rules.json), timed by node itself with process.cpuUsage().

Figures are process CPU time (time.process_time, or node's own), so another
process on this shared 2-core machine slows a peer's wall clock but much less
its CPU time; still, compare the ratios within one run, not across runs. Load
or compile time is measured apart and is not in the per-service figure.
Results also go to bench/results/peers.json.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

from .. import floor, synth
from . import jre, rego, zen

ROOT = Path(__file__).resolve().parents[2]
AS_OF = dt.date(2026, 11, 28)
MAX_AGE = 365
PYTHON_PEERS = {**zen.PEERS, **rego.PEERS}


def timed(fn, records: list) -> tuple[list, float]:
    """Verdicts of fn on every record, and the process CPU seconds that took."""
    t0 = time.process_time()
    verdicts = [fn(r) for r in records]
    return verdicts, time.process_time() - t0


def valuate_verdicts(records: list) -> tuple[list, float, float]:
    """(verdicts, load CPU s, evaluation CPU s) of valuate's verdict path, in this process."""
    import valuate

    t0 = time.process_time()
    policy = valuate.load_policy(valuate.Policy(as_of=AS_OF))
    load = time.process_time() - t0
    t0 = time.process_time()
    request = valuate.RunRequest(policy.spec, valuate.Inputs(records=tuple(records)),
                                 valuate.RunOptions(suggest=False))
    verdicts = [r.verdict for r in valuate.run(request, policy).results()]
    return verdicts, load, time.process_time() - t0


def float_boundary_cases(services: list) -> int:
    """Services whose capacity check would flip if computed in floats (1 - peak/cap >= 0.1).

    Every peer compares peak*10 <= cap*9 instead (exact for integers), which is
    the floor's Fraction arithmetic; this count says how much that matters here.
    """
    n = 0
    for s in services:
        c = (s.get("warranty") or {}).get("capacity") or {}
        p, m = c.get("peak_demand"), c.get("max_capacity")
        if isinstance(p, int) and isinstance(m, int) and m > 0:
            n += (1 - p / m >= 0.1) != (1 - Fraction(p, m) >= Fraction(1, 10))
    return n


def row(name: str, load_s: float | None, cpu_s: float, n: int, note: str = "") -> dict:
    us = cpu_s / n * 1e6
    return {"peer": name, "load_s": None if load_s is None else round(load_s, 4), "cpu_us_per_service": round(us, 1),
            "services_per_s_one_core": round(1e6 / us) if us else None, "note": note}


def disagreements(services: list, expected: list, got: list) -> list:
    return [(s.get("id"), g, e) for s, e, g in zip(services, expected, got) if g != e]


def print_table(rows: list, base_us: float) -> None:
    print(f"{'peer':<30} {'load s':>8} {'cpu-µs/service':>15} {'services/s (1 core)':>20} {'cpu vs valuate':>15}")
    for r in rows:
        load = "-" if r["load_s"] is None else f"{r['load_s']:.3f}"
        print(f"{r['peer']:<30} {load:>8} {r['cpu_us_per_service']:>15,.1f} {r['services_per_s_one_core']:>20,}"
              f" {r['ratio_to_valuate']:>14.3f}x")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.peers")
    parser.add_argument("--size", type=int, default=20_000, help="number of synthetic services (default 20000)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results" / "peers.json")
    args = parser.parse_args()
    from valuate.engine.ingest import read_catalog

    with tempfile.TemporaryDirectory(prefix="valuate-peers-") as tmp:
        path = synth.write_catalog(args.size, Path(tmp) / "varied.jsonl", seed=args.seed, mix="varied")
        raws = list(read_catalog(str(path)))
        services = [raw.data for raw in raws]  # the same dicts for every Python peer
        print(f"{len(services):,} 'varied' services (seed {args.seed}), as of {AS_OF}; one run, process CPU time; "
              f"load/compile time is apart (load s), not in cpu-µs/service.\n", flush=True)

        expected, floor_s = timed(lambda s: floor.verdict(s, AS_OF, max_age=MAX_AGE), services)
        rows = [row("plain-Python floor", None, floor_s, len(services), "bench/floor.py, the reference")]
        failures: dict = {}
        got, load_s, cpu_s = valuate_verdicts(raws)
        rows.insert(0, row("valuate (verdict path)", load_s, cpu_s, len(services), "run(), suggest=False, one batch"))
        failures["valuate (verdict path)"] = disagreements(services, expected, got)
        for name, loader in PYTHON_PEERS.items():
            t0 = time.process_time()
            fn = loader(AS_OF, MAX_AGE)
            load_s = time.process_time() - t0
            got, cpu_s = timed(fn, services)
            rows.append(row(name, load_s, cpu_s, len(services)))
            failures[name] = disagreements(services, expected, got)
            print(f"  {name}: done", file=sys.stderr, flush=True)
        why = jre.missing()
        if why:
            raise SystemExit(f"BENCHMARK FAILED: json-rules-engine cannot run: {why}")
        report = jre.run(path, AS_OF, MAX_AGE)
        rows.append({**row(jre.NAME, report["load_s"], report["cpu_us_per_service"] * len(services) / 1e6,
                           len(services), f"node {report['node']}, awaited engine.run() per service")})
        failures[jre.NAME] = disagreements(services, expected, report["verdicts"])

    base = rows[0]["cpu_us_per_service"]
    for r in rows:
        r["ratio_to_valuate"] = round(r["cpu_us_per_service"] / base, 4)
    print_table(rows, base)
    counts = {v: expected.count(v) for v in sorted(set(expected))}
    boundary = float_boundary_cases(services)
    print(f"\nverdicts (the floor's): {counts}; every peer checked on all {len(services):,}.")
    print(f"'cpu vs valuate' is the peer's CPU per service over valuate's (below 1: cheaper). {boundary} services sit on "
          f"the 10 % headroom boundary where 1 - peak/cap >= 0.1 in floats would flip; every peer compares "
          f"peak*10 <= cap*9, exact as the floor's fractions.")
    results = {"date": dt.datetime.now().isoformat(timespec="seconds"), "size": len(services), "seed": args.seed,
               "as_of": AS_OF.isoformat(), "python": platform.python_version(), "cores": os.cpu_count(),
               "verdicts": counts, "float_boundary_cases": boundary, "rows": rows,
               "disagreements": {k: len(v) for k, v in failures.items()}}
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    bad = {k: v for k, v in failures.items() if v}
    if bad:
        for name, diffs in bad.items():
            print(f"BENCHMARK FAILED: {name} disagrees with bench/floor.py on {len(diffs)} services, first: "
                  + ", ".join(f"{i} ({g} != {e})" for i, g, e in diffs[:5]), file=sys.stderr)
        raise SystemExit(1)
    print(f"all peers agree with bench/floor.py; figures in {args.output.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
