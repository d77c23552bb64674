"""`valuate serve` under hostile load (issue 26, "Serve"): a real server on 127.0.0.1.

- work past --timeout gives up its worker (killed and replaced): the server
  answers again within seconds, not after the abandoned work;
- a body is bounded while it streams (--max-body-bytes), decoded by a worker
  one record at a time, and the memory of server and workers stays bounded
  (their peak resident size, VmHWM, is read from /proc);
- request heads and bodies that stall get a 408 and lose their connection
  after --read-timeout; connections past --max-connections get a 503;
- a reload compiles the next policy in another process: /healthz and
  requests are answered all the while.

Figures under a mix of all of these are measured by bench/serve_attack.py.
"""
from __future__ import annotations

import json
import socket
import threading
import time

import httpx
import pytest

from serving import Server, raw_request, status_kib

pytestmark = pytest.mark.skipif(not __import__("os").path.exists("/proc/self/status"),
                                reason="reads the server's processes from Linux /proc")

BIG = json.dumps([{"id": f"s{i}", "outcomes": [{"effect": "positive"}]} for i in range(9000)])


def test_timed_out_work_gives_up_its_worker_and_the_server_recovers_at_once(tmp_path):
    srv = Server(tmp_path, "--workers", "1", "--timeout", "1")
    try:
        (first,) = srv.workers()
        statuses = []
        threads = [threading.Thread(target=lambda: statuses.append(
            httpx.post(f"{srv.url}/v1/evaluate", content=BIG, timeout=60).status_code)) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert statuses == [504] * 4
        timed_out = time.monotonic()
        got = httpx.post(f"{srv.url}/v1/evaluate", content=b'{"id": "small"}', timeout=60)
        assert got.status_code == 200 and time.monotonic() - timed_out < 5
        assert first not in srv.workers()  # the worker that held the abandoned work is gone
        assert "longer than 1 s" in httpx.post(f"{srv.url}/v1/evaluate", content=BIG, timeout=60).json()["error"]
    finally:
        srv.stop()


def _peaks(srv: Server) -> tuple:
    return status_kib(srv.proc.pid, "VmHWM"), max(status_kib(p, "VmHWM") for p in srv.workers())


def _chunks(data: bytes, size: int = 1 << 16):
    for i in range(0, len(data), size):
        yield data[i:i + size]


def test_a_body_of_empty_objects_is_refused_with_bounded_memory(tmp_path):
    srv = Server(tmp_path, "--workers", "1")
    try:
        warm = json.dumps([{"id": f"s{i}"} for i in range(500)])
        assert httpx.post(f"{srv.url}/v1/evaluate", content=warm, timeout=60).status_code == 200
        server_before, worker_before = _peaks(srv)
        attack = b"[" + b"{}," * 5_000_000 + b"{}]"  # 15 MB: 5 million objects
        declared = httpx.post(f"{srv.url}/v1/evaluate", content=attack, timeout=60)
        assert declared.status_code == 413 and "--max-body-bytes" in declared.json()["error"]
        streamed = httpx.post(f"{srv.url}/v1/evaluate", content=_chunks(attack), timeout=60)  # no Content-Length
        assert streamed.status_code == 413 and "over the limit of 8,388,608 bytes" in streamed.json()["error"]
        under = b"[" + b"{}," * 2_700_000 + b"{}]"  # just under the limit: decoded, refused after 10,000
        refused = httpx.post(f"{srv.url}/v1/evaluate", content=under, timeout=60)
        assert refused.status_code == 413 and "more than 10,000 services" in refused.json()["error"]
        server_after, worker_after = _peaks(srv)
        # the server holds a body at most (8 MiB) and its pieces; a worker decodes 10,001 objects at most
        assert server_after - server_before < 48 * 1024, (server_before, server_after)
        assert worker_after - worker_before < 64 * 1024, (worker_before, worker_after)
        assert httpx.post(f"{srv.url}/v1/evaluate", content=b'{"id": "a"}').status_code == 200
    finally:
        srv.stop()


HEAD = b"POST /v1/evaluate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"


def test_stalled_heads_and_bodies_get_408_and_lose_their_connection(tmp_path):
    srv = Server(tmp_path, "--workers", "1", "--read-timeout", "2")
    try:
        half_body = HEAD + b"Content-Length: 1000\r\n\r\n" + b'[{"id": "a"}' + b" " * 488
        half_head = b"POST /v1/evaluate HTTP/1.1\r\nHost: x\r\nContent-Le"
        results, started = {}, time.monotonic()

        def stall(name: str, data: bytes) -> None:
            t0 = time.monotonic()
            results[name] = (raw_request(srv.port, data, timeout=30), time.monotonic() - t0)

        stalls = [threading.Thread(target=stall, args=(f"body{i}", half_body)) for i in range(20)]
        stalls += [threading.Thread(target=stall, args=(f"head{i}", half_head)) for i in range(5)]
        stalls += [threading.Thread(target=stall, args=(f"silent{i}", b"")) for i in range(5)]
        for t in stalls:
            t.start()
        time.sleep(0.5)
        assert httpx.get(f"{srv.url}/healthz", timeout=2).status_code == 200  # answered while they stall
        assert httpx.post(f"{srv.url}/v1/evaluate", content=b'{"id": "ok"}', timeout=5).status_code == 200
        for t in stalls:
            t.join()
        assert time.monotonic() - started < 10
        for name, (answer, took) in results.items():
            assert took < 6, (name, took)
            if not name.startswith("silent"):
                assert answer.startswith(b"HTTP/1.1 408"), (name, answer[:200])
            assert b"--read-timeout" in answer or not answer
    finally:
        srv.stop()


def test_a_trickle_does_not_keep_a_connection_open(tmp_path):
    srv = Server(tmp_path, "--workers", "1", "--read-timeout", "2")
    try:
        for data, body in ((HEAD + b"Content-Length: 400\r\n\r\n", b"x" * 400), (b"", HEAD + b"\r\n")):
            with socket.create_connection(("127.0.0.1", srv.port), timeout=10) as s:
                s.sendall(data)
                started, answer = time.monotonic(), b""
                for byte in body:  # one byte every 0.2 s: each arrives in time, the whole never does
                    try:
                        s.sendall(bytes([byte]))
                    except OSError:
                        break
                    time.sleep(0.2)
                    if time.monotonic() - started > 8:
                        break
                s.settimeout(5)
                try:
                    answer = s.recv(4096)
                except OSError:
                    pass
                assert time.monotonic() - started < 6 and answer.startswith(b"HTTP/1.1 408"), answer[:200]
    finally:
        srv.stop()


def test_connections_past_the_cap_get_a_503(tmp_path):
    srv = Server(tmp_path, "--workers", "1", "--max-connections", "4")
    try:
        held = [socket.create_connection(("127.0.0.1", srv.port)) for _ in range(4)]
        time.sleep(0.3)
        refused = raw_request(srv.port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", timeout=5)
        assert refused.startswith(b"HTTP/1.1 503") and b"--max-connections" in refused
        for s in held:
            s.close()
        time.sleep(0.3)
        assert httpx.get(f"{srv.url}/healthz", timeout=5).status_code == 200
    finally:
        srv.stop()


def _big_pack(tmp_path, rules: int) -> str:
    lines = "".join(f"  - metadata: {{id: R-{i}, title: t, criterion: advisory, severity: info, rationale: r, "
                    f"remediation: m}}\n    condition: {{fact: budget.actual, gt: {i}}}\n" for i in range(rules))
    (tmp_path / "big.yaml").write_text("pack: big\nrules:\n" + lines)
    return str(tmp_path / "big.yaml")


def test_a_reload_does_not_stop_the_server(tmp_path):
    """Linting and compiling 1,500 rules takes seconds: in another process, while the loop answers."""
    srv = Server(tmp_path, "--workers", "1", "--rules", _big_pack(tmp_path, 1500), ready_timeout=180)
    try:
        stop, health, answered = threading.Event(), [], []

        def poll() -> None:
            with httpx.Client(base_url=srv.url, timeout=30) as c:
                while not stop.is_set():
                    t0 = time.perf_counter()
                    assert c.get("/healthz").status_code == 200
                    health.append(time.perf_counter() - t0)
                    r = c.post("/v1/evaluate", content=b'{"id": "a", "budget": {"actual": 700}}')
                    answered.append((r.status_code, r.headers["x-valuate-generation"]))
                    time.sleep(0.02)

        poller = threading.Thread(target=poll)
        poller.start()
        time.sleep(0.5)
        started = time.monotonic()
        done = httpx.post(f"{srv.url}/v1/reload", timeout=300)
        took = time.monotonic() - started
        time.sleep(0.3)
        stop.set()
        poller.join()
        assert done.status_code == 200 and done.json()["generation"] == 2
        assert took > 1, "the reload was too quick to show anything"
        assert max(health) < 0.5, f"/healthz took {max(health):.2f} s during a {took:.1f} s reload"
        during = [g for s, g in answered if s == 200]
        assert during.count("1") > 10 and during[-1] == "2" and {s for s, _ in answered} == {200}
    finally:
        srv.stop()


def test_a_small_request_waiting_for_a_worker_goes_before_big_ones(tmp_path):
    srv = Server(tmp_path, "--workers", "1", "--timeout", "60")
    try:
        finished, lock = [], threading.Lock()

        def send(name: str, body: str) -> None:
            explain = {"explain": "true"} if name == "big-0" else {}  # condition trees: it holds the worker longer
            status = httpx.post(f"{srv.url}/v1/evaluate", params=explain, content=body, timeout=120).status_code
            with lock:
                finished.append((name, status))

        big = json.dumps([{"id": f"s{i}", "outcomes": [{"effect": "positive"}]} for i in range(800)])
        threads = [threading.Thread(target=send, args=("big-0", big))]
        threads[0].start()
        time.sleep(0.3)  # the first holds the worker
        for name, body in (("big-1", big), ("big-2", big), ("small", '{"id": "small"}')):
            threads.append(threading.Thread(target=send, args=(name, body)))
            threads[-1].start()
            time.sleep(0.1)  # the small one arrives last
        for t in threads:
            t.join()
        names = [n for n, _ in finished]
        assert {s for _, s in finished} == {200} and names.index("small") < names.index("big-1"), finished
    finally:
        srv.stop()
