"""`make bench`: the default batch end to end, with ratios to two floors, memory and start-up.

    .venv/bin/python -m bench [--sizes 10000,100000,1000000] [--jobs N]

Everything is measured in one run, on seeded synthetic catalogs (bench/synth.py)
written as JSON Lines: "varied" services (most failing or indeterminate, as
real catalogs are, some lists unrecorded) and "sparse" ones (almost every fact
missing). Printed:

- end to end, `valuate check FILE --format jsonl --output OUT -j N` in a
  subprocess: services/s with the default settings (what would make it pass
  included), with --no-suggestions, and on sparse records; wall time and the
  peak memory (Pss) of the whole process tree;
- the engine-only floor: durable-rules' own calls (assert, drain, retract) on
  the same services' prepared payloads, CPU per service, as services/s on N cores;
- the plain-Python floor (bench/floor.py, the same policy as dictionary
  look-ups), on the same records, every verdict compared with valuate's;
- 10,000 records sharing one id; the CLI on 55 services against `python -c pass`;
- the run store (bench/store.py): what `--store` adds to the largest default-timed
  check, and the bytes the store keeps per finding.

Ratios are floor / valuate, measured in one run: the machines are shared and
noisy, compare the ratios. Figures also go to bench/results/latest.json.
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

from . import floor, store, synth

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 11, 28)
IN_PROCESS_CAP = 100_000
DEFAULT_UP_TO = 100_000  # the default run (with suggestions) is timed up to this size
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
        # Reading smaps_rollup of every process costs CPU the run under test then lacks
        # (about a fifth of a core at 50 polls/s); memory is flat in N, 10 polls/s see its peak.
        time.sleep(0.1)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"valuate failed ({proc.returncode}): {err}")
    return wall, peak, proc.returncode


def end_to_end(path: Path, n: int, jobs: int, suggestions: bool, out: Path) -> dict:
    flag = "--suggestions" if suggestions else "--no-suggestions"
    wall, peak, _ = run_measured(VALUATE + ["check", str(path), "--format", "jsonl", "--output", str(out),
                                            "--as-of", AS_OF.isoformat(), "--fail-on", "never", "-j", str(jobs), flag])
    return {"seconds": round(wall, 2), "services_per_s": round(n / wall), "peak_pss_mib": round(peak / 1024, 1)}


def floors(path: Path, limit: int) -> dict:
    """CPU per service of durable-rules' calls alone and of the plain-Python policy,
    on the same records; every verdict of valuate's pipeline must agree with the floor."""
    import valuate
    from valuate.engine.evaluate import Evaluator
    from valuate.engine.evaluate.payload import build_payload, encode
    from valuate.engine.ingest import read_catalog
    from valuate.engine.ingest.validate import validate

    records = [raw for _, raw in zip(range(limit), read_catalog(str(path)))]
    policy = valuate.load_policy(valuate.Policy(as_of=AS_OF))
    request = valuate.RunRequest(policy.spec, valuate.Inputs(records=tuple(records)),
                                 valuate.RunOptions(suggest=False))
    verdicts = [r.verdict for r in valuate.run(request, policy).results()]
    t0 = time.process_time()
    expected = [floor.verdict(raw.data, AS_OF) for raw in records]
    python_us = (time.process_time() - t0) / len(records) * 1e6
    bad = [(raw.data.get("id"), v, e) for raw, v, e in zip(records, verdicts, expected) if v != e]
    if bad:
        raise SystemExit(f"BENCHMARK FAILED: {len(bad)} verdicts differ from the floor, e.g. {bad[:5]}")
    evaluator = Evaluator(policy.program, AS_OF, explain=False)
    prepared = []
    for i, raw in enumerate(records):
        fact, _ = validate(raw.data)
        if fact is not None:
            payload = build_payload(policy.program.plan, fact, evaluator.derived_values(fact), i + 1)
            prepared.append([encode({k: v for k, v in payload.items() if k in keys})
                             for keys in policy.program.keys])
    t0 = time.process_time()
    for texts in prepared:
        evaluator.host.fire(texts)
    engine_us = (time.process_time() - t0) / len(prepared) * 1e6
    return {"records": len(records), "engine_cpu_us": round(engine_us, 1), "python_cpu_us": round(python_us, 1),
            "verdicts": {v: verdicts.count(v) for v in sorted(set(verdicts))}, "agree": True}


def duplicate_ids(tmp: Path, jobs: int) -> dict:
    path = tmp / "same-id.jsonl"
    path.write_text("".join(json.dumps({"id": "same", "provider": f"p{i}"}) + "\n" for i in range(10_000)))
    wall, peak, _ = run_measured(VALUATE + ["check", str(path), "--format", "jsonl", "--output", str(tmp / "o"),
                                            "--as-of", AS_OF.isoformat(), "--fail-on", "never", "-j", str(jobs)])
    return {"seconds": round(wall, 2)}


def startup(tmp: Path) -> dict:
    # A pip install compiles the package's bytecode; an editable install leaves it to the
    # first import, which writes nothing under PYTHONDONTWRITEBYTECODE (set on these
    # machines), so every run would compile all modules again (about 0.2 s of the start-up).
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "engine"), str(ROOT / "cli.py"),
                    str(ROOT / "__init__.py"), str(ROOT / "__main__.py")], check=True, cwd=ROOT)
    small = synth.write_catalog(55, tmp / "55.jsonl", seed=7)
    py = min(run_measured([sys.executable, "-c", "pass"])[0] for _ in range(3))
    cli = min(run_measured(VALUATE + ["check", str(small), "--as-of", AS_OF.isoformat(), "--fail-on", "never"])[0]
              for _ in range(3))
    return {"python_c_pass_s": round(py, 3), "valuate_55_services_s": round(cli, 3), "ratio": round(cli / py, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--sizes", default=os.environ.get("BENCH_SIZES", "10000,100000,1000000"))
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--default-up-to", type=int, default=DEFAULT_UP_TO,
                        help="time the default run (with 'what would make it pass') up to this size")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results: dict = {"date": dt.datetime.now().isoformat(timespec="seconds"), "jobs": args.jobs,
                     "cores": os.cpu_count(), "sizes": {}}
    with tempfile.TemporaryDirectory(prefix="valuate-bench-") as tmpdir:
        tmp = Path(tmpdir)
        for n in sizes:
            path = synth.write_catalog(n, tmp / f"{n}.jsonl", mix="varied")
            row = {"floors": floors(path, min(n, IN_PROCESS_CAP))}
            if n <= args.default_up_to:
                row["default"] = end_to_end(path, n, args.jobs, True, tmp / "out.jsonl")
                sparse = synth.write_catalog(n, tmp / f"{n}-sparse.jsonl", mix="sparse")
                row["sparse"] = end_to_end(sparse, n, args.jobs, True, tmp / "out.jsonl")
                sparse.unlink()
            row["no_suggestions"] = end_to_end(path, n, args.jobs, False, tmp / "out.jsonl")
            results["sizes"][n] = row
            _print_row(n, row, args.jobs)
            path.unlink()
        results["duplicate_ids"] = duplicate_ids(tmp, args.jobs)
        results["startup"] = startup(tmp)
        timed = [n for n in sizes if n <= args.default_up_to]
        if timed:  # the store's figures on the largest catalog the default run was timed on
            path = synth.write_catalog(max(timed), tmp / "store.jsonl", mix="varied")
            results["store"] = store.figures(path, max(timed), args.jobs, tmp)
            path.unlink()
    d, s = results["duplicate_ids"], results["startup"]
    print(f"\n10,000 records with one id: {d['seconds']} s")
    print(f"start-up: valuate on 55 services {s['valuate_55_services_s']} s vs python -c pass "
          f"{s['python_c_pass_s']} s ({s['ratio']}x; bytecode compiled first, as pip install does)")
    if "store" in results:
        print(store.report(results["store"]))
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps(results, indent=2))
    print(f"results: {out / 'latest.json'}")


def _print_row(n: int, row: dict, jobs: int) -> None:
    f = row["floors"]
    engine_rate = jobs * 1e6 / f["engine_cpu_us"]
    python_rate = jobs * 1e6 / f["python_cpu_us"]
    print(f"\n{n:,} varied services ({f['verdicts']}; {f['records']:,} agree with the plain-Python floor)")
    print(f"  floors on {jobs} cores: durable-rules calls alone {engine_rate:>9,.0f}/s "
          f"({f['engine_cpu_us']} cpu-us/service); plain Python {python_rate:>9,.0f}/s ({f['python_cpu_us']} cpu-us)")
    for key, label in (("default", "default (with what would make it pass)"), ("no_suggestions", "--no-suggestions"),
                       ("sparse", "sparse records, default")):
        e = row.get(key)
        if e:
            print(f"  {label:<40} {e['services_per_s']:>8,}/s  {e['seconds']:>8} s  peak Pss {e['peak_pss_mib']:>7} MiB"
                  f"  | engine floor {engine_rate / e['services_per_s']:>5.1f}x  python floor "
                  f"{python_rate / e['services_per_s']:>6.1f}x", flush=True)


if __name__ == "__main__":
    main()
