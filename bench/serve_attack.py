"""`valuate serve` under attack: a well-behaved client's latency and the server's peak memory.

    .venv/bin/python -m bench.serve_attack [--seconds 20] [--workers 2] [--big-rules 1500]

Not part of the test suite (tests/test_serve_load.py checks each attack alone,
without timings). One server on 127.0.0.1 (the ITIL 4 pack plus a generated
pack of --big-rules rules, so that a reload takes seconds; --timeout 2,
--read-timeout 5) and one well-behaved client sending one service at a time
over a kept-alive connection, first alone (``quiet``), then while these run
(``attacked``), the attacks running in a process of their own:

- oversized bodies: 15 MB of ``[{},{},...]`` declared (413 before reading),
  the same streamed without a length (413 at 8 MiB), and 8 MiB just under the
  limit (decoded by a worker, 413 after 10,000 services);
- slow bodies and heads: 20 connections sending half a body and stalling, 5
  sending half a request head, each reconnecting once dropped;
- timeouts: 9,000 services per request, past --timeout (504, worker replaced);
- reloads: POST /v1/reload every 3 s, each recompiling every rule.

Beside the client, /healthz is asked ten times a second: it needs no worker,
so its latency is the event loop's own.

Printed and written to bench/results/serve-attack.json: the client's p50,
p99 and max latency and its answers by status, per phase; how each attack
was answered; the peak resident memory (VmHWM) of the server process and of
its workers, and the peak of the whole tree's proportional size (Pss),
sampled 10 times a second; the load average before and after.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "serve-attack.json"
CRM = {"id": "crm", "name": "Customer relationship management", "utility": {"performance_support": ["sales"]},
       "warranty": {"availability": {"target": 99.9, "measured": 99.82}, "security": {"controls": ["mfa"],
                    "open_critical_findings": 0}}, "outcomes": [{"description": "pipeline", "effect": "positive",
                                                                 "impact": 3}]}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def big_pack(folder: Path, rules: int) -> Path:
    lines = "".join(f"  - metadata: {{id: B-{i}, title: t, criterion: advisory, severity: info, rationale: r, "
                    f"remediation: m}}\n    condition: {{fact: budget.actual, gt: {i}}}\n" for i in range(rules))
    path = folder / "big.yaml"
    path.write_text("pack: big\nrules:\n" + lines)
    return path


def start(folder: Path, workers: int, rules: int) -> tuple:
    port = free_port()
    args = [sys.executable, "-m", "valuate", "serve", "--port", str(port), "--workers", str(workers),
            "--timeout", "2", "--read-timeout", "5", "--as-of", "2026-11-28",
            "--rules", str(ROOT / "rules" / "itil4"), "--rules", str(big_pack(folder, rules))]
    proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=open(folder / "serve.log", "w"))
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                return proc, url, port
        except httpx.TransportError:
            pass
        if proc.poll() is not None:
            break
        time.sleep(0.2)
    proc.kill()
    raise SystemExit(f"the server did not start: {(folder / 'serve.log').read_text()[-2000:]}")


class Memory(threading.Thread):
    """Peak Pss of the server's process tree, and the peak VmHWM of the server and of its workers."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.stop, self.tree_pss, self.workers_hwm = pid, threading.Event(), 0, 0

    def run(self) -> None:
        while not self.stop.is_set():
            pids = [self.pid] + _children(self.pid)
            self.tree_pss = max(self.tree_pss, sum(_field(p, "smaps_rollup", "Pss:") for p in pids))
            self.workers_hwm = max([self.workers_hwm] + [_field(p, "status", "VmHWM:") for p in pids[1:]])
            time.sleep(0.1)

    def server_hwm(self) -> int:
        return _field(self.pid, "status", "VmHWM:")


def _children(pid: int) -> list:
    out = []
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            out += [int(c) for c in Path(f"/proc/{pid}/task/{task}/children").read_text().split()]
        except OSError:
            pass
    return out


def _field(pid: int, name: str, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/{name}").read_text().splitlines():
            if line.startswith(key):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def client(url: str, until: float) -> dict:
    """One well-behaved client: one service per request, one after the other."""
    latencies, statuses = [], Counter()
    body = json.dumps(CRM)
    with httpx.Client(base_url=url, timeout=30) as c:
        while time.monotonic() < until:
            t0 = time.perf_counter()
            try:
                statuses[c.post("/v1/evaluate", content=body).status_code] += 1
            except httpx.HTTPError as err:
                statuses[type(err).__name__] += 1
            latencies.append((time.perf_counter() - t0) * 1000)
    latencies.sort()
    return {"requests": len(latencies), "p50_ms": round(statistics.median(latencies), 1),
            "p99_ms": round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))], 1),
            "max_ms": round(latencies[-1], 1), "statuses": {str(k): v for k, v in statuses.items()}}


def health(url: str, until: float, out: dict) -> None:
    """/healthz ten times a second: how quickly the event loop itself answers."""
    latencies = []
    with httpx.Client(base_url=url, timeout=30) as c:
        while time.monotonic() < until:
            t0 = time.perf_counter()
            c.get("/healthz")
            latencies.append((time.perf_counter() - t0) * 1000)
            time.sleep(0.1)
    latencies.sort()
    out.update({"p50_ms": round(statistics.median(latencies), 1), "max_ms": round(latencies[-1], 1)})


def attacks(url: str, port: int, until: float, seen: dict) -> list:
    def count(name: str, what) -> None:
        with lock:
            seen.setdefault(name, Counter())[str(what)] += 1

    lock = threading.Lock()
    flood = b"[" + b"{}," * 5_000_000 + b"{}]"
    under = b"[" + b"{}," * 2_700_000 + b"{}]"
    slow = json.dumps([{"id": f"s{i}", "outcomes": [{"effect": "positive"}]} for i in range(9000)])

    def chunks(data: bytes):
        for i in range(0, len(data), 1 << 16):
            yield data[i:i + (1 << 16)]

    def oversized() -> None:
        with httpx.Client(base_url=url, timeout=60) as c:
            while time.monotonic() < until:
                for name, content in (("oversized, declared", flood), ("oversized, streamed", chunks(flood)),
                                      ("just under the limit", under)):
                    try:
                        count(name, c.post("/v1/evaluate", content=content).status_code)
                    except httpx.HTTPError as err:
                        count(name, type(err).__name__)

    def stalling(name: str, data: bytes) -> None:
        while time.monotonic() < until:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
                    s.sendall(data)
                    answer = s.recv(64)
                count(name, answer[:12].decode(errors="replace") or "closed")
            except OSError as err:
                count(name, type(err).__name__)

    def timeouts() -> None:
        with httpx.Client(base_url=url, timeout=60) as c:
            while time.monotonic() < until:
                count("past --timeout", c.post("/v1/evaluate", content=slow).status_code)

    def reloads() -> None:
        with httpx.Client(base_url=url, timeout=300) as c:
            while time.monotonic() < until:
                count("reload", c.post("/v1/reload").status_code)
                time.sleep(3)

    half_body = (b"POST /v1/evaluate HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n" + b'[{"id": "a"}'
                 + b" " * 488)
    half_head = b"POST /v1/evaluate HTTP/1.1\r\nHost: x\r\nContent-Le"
    threads = [threading.Thread(target=oversized), threading.Thread(target=timeouts),
               threading.Thread(target=reloads)]
    threads += [threading.Thread(target=stalling, args=("half a body", half_body)) for _ in range(20)]
    threads += [threading.Thread(target=stalling, args=("half a head", half_head)) for _ in range(5)]
    for t in threads:
        t.start()
    return threads


def attacker(url: str, port: int, seconds: float, out) -> None:
    """The attacks, in a process of their own: their threads would otherwise slow the measured
    client down through this process's own interpreter lock."""
    seen: dict = {}
    for t in attacks(url, port, time.monotonic() + seconds, seen):
        t.join()
    out.put({k: dict(v) for k, v in sorted(seen.items())})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20, help="length of each phase")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--big-rules", type=int, default=1500, help="rules of the generated pack")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="valuate-serve-attack-"))
    load_before = os.getloadavg()
    proc, url, port = start(folder, args.workers, args.big_rules)
    memory = Memory(proc.pid)
    memory.start()
    try:
        client(url, time.monotonic() + 2)  # warm
        quiet_health, attacked_health = {}, {}
        probe = threading.Thread(target=health, args=(url, time.monotonic() + args.seconds, quiet_health))
        probe.start()
        quiet = client(url, time.monotonic() + args.seconds)
        probe.join()
        quiet_memory = {"server_hwm_mib": round(memory.server_hwm() / 1024, 1),
                        "workers_hwm_mib": round(memory.workers_hwm / 1024, 1),
                        "tree_pss_peak_mib": round(memory.tree_pss / 1024, 1)}
        context = multiprocessing.get_context("spawn")
        results = context.Queue()
        attack = context.Process(target=attacker, args=(url, port, args.seconds, results))
        attack.start()
        time.sleep(1)  # the attacker process starts and builds its bodies
        until = time.monotonic() + args.seconds - 1
        probe = threading.Thread(target=health, args=(url, until, attacked_health))
        probe.start()
        attacked = client(url, until)
        probe.join()
        seen = results.get(timeout=120)
        attack.join()
        report = {
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in os.getloadavg()], "cpus": os.cpu_count(),
            "workers": args.workers, "big_rules": args.big_rules, "seconds": args.seconds,
            "quiet": quiet, "attacked": attacked, "healthz_quiet": quiet_health, "healthz_attacked": attacked_health,
            "attacks": seen,
            "memory_quiet": quiet_memory,
            "memory_attacked": {"server_hwm_mib": round(memory.server_hwm() / 1024, 1),
                                "workers_hwm_mib": round(memory.workers_hwm / 1024, 1),
                                "tree_pss_peak_mib": round(memory.tree_pss / 1024, 1)},
        }
    finally:
        memory.stop.set()
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(folder, ignore_errors=True)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
