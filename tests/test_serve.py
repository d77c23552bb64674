"""`valuate serve` against a real server on 127.0.0.1, with a real HTTP client (httpx).

One server (one worker process, a token, a decision log, its own copy of the
ITIL 4 pack so that a reload can be broken and mended) serves most tests; a
second one, taking one request at a time, shows saturation. A bounded load
test writes requests/s, p50/p99 latency and worker memory to tests/artifacts.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
import yaml
from openapi_spec_validator import validate as validate_openapi

from conftest import AS_OF, DATA, ROOT, SAMPLE, sample
from serving import Server, alive, free_port

ARTIFACTS = ROOT / "tests" / "artifacts"
TOKEN = "s3cret-token"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("serve")
    shutil.copytree(ROOT / "rules" / "itil4", tmp / "itil4")
    (tmp / "token").write_text(TOKEN + "\n")
    srv = Server(tmp, "--workers", "1", "--rules", str(tmp / "itil4"), "--token-file", str(tmp / "token"),
                 "--decision-log", str(tmp / "decisions.jsonl"),
                 "--limit", "max_file_bytes=400000", "--limit", "max_record_bytes=60000")
    srv.tmp = tmp
    srv.client = httpx.Client(base_url=srv.url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60)
    yield srv
    srv.client.close()
    srv.stop()


def sample_services() -> list:
    return yaml.safe_load((ROOT / SAMPLE).read_text())["services"]


def checked(*extra: str) -> list:
    out = subprocess.run([sys.executable, "-m", "valuate", "check", *extra, "--as-of", AS_OF, "--format", "json",
                          "--fail-on", "never"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [_without_source(s) for s in json.loads(out)["services"]]


def _without_source(service: dict) -> dict:
    service = dict(service)
    service.pop("source", None)
    return service


def test_health_readiness_and_the_openapi_document(server):
    assert httpx.get(f"{server.url}/healthz").json() == {"status": "ok"}
    assert httpx.get(f"{server.url}/readyz").json()["status"] == "ready"
    doc = httpx.get(f"{server.url}/openapi.json").json()
    validate_openapi(doc)  # self-contained: tests/test_openapi.py checks it offline
    assert doc["openapi"].startswith("3.1") and set(doc["paths"]) == {
        "/v1/evaluate", "/v1/evaluate/raw", "/v1/rules", "/v1/policy", "/v1/reload", "/healthz", "/readyz",
        "/v1/history/runs", "/v1/history/services/{service}"}


def test_a_token_is_required_and_every_response_says_who_answered(server):
    refused = httpx.get(f"{server.url}/v1/rules")
    assert refused.status_code == 401 and "bearer token" in refused.json()["error"]
    ok = server.client.get("/v1/rules", headers={"X-Request-Id": "req-42"})
    assert ok.headers["x-request-id"] == "req-42"
    assert ok.headers["x-valuate-rules-digest"].startswith("sha256:")
    listed = subprocess.run([sys.executable, "-m", "valuate", "rules", "list", "--format", "json", "--rules",
                             str(server.tmp / "itil4")], cwd=ROOT, capture_output=True, text=True).stdout
    assert ok.json() == json.loads(listed)


def test_policy_names_packs_and_digests(server):
    doc = server.client.get("/v1/policy").json()
    assert [p["name"] for p in doc["packs"]] == ["itil4"] and doc["as_of"] == AS_OF
    assert doc["rules"]["digest"] == doc["inputs"]["rules"]


def test_one_service_answers_what_check_says_of_it(server):
    expected = {s["id"]: s for s in checked(SAMPLE)}
    crm = next(s for s in sample_services() if s["id"] == "crm")
    got = server.client.post("/v1/evaluate", content=json.dumps(crm, default=str))
    assert got.status_code == 200
    body = got.json()
    assert body.pop("source") == {"file": "request", "record": 1}
    assert body == expected["crm"]


def test_every_sample_service_in_order_invalid_ones_as_errors(server):
    services = sample_services()
    got = server.client.post("/v1/evaluate", content=json.dumps({"services": services}, default=str))
    doc = got.json()
    assert got.status_code == 200 and doc["summary"]["services"] == 15 and doc["summary"]["error"] == 1
    assert [_without_source(s) for s in doc["services"]] == checked(SAMPLE)
    errors = server.client.post("/v1/evaluate", json=[{"name": "no id"}, 7, {"id": "a"}, {"id": "a"}]).json()
    assert [s["verdict"] for s in errors["services"]] == ["error", "error", "indeterminate", "error"]


def test_a_raw_export_through_a_preset(server):
    body = (DATA / "gitlab-service-catalog-excerpt.yml").read_bytes()
    got = server.client.post("/v1/evaluate/raw?mapping=gitlab", content=body,
                             headers={"Content-Type": "application/yaml"})
    assert got.status_code == 200, got.text
    expected = checked(str(DATA / "gitlab-service-catalog-excerpt.yml"), "--mapping", "gitlab")
    assert [(s["id"], s["verdict"]) for s in got.json()["services"]] == [(s["id"], s["verdict"]) for s in expected]


def test_the_gitlab_catalog_answers_as_check_does(server):
    path = sample("gitlab-com-service-catalog/service-catalog.yml")
    got = server.client.post("/v1/evaluate/raw?mapping=gitlab&suggest=false", content=path.read_bytes(),
                             headers={"Content-Type": "application/yaml"})
    expected = checked(str(path), "--mapping", "gitlab", "--no-suggestions")
    assert [(s["id"], s["verdict"], s["criteria"]) for s in got.json()["services"]] == \
        [(s["id"], s["verdict"], s["criteria"]) for s in expected]


@pytest.mark.parametrize("kwargs, status, words", [
    ({"content": b"{not json"}, 400, "not valid JSON"),
    ({"content": b"\xff\xfe"}, 400, "not UTF-8"),
    ({"content": json.dumps({"services": "x"})}, 400, "must be a list"),
    ({"content": b"[" + b",".join([b'{"id": "x"}'] * 40_000) + b"]"}, 413, "over the limit"),
    ({"params": {"suggest": "maybe"}, "content": b"{}"}, 400, "true or false"),
    ({"params": {"as_of": "2026-02-30"}, "content": b"{}"}, 400, "YYYY-MM-DD"),
])
def test_malformed_and_oversized_bodies_get_a_4xx_with_a_message(server, kwargs, status, words):
    got = server.client.post("/v1/evaluate", **kwargs)
    assert got.status_code == status and words in got.json()["error"], got.text


def test_a_service_over_the_record_limit_is_an_error_entry(server):
    big = {"id": "big", "tags": ["x" * 1000] * 70}
    doc = server.client.post("/v1/evaluate", json={"services": [big, {"id": "small"}]}).json()
    assert doc["services"][0]["verdict"] == "error" and "max_record_bytes" in doc["services"][0]["message"]
    assert doc["services"][1]["verdict"] == "indeterminate"


def test_raw_exports_name_a_mapping_and_a_format_never_a_path(server):
    csv = (DATA / "small-export.csv").read_bytes()
    assert server.client.post("/v1/evaluate/raw?mapping=gitlab", content=csv,
                              headers={"Content-Type": "application/pdf"}).status_code == 415
    path = str(DATA / "small-export.mapping.yaml")
    got = server.client.post("/v1/evaluate/raw", params={"mapping": path}, content=csv,
                             headers={"Content-Type": "text/csv"})
    assert got.status_code == 400 and "unknown mapping" in got.json()["error"]
    unreadable = server.client.post("/v1/evaluate/raw?mapping=servicenow", content=csv,
                                    headers={"Content-Type": "text/csv"})
    assert unreadable.status_code == 422


def test_decisions_are_logged(server):
    server.client.post("/v1/evaluate", json={"id": "logged-service"}, headers={"X-Request-Id": "log-me"})
    lines = [json.loads(line) for line in (server.tmp / "decisions.jsonl").read_text().splitlines()]
    entry = next(e for e in lines if e["request_id"] == "log-me")
    assert entry["services"] == [["logged-service", "indeterminate"]] and entry["rules_digest"].startswith("sha256:")


def test_a_broken_reload_keeps_the_policy_in_force(server):
    rules = server.tmp / "itil4" / "rules" / "warranty.yaml"
    good = rules.read_text()
    before = server.client.get("/v1/policy").json()
    try:
        rules.write_text(good.replace("id: WAR-001", "id: WAR-001\n     oops: [unclosed"))
        refused = server.client.post("/v1/reload")
        assert refused.status_code == 422 and refused.json()["problems"]
        assert "warranty.yaml" in refused.json()["problems"][0]["where"]
        assert server.client.get("/v1/policy").json()["generation"] == before["generation"]
        assert server.client.post("/v1/evaluate", json={"id": "x"}).status_code == 200
        rules.write_text(good.replace("Availability meets its target", "Availability meets the target"))
        done = server.client.post("/v1/reload")
        assert done.status_code == 200 and done.json()["generation"] == before["generation"] + 1
        assert done.json()["digest"] != before["rules"]["digest"]
        titles = {r["id"]: r["title"] for r in server.client.get("/v1/rules").json()}
        assert titles["WAR-001"] == "Availability meets the target"
    finally:
        rules.write_text(good)
        server.client.post("/v1/reload")


def test_saturation_is_a_503_not_a_queue_and_slow_requests_time_out(tmp_path):
    srv = Server(tmp_path, "--workers", "1", "--max-pending", "1", "--timeout", "4")
    try:
        body = json.dumps({"services": [{"id": f"s{i}", "outcomes": [{"effect": "positive"}]} for i in range(1500)]})
        statuses = []

        def send():
            statuses.append(httpx.post(f"{srv.url}/v1/evaluate", content=body, timeout=60).status_code)

        threads = [threading.Thread(target=send) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert 200 in statuses and 503 in statuses, statuses
        slow = json.dumps([{"id": f"s{i}"} for i in range(9000)])
        late = httpx.post(f"{srv.url}/v1/evaluate", content=slow, timeout=60)
        assert late.status_code == 504 and "longer than 4 s" in late.json()["error"]
    finally:
        srv.stop()


def test_bounded_load_single_service_requests(server):
    """At most ~20 s on localhost: requests/s and p50/p99, with and without suggestions."""
    crm = json.dumps(next(s for s in sample_services() if s["id"] == "crm"), default=str)
    report = {}
    for suggest in ("true", "false"):
        latencies, count, stop = [], 0, time.monotonic() + 6
        lock = threading.Lock()

        def client_loop():
            nonlocal count
            with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"}) as c:
                while time.monotonic() < stop:
                    t0 = time.perf_counter()
                    r = c.post("/v1/evaluate", params={"suggest": suggest}, content=crm)
                    assert r.status_code == 200
                    with lock:
                        latencies.append((time.perf_counter() - t0) * 1000)
                        count += 1

        started = time.monotonic()
        threads = [threading.Thread(target=client_loop) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        latencies.sort()
        report[f"suggest={suggest}"] = {
            "requests": count, "requests_per_s": round(count / (time.monotonic() - started), 1),
            "p50_ms": round(statistics.median(latencies), 1),
            "p99_ms": round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))], 1)}
    report["worker_pss_mib"] = _worker_memory(server)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "serve-load.json").write_text(json.dumps(report, indent=2))
    print("\nserve load:", json.dumps(report))
    assert all(v["requests"] > 0 for k, v in report.items() if k.startswith("suggest"))


def _worker_memory(server) -> list:
    """Pss of each evaluation worker of the server, MiB."""
    out = []
    for child in server.workers():
        rollup = Path(f"/proc/{child}/smaps_rollup")
        if rollup.exists():
            pss = next((int(line.split()[1]) for line in rollup.read_text().splitlines()
                        if line.startswith("Pss:")), 0)
            out.append(round(pss / 1024, 1))
    return out


def test_the_server_refuses_to_start_on_a_broken_pack(tmp_path):
    (tmp_path / "pack.yaml").write_text("pack: x\nrules: [oops\n")
    done = subprocess.run([sys.executable, "-m", "valuate", "serve", "--port", str(free_port()), "--rules",
                           str(tmp_path / "pack.yaml")], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "pack.yaml" in done.stderr and os.linesep in done.stderr


def _gone(pids: list, timeout: float = 20) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not any(alive(p) for p in pids):
            return True
        time.sleep(0.2)
    return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc to find the workers")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL], ids=["TERM", "KILL"])
def test_workers_never_outlive_the_server(tmp_path, signum):
    srv = Server(tmp_path, "--workers", "1")
    workers = srv.workers()
    assert workers, "the server has no worker process"
    srv.proc.send_signal(signum)
    srv.proc.wait(timeout=30)
    assert _gone(workers), f"workers {workers} outlived the server (signal {signum.name})"
