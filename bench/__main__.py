"""`make bench`: throughput, memory and start-up, with ratios to the floor.

    .venv/bin/python -m bench [--sizes 10000,100000,1000000] [--jobs N]

For each size a seeded synthetic catalog (bench/synth.py) is written as JSON
Lines, then:
  - end to end: `valuate check FILE --format json -j N > /dev/null` in a
    subprocess; wall time, services/s, peak resident memory of the whole
    process tree (sampled from /proc every 20 ms);
  - evaluation alone, in this process on one core (read, validate, evaluate
    through durable-rules, build findings; no output), on up to 100,000
    records;
  - the floor (bench/floor.py, plain Python, same records, same process) and
    the ratio floor/valuate per core; every verdict must agree.
Then the CLI on a 55-service catalog against `python -c pass`. End-to-end
runs use --no-suggestions; up to --suggestions-up-to services (default
100,000) the default run with "what would make it pass" is timed too.
Figures print as a table and go to bench/results/latest.json. The machine is
shared and noisy: compare the ratios, which are measured in one run.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import floor, synth

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 11, 28)
IN_PROCESS_CAP = 100_000
VALUATE = [sys.executable, "-m", "valuate"]


def tree_rss_kib(pid: int) -> int:
    """Resident memory of a process and all its descendants, in KiB.

    Proportional set size (Pss): pages shared between the main process and
    the workers it forked are counted once, split between them, instead of
    once per process as summing VmRSS would.
    """
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/smaps_rollup") as fh:
                for line in fh:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    stack.extend(int(c) for c in fh.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError, ValueError):
            continue
    return total


def run_measured(cmd: list, stdout=subprocess.DEVNULL) -> tuple[float, int, int]:
    """(wall seconds, peak tree RSS KiB, exit code) of a command."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.PIPE, cwd=ROOT)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, tree_rss_kib(proc.pid))
        time.sleep(0.02)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"valuate failed ({proc.returncode}): {err}")
    return wall, peak, proc.returncode


def end_to_end(path: Path, n: int, jobs: int, suggestions: bool) -> dict:
    flag = "--suggestions" if suggestions else "--no-suggestions"
    wall, peak, _ = run_measured(VALUATE + ["check", str(path), "--format", "json", "--as-of", AS_OF.isoformat(),
                                            "--fail-on", "never", "-j", str(jobs), flag])
    return {"seconds": round(wall, 2), "services_per_s": round(n / wall), "peak_rss_mib": round(peak / 1024, 1)}


def in_process(path: Path, limit: int) -> dict:
    from valuate.engine.evaluate import Evaluator
    from valuate.engine.evaluate.batch import evaluate_one
    from valuate.engine.ingest import read_catalog
    from valuate.engine.policy import load_policy
    from valuate.engine.request import Policy

    setup = load_policy(Policy(as_of=AS_OF))
    records = []
    for i, raw in enumerate(read_catalog(str(path))):
        if i >= limit:
            break
        records.append(raw)
    evaluator = Evaluator(setup.program, AS_OF, explain=False)
    t0 = time.perf_counter()
    verdicts = [evaluate_one(raw, i, evaluator).verdict for i, raw in enumerate(records, 1)]
    t_eval = time.perf_counter() - t0
    evaluator.close()
    t0 = time.perf_counter()
    expected = [floor.verdict(raw.data, AS_OF) for raw in records]
    t_floor = time.perf_counter() - t0
    bad = [(raw.data.get("id"), v, e) for raw, v, e in zip(records, verdicts, expected) if v != e]
    if bad:
        raise SystemExit(f"BENCHMARK FAILED: {len(bad)} verdicts differ from the floor, e.g. {bad[:5]}")
    counts = {v: verdicts.count(v) for v in sorted(set(verdicts))}
    return {"records": len(records), "eval_services_per_s": round(len(records) / t_eval),
            "floor_services_per_s": round(len(records) / t_floor),
            "floor_over_valuate": round(t_eval / t_floor, 1), "verdicts": counts, "agree": True}


def startup(tmp: Path) -> dict:
    small = synth.write_catalog(55, tmp / "55.jsonl", seed=7)
    py = min(run_measured([sys.executable, "-c", "pass"])[0] for _ in range(3))
    cli = min(run_measured(VALUATE + ["check", str(small), "--as-of", AS_OF.isoformat(), "--fail-on", "never"])[0]
              for _ in range(3))
    return {"python_c_pass_s": round(py, 3), "valuate_55_services_s": round(cli, 3), "ratio": round(cli / py, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--sizes", default=os.environ.get("BENCH_SIZES", "10000,100000,1000000"))
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--suggestions-up-to", type=int, default=100_000,
                        help="also time the default run (with 'what would make it pass') up to this size")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results: dict = {"date": dt.datetime.now().isoformat(timespec="seconds"), "jobs": args.jobs,
                     "cores": os.cpu_count(), "sizes": {}}
    with tempfile.TemporaryDirectory(prefix="valuate-bench-") as tmpdir:
        tmp = Path(tmpdir)
        for n in sizes:
            path = synth.write_catalog(n, tmp / f"{n}.jsonl")
            row = {"end_to_end": end_to_end(path, n, args.jobs, False),
                   "in_process": in_process(path, min(n, IN_PROCESS_CAP))}
            if n <= args.suggestions_up_to:
                row["end_to_end_with_suggestions"] = end_to_end(path, n, args.jobs, True)
            results["sizes"][n] = row
            _print_row(n, row)
            path.unlink()
        results["startup"] = startup(tmp)
    s = results["startup"]
    print(f"\nstart-up: valuate on 55 services {s['valuate_55_services_s']} s vs python -c pass "
          f"{s['python_c_pass_s']} s ({s['ratio']}x)")
    sizes_done = list(results["sizes"])
    if len(sizes_done) >= 2:
        big, ref = results["sizes"][sizes_done[-1]], results["sizes"][sizes_done[-2]]
        print(f"memory: {sizes_done[-1]:,} vs {sizes_done[-2]:,} services: "
              f"{big['end_to_end']['peak_rss_mib'] / ref['end_to_end']['peak_rss_mib']:.2f}x")
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps(results, indent=2))
    print(f"results: {out / 'latest.json'}")


def _print_row(n: int, row: dict) -> None:
    e, p = row["end_to_end"], row["in_process"]
    print(f"{n:>9,} services | end to end {e['seconds']:>7} s {e['services_per_s']:>8,}/s "
          f"peak {e['peak_rss_mib']:>7} MiB | eval alone {p['eval_services_per_s']:>7,}/s "
          f"floor {p['floor_services_per_s']:>9,}/s (floor is {p['floor_over_valuate']}x faster per core, "
          f"{p['records']:,} agree) {p['verdicts']}", flush=True)
    s = row.get("end_to_end_with_suggestions")
    if s:
        print(f"{'':>9}   with 'what would make it pass' (the default): {s['seconds']} s "
              f"{s['services_per_s']:,}/s peak {s['peak_rss_mib']} MiB", flush=True)


if __name__ == "__main__":
    main()
