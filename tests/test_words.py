"""Words that count and paths that name (issue 25 item 11): one thing is singular, a lint
path names each key once, and Ctrl-C ends --watch with valuate's words only."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

from conftest import AS_OF, ROOT, SAMPLE
from valuate.engine.model import counted


def test_counted():
    assert counted(1, "verdict") == "1 verdict" and counted(2, "verdict") == "2 verdicts"
    assert counted(1, "entry", "entries") == "1 entry" and counted(0, "entry", "entries") == "0 entries"
    assert counted(1200, "service") == "1,200 services"


def test_one_verdict_flipped(cli, tmp_path):
    catalog = tmp_path / "one.yaml"
    text = (ROOT / SAMPLE).read_text(encoding="utf-8")
    catalog.write_text(text)
    profile = tmp_path / "p.yaml"
    profile.write_text("profile: p\nparameters:\n  itil4.min_headroom: 0.001\n")
    done = cli("diff", str(catalog), "--head", str(profile), "--as-of", AS_OF)
    last = done.output.strip().splitlines()[-1]
    assert last == "1 of 15 services changed: 1 verdict flipped (1 not_valuable → valuable)"


def test_one_baseline_entry_no_longer_occurs(cli, tmp_path):
    first = tmp_path / "a.yaml"
    first.write_text("- {id: a, utility: {performance_support: []}}\n")
    base = tmp_path / "b.json"
    assert cli("baseline", "create", str(first), "--as-of", AS_OF, "-o", str(base)).exit_code == 0
    fixed = tmp_path / "fixed.yaml"
    fixed.write_text("- {id: a, utility: {performance_support: [x]}}\n")
    done = cli("check", str(fixed), "--as-of", AS_OF, "--baseline", str(base), "--fail-on", "never")
    assert re.search(r"1 of its \d+ entries no longer occurs\n", done.output)
    assert "drop it from the file" in done.output
    assert "1 baseline entry no longer occurs" in done.output
    assert "1 entries" not in done.output and "1 services" not in done.output


def test_lint_paths_name_each_key_once(cli, tmp_path):
    pack = tmp_path / "p"
    (pack / "rules").mkdir(parents=True)
    (pack / "pack.yaml").write_text("pack: 5\nversion: '1'\ntitle: x\nparameters:\n  a: {type: 5, default: 1}\n")
    (pack / "rules" / "r.yaml").write_text(
        "rules:\n  - metadata: {id: X-1, title: 7, criterion: nope, severity: huge, rationale: r, remediation: r}\n"
        "    condition: {fact: provider, is: present}\n")
    profile = tmp_path / "profile.yaml"
    profile.write_text("profile: 3\nrules:\n  WAR-001: {severity: bad}\n")
    waivers = tmp_path / "w.yaml"
    waivers.write_text("waivers:\n  - {service: a, rule: WAR-001, reason: 5, approved_by: '', expires: 2026-01-01}\n")
    for args in ((str(pack),), (str(ROOT / "rules" / "itil4"), "--profile", str(profile), "--waivers", str(waivers))):
        done = cli("rules", "lint", *args, "--format", "json")
        problems = __import__("json").loads(done.output)["problems"]
        paths = [p["path"] for p in problems if p.get("path")]
        assert paths, done.output
        for path in paths:
            parts = re.split(r"[.\[]", path)
            assert all(a != b for a, b in zip(parts, parts[1:])), path
    shown = cli("rules", "lint", str(pack)).output
    assert ", pack: error" in shown and "metadata.severity: error" in shown and "severity.severity" not in shown


def test_ctrl_c_ends_watch_without_a_stray_line(tmp_path):
    catalog = tmp_path / "c.yaml"
    catalog.write_text("- {id: a}\n")
    env = {**os.environ, "NO_COLOR": "1"}
    report, errors = tmp_path / "out.txt", tmp_path / "err.txt"
    with open(report, "w") as out, open(errors, "w") as err:
        proc = subprocess.Popen([sys.executable, "-m", "valuate", "check", str(catalog), "--as-of", AS_OF,
                                 "--fail-on", "never", "-q", "--watch"], cwd=tmp_path, env=env,
                                stdout=out, stderr=err)
    try:
        deadline = time.monotonic() + 120
        while "1 service" not in report.read_text() and time.monotonic() < deadline:  # the first run is done
            time.sleep(0.2)
        time.sleep(1.5)  # and the watch has started
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    stderr = errors.read_text()
    assert "KeyboardInterrupt" not in stderr and "Traceback" not in stderr, stderr
    assert "valuate: stopped watching" in stderr
