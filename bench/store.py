"""The run store's two figures: what ``--store`` adds to a check, and the bytes it keeps per finding.

    .venv/bin/python -m bench.store [N ...]        (default 100,000; make bench runs it too)

- cost: ``valuate check FILE --format jsonl --output OUT -j J`` against the same
  command with ``--store sqlite:///STORE``, each timed twice, alternating, the
  faster of each kept (the machines are shared and noisy); the figure is the
  extra wall time over the check's own, in percent (the goal: under 25 %);
- size: the SQLite file after the first run, after a second run of the same
  catalog (its findings were stored once already) and after a third a month
  later (every age-dependent finding changes), each step divided by the
  findings the run recorded (of every status; the runs table counts them).
"""
from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import synth

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 11, 28)


def _check(path: Path, out: Path, jobs: int, *extra: str, day: dt.date = AS_OF) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "valuate", "check", str(path), "--format", "jsonl", "--output", str(out),
                    "--as-of", day.isoformat(), "--fail-on", "never", "-j", str(jobs), *extra],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def _size(db: Path) -> int:
    return sum(p.stat().st_size for p in db.parent.glob(db.name + "*"))


def _findings(db: Path) -> list:
    con = sqlite3.connect(db)
    try:
        return [n for (n,) in con.execute("SELECT findings FROM runs ORDER BY id")]
    finally:
        con.close()


def figures(path: Path, n: int, jobs: int, tmp: Path) -> dict:
    out = tmp / "out.jsonl"
    plain, stored = [], []
    for attempt in range(2):
        plain.append(_check(path, out, jobs))
        db = tmp / f"cost-{attempt}.db"
        stored.append(_check(path, out, jobs, "--store", f"sqlite:///{db}"))
        for p in db.parent.glob(db.name + "*"):
            p.unlink()
    cost = {"check_s": round(min(plain), 2), "with_store_s": round(min(stored), 2),
            "extra_percent": round(100 * (min(stored) - min(plain)) / min(plain), 1)}
    db = tmp / "size.db"
    sizes = []
    for day in (AS_OF, AS_OF, AS_OF + dt.timedelta(days=30)):
        _check(path, out, jobs, "--store", f"sqlite:///{db}", day=day)
        sizes.append(_size(db))
    found = _findings(db)
    steps = [sizes[0], sizes[1] - sizes[0], sizes[2] - sizes[1]]
    size = {"findings_per_run": found[0],
            "bytes_per_finding": {name: round(step / f, 1) for name, step, f in
                                  zip(("first run", "same catalog again", "a month later"), steps, found)},
            "store_mib": round(sizes[2] / 2**20, 1)}
    return {"services": n, "cost": cost, "size": size}


def report(row: dict) -> str:
    c, s = row["cost"], row["size"]
    b = s["bytes_per_finding"]
    return (f"\nrun store, {row['services']:,} services (SQLite): check {c['check_s']} s, with --store "
            f"{c['with_store_s']} s: +{c['extra_percent']}% for storing\n"
            f"  bytes per finding ({s['findings_per_run']:,} findings a run): first run {b['first run']}, "
            f"same catalog again {b['same catalog again']}, a month later {b['a month later']} "
            f"(store after three runs: {s['store_mib']} MiB)")


def main(sizes=(100_000,), jobs: int = 0) -> list:
    jobs = jobs or os.cpu_count() or 1
    rows = []
    with tempfile.TemporaryDirectory(prefix="valuate-bench-store-") as tmpdir:
        tmp = Path(tmpdir)
        for n in sizes:
            path = synth.write_catalog(n, tmp / f"{n}.jsonl", mix="varied")
            rows.append(figures(path, n, jobs, tmp))
            print(report(rows[-1]), flush=True)
            path.unlink()
    return rows


if __name__ == "__main__":
    main(tuple(int(a.replace(",", "")) for a in sys.argv[1:]) or (100_000,))
