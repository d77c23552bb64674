"""json-rules-engine peer: runs jre.js under node on the catalog file and reads its report.

node measures itself (process.cpuUsage() around the evaluation loop only), so
node's start-up and the JSON parsing of the catalog are not in the per-service
figure, as the Python peers' json.loads is not in theirs. The load figure is
node's CPU for building the Engine from rules.json.
"""
from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent
NAME = "json-rules-engine (node)"


def missing() -> str | None:
    """Why this peer cannot run here, or None."""
    if shutil.which("node") is None:
        return "node is not on PATH"
    if not (HERE / "node_modules" / "json-rules-engine").is_dir():
        return "bench/peers/node_modules has no json-rules-engine (npm ci --prefix bench/peers)"
    return None


def run(catalog: Path, as_of: dt.date, max_age: int = 365) -> dict:
    proc = subprocess.run(["node", str(HERE / "jre.js"), str(catalog), as_of.isoformat(), str(max_age)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"BENCHMARK FAILED: json-rules-engine exited {proc.returncode}: {proc.stderr.strip()}")
    return json.loads(proc.stdout)
