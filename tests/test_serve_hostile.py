"""`valuate serve` against hostile requests and start-up options (issue 26, "Serve").

A real server on 127.0.0.1, a real HTTP client. Malformed bodies get a 4xx or
an error record, never a 500; no answer names a server path; a duplicate
`services` key is refused as `check` refuses it; a worker that died idle is
replaced before anyone notices; a token that HTTP cannot carry, a token file
that is not a small file, and a decision log that is one of the server's inputs
or cannot be written stop the server at once with exit 2. The load-bearing
cases (timeouts, big and slow bodies, connections, reloads) are in
test_serve_load.py.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import pytest
import yaml

from conftest import AS_OF, DATA, ROOT, SAMPLE
from serving import Server, free_port

CASES = ROOT / "tests" / "adversarial" / "serve"
EXPECTED = yaml.safe_load((CASES / "cases.yaml").read_text())
TOKEN = "hostile-token"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A server whose every input is named by an absolute path, so a leak would show."""
    tmp = tmp_path_factory.mktemp("hostile")
    shutil.copytree(ROOT / "rules" / "itil4", tmp / "itil4")
    shutil.copy(ROOT / "examples" / "waivers.yaml", tmp / "waivers.yaml")
    shutil.copy(ROOT / "facts" / "mappings" / "servicenow-csv.yaml", tmp / "own.yaml")
    (tmp / "profile.yaml").write_text("profile: ours\nparameters:\n  itil4.min_headroom: 0.2\n")
    (tmp / "token").write_text(TOKEN)
    srv = Server(tmp, "--workers", "1", "--rules", str(tmp / "itil4"), "--waivers", str(tmp / "waivers.yaml"),
                 "--profile", str(tmp / "profile.yaml"), "--mapping", str(tmp / "own.yaml"),
                 "--token-file", str(tmp / "token"), "--decision-log", str(tmp / "decisions.jsonl"))
    srv.tmp = tmp
    srv.client = httpx.Client(base_url=srv.url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60)
    yield srv
    srv.client.close()
    srv.stop()


def no_server_path(server, response: httpx.Response) -> None:
    text = response.text
    for path in (str(server.tmp), str(ROOT), tempfile.gettempdir() + os.sep, sys.prefix):
        assert path not in text, f"{response.request.url} names {path}: {text[:500]}"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hostile_bodies_get_a_4xx_or_error_records(server, name):
    want = EXPECTED[name]
    got = server.client.post("/v1/evaluate", content=(CASES / name).read_bytes())
    assert got.status_code == want["status"], got.text
    no_server_path(server, got)
    doc = got.json()
    if "words" in want:
        assert want["words"] in doc["error"], doc
    if "verdicts" in want:
        services = doc["services"] if "services" in doc else [doc]
        assert [s["verdict"] for s in services] == want["verdicts"], doc


def test_every_case_file_has_an_expectation():
    assert sorted(p.name for p in CASES.glob("*.json")) == sorted(EXPECTED)


@pytest.mark.parametrize("body, status", [
    (b'{"id": "deep", "tags": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", 400),  # past Python's own recursion
    (b"[" * 100_000 + b"]" * 100_000, 400),
    (json.dumps([{"id": f"s{i}"} for i in range(10_001)]).encode(), 413),  # one over --max-services
    (b"[" + b"{}," * 1_000_000 + b"{}]", 413),  # a million empty objects: refused after 10,000
    (json.dumps({"id": "wide", **{f"k{i}": i for i in range(20_000)}}).encode(), 200),  # unknown keys, warned
    (json.dumps({"id": "x" * 3_000_000}).encode(), 200),
    (json.dumps({"id": "big", "tags": ["t" * 1000] * 5000}).encode(), 200),  # over max_record_bytes: an error
])
def test_big_hostile_bodies(server, body, status):
    got = server.client.post("/v1/evaluate", content=body)
    assert got.status_code == status, got.text[:300]
    no_server_path(server, got)
    if status == 200:
        assert got.json()["verdict"] in ("error", "indeterminate")


@pytest.mark.parametrize("day", ["0001-01-01", "0001-01-02", "0001-06-30", "0002-01-01"])
def test_an_evaluation_date_out_of_the_calendar_is_a_400_naming_the_rule(server, day):
    got = server.client.post("/v1/evaluate", params={"as_of": day}, content=b'{"id": "a"}')
    assert got.status_code == 400, got.text
    error = got.json()["error"]
    assert error.startswith(f"as_of {day}:") and "rule" in error and "outside the calendar" in error
    no_server_path(server, got)


@pytest.mark.parametrize("day", ["9999-12-31", "9999-12-30", "0002-12-31", "1970-01-01"])
def test_any_other_date_of_the_calendar_judges_every_service(server, day):
    """The pack's windows look back 365 days at most: a date at either end of the calendar judges."""
    services = yaml.safe_load((ROOT / SAMPLE).read_text())["services"]
    got = server.client.post("/v1/evaluate", params={"as_of": day}, content=json.dumps(services, default=str))
    assert got.status_code == 200, got.text[:500]
    assert len(got.json()["services"]) == len(services) and got.json()["as_of"] == day


@pytest.mark.parametrize("day", ["2026-02-30", "20261128", "2026-W48-6", "2026-11-28T00:00", "0000-01-01",
                                 "x" * 5000, "-2026-11-28"])
def test_a_date_that_is_not_a_day_is_a_400(server, day):
    got = server.client.post("/v1/evaluate", params={"as_of": day}, content=b'{"id": "a"}')
    assert got.status_code == 400 and "YYYY-MM-DD" in got.json()["error"]
    assert len(got.text) < 400


def test_a_duplicate_services_key_is_refused_as_check_refuses_it(server, tmp_path):
    body = (CASES / "duplicate-services.json").read_bytes()
    got = server.client.post("/v1/evaluate", content=body)
    assert got.status_code == 400 and "duplicate key 'services'" in got.json()["error"]
    (tmp_path / "c.json").write_bytes(body)
    check = subprocess.run([sys.executable, "-m", "valuate", "check", str(tmp_path / "c.json")], cwd=ROOT,
                           capture_output=True, text=True)
    assert check.returncode == 2 and "duplicate key 'services'" in check.stderr


def test_no_answer_names_a_server_path(server):
    """Errors of every kind, the policy's own description and waived findings name files by their name."""
    c = server.client
    answers = [c.get("/v1/policy"), c.get("/v1/rules"), c.get("/nowhere"), c.post("/v1/rules"),
               c.post("/v1/evaluate", content=json.dumps(yaml.safe_load((ROOT / SAMPLE).read_text()), default=str),
                      params={"explain": "true"}),
               c.post("/v1/evaluate", params={"as_of": "0001-01-01"}, content=b"{}"),
               c.post("/v1/evaluate/raw", content=b'id,name\n"a,b\n', headers={"Content-Type": "text/csv"}),
               c.post("/v1/evaluate/raw", content=b"\xff\xfe,\n", headers={"Content-Type": "text/csv"}),
               c.post("/v1/evaluate/raw", content=b"sys_id\n1\n", headers={"Content-Type": "text/csv"}),
               c.post("/v1/evaluate/raw?mapping=gitlab", content=b"a: &a [1]\nb: *a\n",
                      headers={"Content-Type": "application/yaml"}),
               c.post("/v1/evaluate/raw?mapping=servicenow", content=b'{"result": 5}',
                      headers={"Content-Type": "application/json"}),
               c.post("/v1/evaluate/raw?mapping=/etc/passwd", content=b"x", headers={"Content-Type": "text/csv"})]
    assert "waiver" in answers[4].text and "waivers.yaml" in answers[4].text  # shown, by its name
    for got in answers:
        assert got.status_code < 500, got.text
        no_server_path(server, got)
    rules = server.tmp / "itil4" / "rules" / "warranty.yaml"
    good = rules.read_text()
    try:
        rules.write_text(good.replace("id: WAR-001", "id: WAR-001\n     oops: [unclosed"))
        refused = c.post("/v1/reload")
        assert refused.status_code == 422 and "warranty.yaml" in refused.text
        no_server_path(server, refused)
    finally:
        rules.write_text(good)


def test_an_idle_worker_that_died_is_replaced_before_the_next_request(server):
    for _ in range(3):
        (dead,) = server.workers()
        os.kill(dead, signal.SIGKILL)
        time.sleep(0.05)
        got = server.client.post("/v1/evaluate", json={"id": "after-a-death"})
        assert got.status_code == 200 and got.json()["verdict"] == "indeterminate", got.text
        assert dead not in server.workers()
    assert "ended (exit -9); starting another" in server.stderr()


def test_a_decision_log_that_cannot_be_written_loses_no_verdict(server):
    log = server.tmp / "decisions.jsonl"
    kept = log.read_bytes()
    log.unlink()
    log.mkdir()  # the log is now a directory: every write fails
    try:
        got = server.client.post("/v1/evaluate", json={"id": "unlogged"}, headers={"X-Request-Id": "not-logged"})
        assert got.status_code == 200 and got.json()["verdict"] == "indeterminate"
        assert got.headers["x-valuate-decision-log"] == "not written"
        no_server_path(server, got)
        lost = [line for line in server.stderr().splitlines() if "not-logged" in line and "decision" in line]
        assert lost and '"unlogged", "indeterminate"' in lost[0]
    finally:
        log.rmdir()
        log.write_bytes(kept)
    again = server.client.post("/v1/evaluate", json={"id": "logged"}, headers={"X-Request-Id": "logged-again"})
    assert "x-valuate-decision-log" not in again.headers
    assert any(json.loads(line)["request_id"] == "logged-again" for line in log.read_text().splitlines())


def serve(*args: str, cwd: Path = ROOT, timeout: float = 60) -> subprocess.CompletedProcess:
    """A server that must refuse to start: it exits before it listens."""
    return subprocess.run([sys.executable, "-m", "valuate", "serve", "--port", str(free_port()), *args], cwd=cwd,
                          capture_output=True, text=True, timeout=timeout)


@pytest.mark.parametrize("content, words", [
    ("tökén-with-umlauts", "U+00F6"),
    ("two words", "white space"),
    ("tab\tinside", "white space"),
    ("bell\x07", "control character"),
    ("", "empty"),
    ("x" * 5000, "over 4,096 bytes"),
])
def test_a_token_that_http_cannot_carry_is_refused_at_start(tmp_path, content, words):
    (tmp_path / "token").write_text(content, encoding="utf-8")
    done = serve("--token-file", str(tmp_path / "token"))
    assert done.returncode == 2 and words in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.splitlines()) == 1


def test_a_token_file_that_is_not_a_file_is_a_clear_exit_2(tmp_path):
    os.mkfifo(tmp_path / "fifo")
    for path, words in (("/dev/zero", "a device"), (str(tmp_path / "fifo"), "a FIFO")):
        started = time.monotonic()
        done = serve("--token-file", path, timeout=30)
        assert done.returncode == 2 and words in done.stderr and path in done.stderr, done.stderr
        assert time.monotonic() - started < 20 and "MemoryError" not in done.stderr


def test_a_binary_token_file_is_refused(tmp_path):
    (tmp_path / "token").write_bytes(b"\xff\xfe\x00secret")
    done = serve("--token-file", str(tmp_path / "token"))
    assert done.returncode == 2 and "not UTF-8" in done.stderr


def _policy(tmp: Path) -> dict:
    shutil.copytree(ROOT / "rules" / "itil4", tmp / "itil4")
    shutil.copy(ROOT / "examples" / "waivers.yaml", tmp / "waivers.yaml")
    shutil.copy(DATA / "small-export.mapping.yaml", tmp / "own.yaml")
    (tmp / "base.yaml").write_text("parameters:\n  itil4.min_headroom: 0.2\n")
    (tmp / "profile.yaml").write_text("profile: ours\nextends: base.yaml\n")
    (tmp / "token").write_text(TOKEN)
    (tmp / "valuate.toml").write_text(f'rules = ["{tmp / "itil4"}"]\n')
    return {"--config": tmp / "valuate.toml", "--waivers": tmp / "waivers.yaml", "--profile": tmp / "profile.yaml",
            "--mapping": tmp / "own.yaml", "--token-file": tmp / "token"}


def _inputs_as_logs(tmp: Path, given: dict) -> list:
    rule = tmp / "itil4" / "rules" / "warranty.yaml"
    (tmp / "link.yaml").symlink_to(rule)
    os.link(tmp / "waivers.yaml", tmp / "hard-link.yaml")
    return [rule, tmp / "itil4" / "pack.yaml", tmp / "itil4" / "new-file.jsonl", tmp / "itil4" / "rules",
            tmp / "link.yaml", tmp / "hard-link.yaml", tmp / "base.yaml",
            Path(os.path.relpath(tmp / "waivers.yaml", ROOT)), tmp / "itil4" / ".." / "profile.yaml",
            *given.values()]


def test_a_decision_log_over_any_input_is_refused(tmp_path):
    given = _policy(tmp_path)
    options = [str(x) for k, v in given.items() for x in (k, v)]
    for log in _inputs_as_logs(tmp_path, given):
        before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
        done = serve(*options, "--decision-log", str(log))
        assert done.returncode == 2 and "--decision-log" in done.stderr, (log, done.stderr)
        assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before, log


@pytest.mark.parametrize("make", ["a directory", "under a file", "a device", "missing folder"])
def test_a_decision_log_that_cannot_be_written_stops_the_start(tmp_path, make):
    log = {"a directory": tmp_path, "under a file": tmp_path / "file" / "d.jsonl", "a device": Path("/dev/null"),
           "missing folder": tmp_path / "nowhere" / "d.jsonl"}[make]
    (tmp_path / "file").write_text("x")
    done = serve("--decision-log", str(log))
    assert done.returncode == 2 and "--decision-log" in done.stderr and "Traceback" not in done.stderr, done.stderr


def test_the_policy_names_every_file_by_its_name(server):
    doc = server.client.get("/v1/policy").json()
    assert doc["packs"][0]["source"] == "itil4" or not doc["packs"][0]["source"].startswith("/")
    assert doc["waivers"]["file"] == "waivers.yaml" and doc["profile"]["files"] == ["profile.yaml"]
    assert doc["mapping"] == "own" and doc["digest"].startswith("sha256:")


DEEP = b"[" * 600 + b'"v"' + b"]" * 600
RAW_CASES = [  # (mapping, content type, body, status, error entries in a 200)
    (None, "application/json", b'{"result": [{"sys_id": "a", "x": ' + DEEP + b'}, {"sys_id": "b"}]}', 200, 1),
    (None, "application/json", b'{"result": [{"sys_id": "a"}], "result": [{"sys_id": "b"}]}', 422, 0),
    (None, "application/json", b'{"result": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", 422, 0),
    (None, "application/json", b'{"result": [{"sys_id": "a\\ud800"}, {"sys_id": "b"}]}', 200, 1),
    # a NaN name and a 5,000-digit id are no text: error records (once 'nan' and a fake id)
    (None, "application/json", b'{"result": [{"sys_id": "a", "x": NaN}, {"sys_id": ' + b"9" * 5000 + b"}]}", 200, 2),
    (None, "application/json", b"\xff\xfe", 422, 0),
    (None, "application/json", b"", 422, 0),
    (None, "application/x-ndjson", b'{"result": [{"sys_id": "a", "x": ' + DEEP + b'}]}\n{"result": [{"sys_id": "b"}]}\n',
     200, 1),
    (None, "application/x-ndjson", b'{"result": [{"sys_id": "a"}]}\n' + b"[" * 100_000 + b"]" * 100_000 + b"\n",
     200, 1),
    ("gitlab", "application/yaml", b"services:\n  - name: a\n    name: b\n", 422, 0),
    ("gitlab", "application/yaml", b"a: &a [1,2,3,4,5,6,7,8,9]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
                                   b"c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
                                   b"e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
                                   b"g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\nh: [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n", 422, 0),
    ("gitlab", "application/yaml", b"!!python/object:os.system {}\n", 422, 0),
    ("gitlab", "application/yaml", b"[" * 10_000 + b"]" * 10_000, 422, 0),
    ("servicenow-csv", "text/csv", b'sys_id,name\n"a,b\n', 422, 0),
    ("servicenow-csv", "text/csv", b"sys_id,name\na,\xff\n", 422, 0),
    ("servicenow-csv", "text/csv", b"sys_id,name\n" + b"a,b\n" * 10_001, 413, 0),
    ("gcloud", "application/json", b'{"services": [{"id": 1}], "services": []}', 422, 0),
]


@pytest.fixture(scope="module")
def lenient(tmp_path_factory):
    """A server whose own mapping takes any record with a sys_id."""
    tmp = tmp_path_factory.mktemp("lenient")
    (tmp / "tiny.yaml").write_text('records: "result[*]"\nfields:\n  id: sys_id\n  name: {from: x, optional: true}\n')
    srv = Server(tmp, "--workers", "1", "--mapping", str(tmp / "tiny.yaml"))
    srv.tmp = tmp
    yield srv
    srv.stop()


@pytest.mark.parametrize("mapping, kind, body, status, errors", RAW_CASES)
def test_hostile_raw_exports_get_a_4xx_or_error_records(lenient, mapping, kind, body, status, errors):
    params = {"mapping": mapping} if mapping else {}
    got = httpx.post(f"{lenient.url}/v1/evaluate/raw", params=params, content=body,
                     headers={"Content-Type": kind}, timeout=60)
    assert got.status_code == status, got.text[:500]
    no_server_path(lenient, got)
    if status == 200:
        services = got.json()["services"]
        assert len(services) == 2 and [s["verdict"] for s in services].count("error") == errors, services
    assert "Traceback" not in lenient.stderr()


def test_check_reads_a_mapped_export_nested_deep(tmp_path):
    """Found through /v1/evaluate/raw: a mapped record 600 deep crashed check too (RecursionError)."""
    (tmp_path / "m.yaml").write_text('records: "result[*]"\nfields:\n  id: sys_id\n')
    (tmp_path / "e.json").write_bytes(b'{"result": [{"sys_id": "a", "x": ' + DEEP + b'}, {"sys_id": "b"}]}')
    done = subprocess.run([sys.executable, "-m", "valuate", "check", str(tmp_path / "e.json"), "--mapping",
                           str(tmp_path / "m.yaml"), "--format", "json", "--fail-on", "never"], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    services = json.loads(done.stdout)["services"]
    assert [s["verdict"] for s in services] == ["error", "indeterminate"]
    assert "nested deeper than 32 levels" in services[0]["message"]
