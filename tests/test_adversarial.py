"""Hostile and broken inputs through the real CLI: a clear error or a correct
verdict, never a crash (exit 3), a hang (timeout) or a lost record."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import AS_OF, ROOT

CORPUS = ROOT / "tests" / "adversarial"
TIMEOUT = 60


def valuate(*args: str):
    proc = subprocess.run([sys.executable, "-m", "valuate", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=TIMEOUT)
    assert proc.returncode != 3, proc.stderr  # 3 = internal error: never for bad input
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def check_json(path: Path, *extra: str) -> dict:
    proc = valuate("check", str(path), "--format", "json", "--as-of", AS_OF, "--fail-on", "never", *extra)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def verdicts(doc: dict) -> list:
    return [(s["id"], s["verdict"]) for s in doc["services"]]


@pytest.mark.parametrize("name,fragment", [
    ("billion-laughs.yaml", "expands to more than"),
    ("python-tag.yaml", "could not determine a constructor"),
    ("duplicate-keys.yaml", "duplicate key 'name'"),
    ("tabs.yaml", "invalid YAML"),
    ("invalid-utf8.yaml", "not valid UTF-8"),
    ("nul.yaml", "invalid YAML"),
    ("empty.yaml", "empty"), ("empty.json", "empty"), ("empty.jsonl", "empty"),
    ("scalar.yaml", "expected a list of services"), ("scalar.json", "expected a list of services"),
])
def test_unreadable_catalogs_exit_2_with_file_and_reason(name, fragment):
    proc = valuate("check", str(CORPUS / name), "--as-of", AS_OF)
    assert proc.returncode == 2
    line = proc.stderr.strip()
    assert line.count("\n") == 0 and name in line and fragment in line, line
    assert not Path("/tmp/valuate-pwned").exists()


def test_duplicate_json_keys_make_that_record_an_error():
    doc = check_json(CORPUS / "duplicate-keys.json")
    assert verdicts(doc) == [("a", "error"), ("b", "indeterminate")]
    assert "duplicate key 'measured'" in doc["services"][0]["message"]


def test_crlf_and_bom_are_read():
    assert verdicts(check_json(CORPUS / "crlf.yaml")) == [("crlf", "indeterminate")]
    assert verdicts(check_json(CORPUS / "crlf.json")) == [("crlf", "indeterminate")]
    assert verdicts(check_json(CORPUS / "bom.yaml")) == [("bom", "indeterminate")]


def test_bad_bytes_in_jsonl_cost_only_their_line():
    doc = check_json(CORPUS / "invalid-utf8.jsonl")
    assert [s["verdict"] for s in doc["services"]] == ["indeterminate", "error", "indeterminate"]
    assert "line 2 is not valid UTF-8" in doc["services"][1]["message"]
    doc = check_json(CORPUS / "nul.jsonl")
    assert [s["verdict"] for s in doc["services"]] == ["indeterminate", "error", "indeterminate"]
    assert doc["services"][2]["id"] == "escaped\x00nul"


def test_non_finite_and_oversized_numbers():
    doc = check_json(CORPUS / "nan-infinity.json")
    got = {s["id"]: s for s in doc["services"]}
    assert [s["verdict"] for s in doc["services"]] == ["error"] * 4 + ["indeterminate"]
    assert "finite" in got["nan"]["message"] and "finite" in got["inf"]["message"]
    assert "too large" in got["huge"]["message"] and "finite" in got["over"]["message"]


def test_strings_are_not_numbers_or_booleans():
    doc = check_json(CORPUS / "strings-for-types.json")
    assert [s["verdict"] for s in doc["services"]] == ["error"] * 4
    assert "expected a number, got a string ('99.95')" in doc["services"][0]["message"]
    assert "expected true or false, got a string ('true')" in doc["services"][1]["message"]
    assert "expected true or false, got a number (1)" in doc["services"][3]["message"]


def test_records_that_are_not_mappings_are_each_reported():
    doc = check_json(CORPUS / "records-are-lists.json")
    assert [s["verdict"] for s in doc["services"]] == ["error", "indeterminate", "error", "error",
                                                        "error", "error", "error", "indeterminate"]
    assert doc["summary"]["services"] == 8


def test_hostile_names_are_data():
    doc = check_json(CORPUS / "hostile-names.jsonl")
    assert [s["id"] for s in doc["services"]] == ["<script>alert(1)</script>", "{missing}", "ansi"]
    text = valuate("check", str(CORPUS / "hostile-names.jsonl"), "--as-of", AS_OF).stdout
    assert "{0.__class__}" in text  # printed as written, never formatted


def test_deep_nesting(tmp_path):
    deep_json = tmp_path / "deep.json"
    deep_json.write_text("[" * 100_000 + "]" * 100_000)
    proc = valuate("check", str(deep_json))
    assert proc.returncode == 2 and "deep" in proc.stderr
    deep_yaml = tmp_path / "deep.yaml"
    deep_yaml.write_text("services: " + "[" * 5000 + "]" * 5000 + "\n")
    proc = valuate("check", str(deep_yaml))
    assert proc.returncode == 2 and "nesting" in proc.stderr
    lines = tmp_path / "deep.jsonl"
    nested = "{\"x\": " * 50 + "1" + "}" * 50
    lines.write_text('{"id": "a"}\n{"id": "b", "extra": %s}\n{"id": "c"}\n' % nested)
    doc = check_json(lines)
    assert [s["verdict"] for s in doc["services"]] == ["indeterminate", "error", "indeterminate"]
    assert "nested deeper than 32" in doc["services"][1]["message"]


def test_huge_strings_and_record_limit(tmp_path):
    path = tmp_path / "big.jsonl"
    big = "x" * 3_000_000
    path.write_text(json.dumps({"id": "big", "name": big}) + "\n" + json.dumps({"id": "over", "name": big * 2}) + "\n")
    doc = check_json(path)
    assert [s["verdict"] for s in doc["services"]] == ["indeterminate", "error"]
    assert "over the record limit" in doc["services"][1]["message"]
    doc = check_json(path, "--limit", "max_record_bytes=10000000")
    assert [s["verdict"] for s in doc["services"]] == ["indeterminate", "indeterminate"]


def test_ten_thousand_equal_ids(tmp_path):
    path = tmp_path / "same.jsonl"
    path.write_text("".join(json.dumps({"id": "same", "provider": f"p{i}"}) + "\n" for i in range(10_000)))
    doc = check_json(path)
    assert doc["summary"]["services"] == 10_000 and doc["summary"]["error"] == 9_999
    assert doc["services"][0]["verdict"] == "indeterminate"
    assert f"{path}:1" in doc["services"][-1]["message"]


def test_more_properties_than_durable_rules_takes(tmp_path):
    svc = {"id": "wide", **{f"extra_{i}": i for i in range(1000)},
           "outcomes": [{"effect": "positive", "impact": 1 + i % 5} for i in range(5000)],
           "warranty": {"security": {"controls": [f"c{i}" for i in range(3000)], "open_critical_findings": 0}}}
    path = tmp_path / "wide.json"
    path.write_text(json.dumps([svc]))
    s = check_json(path)["services"][0]
    # revision 2: no cost or risk imposed is recorded, so 15000 against 0 is only a lower bound
    assert s["criteria"]["value"] == {"status": "unknown", "findings": ["VAL-001"], "positives": 15000, "negatives": 0}
    assert s["criteria"]["warranty"]["dimensions"]["security"] == "met"


def test_pack_too_big_for_one_ruleset_is_split_and_runs(tmp_path):
    """600 rules on distinct facts would hang durable-rules' registration in one ruleset."""
    rules = "".join(
        f"  - metadata: {{id: R-{i}, title: t, criterion: advisory, severity: info, rationale: r, remediation: m}}\n"
        f"    condition: {{fact: budget.actual, gt: {i}}}\n" for i in range(600))
    pack = tmp_path / "big.yaml"
    pack.write_text("pack: big\nrules:\n" + rules)
    cat = tmp_path / "c.json"
    cat.write_text(json.dumps([{"id": "a", "budget": {"actual": 300}}]))
    doc = check_json(cat, "--rules", str(pack))
    statuses = [f["status"] for f in doc["services"][0]["findings"]]
    assert statuses == ["met"] * 300 + ["not_met"] * 300


def test_condition_over_durable_limits_is_refused(tmp_path):
    leaves = ", ".join(f"{{fact: budget.actual, ne: {i}}}" for i in range(70))
    pack = tmp_path / "wide.yaml"
    pack.write_text("pack: wide\nrules:\n  - metadata: {id: W-1, title: t, criterion: advisory, severity: info,"
                    f" rationale: r, remediation: m}}\n    condition: {{all: [{leaves}]}}\n")
    proc = valuate("check", str(CORPUS / "crlf.json"), "--rules", str(pack))
    assert proc.returncode == 2 and "W-1" in proc.stderr and "limit" in proc.stderr
