"""Comparison noise (issue 21, item 7).

A finding changes only when the recorded facts it reads change, never when an
age derived from the evaluation date grows; identical messages never count as
a change; indeterminate and invalid services have their own "still" groups;
a removed service reads "not in this review".
"""
from __future__ import annotations

import json

import pytest

from conftest import AS_OF, ROOT, SAMPLE
from valuate.engine.compare import fingerprint

# a month earlier, and not before any date the sample records (service-desk's review on
# 2026-10-30): a day after the evaluation date is no evidence, so an earlier one would change it
OCTOBER = "2026-10-30"


def _check(cli, fmt: str, *args) -> str:
    done = cli("check", *args, "--format", fmt, "--fail-on", "never")
    assert done.exit_code == 0, done.output
    return done.stdout


@pytest.fixture
def october(cli, tmp_path):
    """The sample judged a month earlier: every age derived from the evaluation date is 29 days less."""
    path = tmp_path / "october.json"
    assert cli("check", SAMPLE, "--as-of", OCTOBER, "-f", f"json:{path}", "--fail-on", "never").exit_code == 0
    return path


def _today(tmp_path, *edits) -> str:
    text = (ROOT / SAMPLE).read_text()
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = tmp_path / "today.yaml"
    path.write_text(text)
    return str(path)


def test_an_older_evaluation_date_changes_nothing(cli, october):
    c = json.loads(_check(cli, "json", SAMPLE, "--as-of", AS_OF, "--compare", str(october)))["comparison"]
    assert c["changed"] == 0 and c["services"] == []  # backup's test is 789 days old now, 760 then: same facts
    text = _check(cli, "text", SAMPLE, "--as-of", AS_OF, "--compare", str(october))
    assert "0 failing for other values" in text and "760 days" not in text and "→ recovery time" not in text


def test_the_fingerprint_reads_recorded_facts_only():
    then = {"warranty.continuity.last_tested": "2024-09-30", "derived.continuity_test_age_days": 758,
            "param.max_test_age_days": 365}
    now = {**then, "derived.continuity_test_age_days": 789}
    assert fingerprint("not_met", then) == fingerprint("not_met", now)
    moved = {**now, "warranty.continuity.last_tested": "2024-10-30"}
    assert fingerprint("not_met", then) != fingerprint("not_met", moved)


def test_identical_messages_are_never_a_change(cli, tmp_path):
    before = tmp_path / "before.json"
    assert cli("check", SAMPLE, "--as-of", AS_OF, "-f", f"json:{before}", "--fail-on", "never").exit_code == 0
    # vpn: other controls, the same two open critical findings: the same message, so no change
    today = _today(tmp_path, ("controls: [mfa, posture checks]", "controls: [mfa, edr]"))
    c = json.loads(_check(cli, "json", today, "--as-of", AS_OF, "--compare", str(before)))["comparison"]
    assert c["changed"] == 0 and c["services"] == []
    # crm: availability falls further: the facts and the message change
    today = _today(tmp_path, ("measured: 99.82", "measured: 99.7"))
    c = json.loads(_check(cli, "json", today, "--as-of", AS_OF, "--compare", str(before)))["comparison"]
    assert c["changed"] == 1 and [s["id"] for s in c["services"]] == ["crm"]
    text = _check(cli, "text", today, "--as-of", AS_OF, "--compare", str(before))
    assert "  failing for other values: crm — Customer relationship management (not valuable): WAR-001 measured " \
           "availability 99.82% is below the agreed target of 99.9% → measured availability 99.7% is below" in text


def test_waiting_for_data_and_invalid_have_their_own_groups(cli, october):
    text = _check(cli, "text", SAMPLE, "--as-of", AS_OF, "--compare", str(october))
    still = [line for line in text.splitlines() if line.startswith("  still failing: ")]
    assert still and not any(sid in line for line in still for sid in ("hr-portal", "intranet-wiki",
                                                                        "analytics-sandbox", "expense-app"))
    print_line = next(line for line in still if "print" in line)
    assert "WAR-004" in print_line and "VAL-001" not in print_line  # VAL-001 of print is unknown: waiting
    assert "  still waiting for data: hr-portal — HR self-service portal (indeterminate): WAR-004 since " \
           f"{OCTOBER}" in text
    assert "  still waiting for data: print — Managed print (not valuable): VAL-001" in text
    assert f"  still invalid: analytics-sandbox — Analytics sandbox (error): valuate.record since {OCTOBER}" in text
    c = json.loads(_check(cli, "json", SAMPLE, "--as-of", AS_OF, "--compare", str(october)))["comparison"]
    assert {s["id"] for s in c["still_waiting_for_data"]} >= {"hr-portal", "intranet-wiki", "expense-app"}
    assert [s["id"] for s in c["still_invalid"]] == ["analytics-sandbox"]
    assert not {s["id"] for s in c["still_failing"]} & {"hr-portal", "analytics-sandbox", "expense-app"}
    md = _check(cli, "markdown", SAMPLE, "--as-of", AS_OF, "--compare", str(october))
    assert "**Still waiting for data** (5)" in md and "**Still invalid** (1)" in md
    html = _check(cli, "html", SAMPLE, "--as-of", AS_OF, "--compare", str(october))
    assert "Still waiting for data (<span" in html and "Still invalid (<span" in html


def test_a_removed_service_is_not_in_this_review(cli, october, tmp_path):
    text = (ROOT / SAMPLE).read_text()
    start = text.index("  - id: backup")
    end = text.index("\n  - id:", start + 1)
    today = tmp_path / "today.yaml"
    today.write_text(text[:start] + text[end + 1:])
    out = _check(cli, "text", str(today), "--as-of", AS_OF, "--compare", str(october))
    assert "  removed: backup — Server backup and restore (not valuable → not in this review)" in out
    c = json.loads(_check(cli, "json", str(today), "--as-of", AS_OF, "--compare", str(october)))["comparison"]
    assert c["fixed"] == 0  # its finding is not fixed: the service is not in this review
    md = _check(cli, "markdown", str(today), "--as-of", AS_OF, "--compare", str(october))
    assert "not valuable → not in this review" in md and "not in the last review" not in md
