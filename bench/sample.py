"""Throughput on the bundled sample catalog repeated to N services.

    .venv/bin/python -m bench.sample [N]      (default 10,000)

Each copy gets a unique id; the run is the library's whole batch in one
process (read, validate, evaluate through durable-rules, build findings),
then the JSON rendering, once without and once with "what would make it
pass" (70% of the sample's services are not valuable or indeterminate).
"""
from __future__ import annotations

import datetime as dt
import io
import json
import sys
import tempfile
import time
from pathlib import Path

import valuate
from valuate.engine.report import render
from valuate.engine.yamlio import load_single, read_text

ROOT = Path(__file__).resolve().parent.parent


def make_catalog(n: int, directory: str) -> str:
    doc = load_single(read_text(str(ROOT / "facts/samples/catalog.yaml")), "catalog.yaml")
    base = doc["services"]
    out = Path(directory) / f"sample-{n}.jsonl"
    with open(out, "w") as fh:
        for i in range(n):
            svc = json.loads(json.dumps(base[i % len(base)], default=str))
            svc["id"] = f"{svc['id']}-{i}"
            fh.write(json.dumps(svc) + "\n")
    return str(out)


def main(n: int = 10_000) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = make_catalog(n, tmp)
        for suggest in (False, True):
            t0 = time.perf_counter()
            request = valuate.RunRequest(valuate.Policy(as_of=dt.date(2026, 11, 28)), valuate.Inputs((path,)),
                                         valuate.RunOptions(suggest=suggest))
            report = valuate.run(request).report()
            t1 = time.perf_counter()
            render("json", report, io.StringIO())
            t2 = time.perf_counter()
            what = "with 'what would make it pass'" if suggest else "without suggestions"
            print(f"{what}: evaluate (read, validate, durable-rules, findings) {t1 - t0:.2f} s = "
                  f"{n / (t1 - t0):,.0f} services/s; json {t2 - t1:.2f} s; end to end {n / (t2 - t0):,.0f}/s")
    print(f"services: {report.summary.services:,}  verdicts: {report.summary.to_dict()}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
