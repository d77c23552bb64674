"""`valuate serve` answers with one policy snapshot (issue 21, item 9).

The loaded policy (packs, profile, waivers, parameters, mapping) is read once;
workers are handed the snapshot and never read those files, so editing them on
disk changes no answer until POST /v1/reload, even when a worker is replaced or
a request asks for an evaluation date no worker has seen. Every answer's
digest headers name the snapshot that produced it, and a refused reload
changes nothing and prints no traceback.
"""
from __future__ import annotations

import dataclasses
import datetime as _dt
import json
import os
import shutil
import signal
import threading
import time
from pathlib import Path

import httpx
import pytest
import yaml

from conftest import AS_OF, DATA, ROOT, SAMPLE
from serving import Server

from valuate.engine.policy import load_policy
from valuate.engine.request import Inputs, Policy, RunRequest
from valuate.engine.pipeline import run

DATES = (None, "2026-12-20", "2027-04-01")  # the server's day; crm's waiver expired; vpn's too


def _services(*ids: str) -> list:
    wanted = yaml.safe_load((ROOT / SAMPLE).read_text())["services"]
    return [s for s in wanted if s["id"] in ids]


def _policy_files(tmp: Path) -> dict:
    shutil.copytree(ROOT / "rules" / "itil4", tmp / "itil4")
    (tmp / "profile.yaml").write_text("profile: ours\nparameters:\n  itil4.min_availability_target: 99.0\n")
    shutil.copy(ROOT / "examples" / "waivers.yaml", tmp / "waivers.yaml")
    shutil.copy(ROOT / "facts" / "mappings" / "gitlab.yaml", tmp / "own.yaml")
    return {"rules": tmp / "itil4", "profile": tmp / "profile.yaml", "waivers": tmp / "waivers.yaml",
            "mapping": tmp / "own.yaml"}


def test_a_policy_on_another_day_is_the_policy_loaded_for_that_day(tmp_path):
    """LoadedPolicy.on(day): what a server derives per request, without reading a file."""
    files = _policy_files(tmp_path)
    days = (_dt.date(2026, 11, 28), _dt.date(2026, 12, 15), _dt.date(2026, 12, 16), _dt.date(2027, 4, 1))
    services = tuple(_services("crm", "vpn", "data-warehouse", "backup", "email"))
    spec = Policy(rules=(str(files["rules"]),), profile=str(files["profile"]), waivers=str(files["waivers"]),
                  as_of=days[0])
    expected = {day: _judged(load_policy(dataclasses.replace(spec, as_of=day)), services) for day in days}
    base = load_policy(spec)
    for f in (files["profile"], files["waivers"]):
        f.unlink()  # nothing may be read from here on
    shutil.rmtree(files["rules"])
    for day in days:
        derived = base.on(day)
        assert derived.as_of == day and derived.digest == base.digest
        assert _judged(derived, services) == expected[day], day


def _judged(policy, services: tuple) -> dict:
    return run(RunRequest(policy.spec, Inputs(records=services)), policy).report().to_dict()


class Questions:
    """The same questions, asked over and over; every answer kept with its headers."""

    def __init__(self, server: Server):
        self.server, self.answers, self.lock = server, [], threading.Lock()
        self.body = json.dumps({"services": _services("crm", "email", "payroll", "vpn")}, default=str)
        self.raw = (DATA / "gitlab-service-catalog-excerpt.yml").read_bytes()

    def ask(self, client, n: int) -> dict:
        day = DATES[n % len(DATES)]
        params = {"as_of": day} if day else {}
        if n % 4 == 0:
            r = client.post("/v1/evaluate/raw", params=params, content=self.raw,
                            headers={"Content-Type": "application/yaml"})
            kind = "raw"
        else:
            r = client.post("/v1/evaluate", params=params, content=self.body)
            kind = "evaluate"
        assert r.status_code == 200, r.text
        doc = r.json()
        answer = {"key": (kind, day), "at": time.monotonic(), "rules": r.headers["x-valuate-rules-digest"],
                  "policy": r.headers["x-valuate-policy-digest"], "generation": r.headers["x-valuate-generation"],
                  "body_digest": doc["rules"]["digest"],
                  "services": [(s["id"], s["verdict"], json.dumps(s.get("criteria"), sort_keys=True))
                               for s in doc["services"]]}
        with self.lock:
            self.answers.append(answer)
        return answer


class Load:
    """Clients asking the questions in threads until ``finish``."""

    def __init__(self, server: Server, threads: int = 3):
        self.questions, self.stop = Questions(server), threading.Event()
        self.threads = [threading.Thread(target=self._loop, args=(i,)) for i in range(threads)]
        for t in self.threads:
            t.start()

    def _loop(self, index: int) -> None:
        with httpx.Client(base_url=self.questions.server.url, timeout=60) as client:
            n = index
            while not self.stop.is_set():
                n += 1
                self.questions.ask(client, n)

    def finish(self) -> list:
        self.stop.set()
        for t in self.threads:
            t.join()
        return self.questions.answers


def _by_key(answers: list) -> dict:
    out: dict = {}
    for a in answers:
        out.setdefault(a["key"], set()).add((a["rules"], a["policy"], a["generation"], tuple(a["services"])))
    return out


def test_edited_files_change_no_answer_until_a_reload(tmp_path):
    files = _policy_files(tmp_path)
    srv = Server(tmp_path, "--workers", "2", "--rules", str(files["rules"]), "--profile", str(files["profile"]),
                 "--waivers", str(files["waivers"]), "--mapping", str(files["mapping"]))
    try:
        with httpx.Client(base_url=srv.url, timeout=60) as client:
            probe = Questions(srv)
            before = _by_key([probe.ask(client, n) for n in range(24)])
        assert all(len(v) == 1 for v in before.values()), "one snapshot gave two answers to one question"

        load = Load(srv)
        time.sleep(1)
        _edit(files)
        for pid in srv.workers():  # replacements start after the edits: they must not read the files
            os.kill(pid, signal.SIGKILL)
        time.sleep(4)
        during = load.finish()
        assert len(during) > 20
        assert _by_key(during) == before, "an answer changed without a reload"
        assert len(srv.wait_workers(2)) == 2

        load = Load(srv)
        time.sleep(0.5)
        reloaded = httpx.post(f"{srv.url}/v1/reload", timeout=120)
        assert reloaded.status_code == 200, reloaded.text
        time.sleep(1.5)
        around = load.finish()
        assert all(a["rules"] == a["body_digest"] for a in around), "a header named another policy than the body"
        after = _by_key([a for a in around if a["generation"] == "2"])
        old = _by_key([a for a in around if a["generation"] == "1"])
        assert after and all(len(v) == 1 for v in after.values())
        assert all(v == before[k] for k, v in old.items()), "the old snapshot's answers changed"
        first = next(iter(after[("evaluate", None)]))
        assert first[0] != next(iter(before[("evaluate", None)]))[0]  # rules (profile) digest moved
        verdicts = {s[0]: s[1] for s in first[3]}
        assert verdicts["email"] == "not_valuable"  # the profile's new floor, 99.999 %
        assert verdicts["crm"] == "not_valuable"  # its waiver was removed
        raw_before, raw_after = (next(iter(d[("raw", None)]))[3] for d in (before, after))
        assert raw_before != raw_after  # the mapping's edit shows only now
        assert "Traceback" not in srv.stderr()
    finally:
        srv.stop()


def _edit(files: dict) -> None:
    files["profile"].write_text("profile: ours\nparameters:\n  itil4.min_availability_target: 99.999\n")
    waivers = yaml.safe_load(files["waivers"].read_text())
    waivers["waivers"] = [w for w in waivers["waivers"] if w["service"] != "crm"]
    files["waivers"].write_text(yaml.safe_dump(waivers))
    mapping = files["mapping"].read_text()
    files["mapping"].write_text(mapping.replace("  utility.performance_support: {from: business.requirement, "
                                                "collapse: true}\n", ""))
    assert files["mapping"].read_text() != mapping
    rules = files["rules"] / "rules" / "warranty.yaml"
    rules.write_text(rules.read_text().replace("Availability meets its target", "Availability meets the target"))


@pytest.mark.parametrize("broken", ["profile", "waivers", "rules", "mapping"])
def test_a_refused_reload_changes_nothing_and_prints_no_traceback(tmp_path, broken):
    files = _policy_files(tmp_path)
    srv = Server(tmp_path, "--workers", "1", "--rules", str(files["rules"]), "--profile", str(files["profile"]),
                 "--waivers", str(files["waivers"]), "--mapping", str(files["mapping"]))
    try:
        body = json.dumps({"services": _services("crm", "email")}, default=str)
        first = httpx.post(f"{srv.url}/v1/evaluate", content=body)
        target = files[broken] / "rules" / "warranty.yaml" if broken == "rules" else files[broken]
        target.write_text(target.read_text() + "\n  oops: [unclosed\n")
        refused = httpx.post(f"{srv.url}/v1/reload", timeout=120)
        assert refused.status_code == 422 and refused.json()["problems"], refused.text
        assert str(tmp_path) not in refused.text
        again = httpx.post(f"{srv.url}/v1/evaluate", content=body)
        for header in ("x-valuate-rules-digest", "x-valuate-policy-digest", "x-valuate-generation"):
            assert again.headers[header] == first.headers[header] == refused.headers[header]
        assert again.json() == first.json()
        os.kill(srv.workers()[0], signal.SIGKILL)  # a replacement after the refusal still has the snapshot
        time.sleep(0.5)
        assert httpx.post(f"{srv.url}/v1/evaluate", content=body, timeout=60).json() == first.json()
        log = srv.stderr()
        assert "Exception in initializer" not in log and "Traceback" not in log, log[-2000:]
    finally:
        srv.stop()
