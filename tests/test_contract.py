"""The specification (docs/specification.md: the default policy and the JSON report), checked on small catalogs written here."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from conftest import check

AS_OF = dt.date(2026, 11, 28)


def run(tmp_path, services, name="c.json"):
    path = tmp_path / name
    path.write_text(json.dumps(services))
    return check([str(path)], as_of=AS_OF).to_dict()


def test_contract_example_service(tmp_path):
    svc = {
        "id": "payroll", "name": "Payroll processing",
        "outcomes": [{"effect": "positive", "impact": 4}, {"effect": "negative", "impact": 1}],
        "costs": {"removed": [{"impact": 3}], "imposed": [{"impact": 2}]},
        "risks": {"removed": [{"impact": 3}], "imposed": [{"impact": 1}]},
        "utility": {"performance_support": ["x"]},
        "warranty": {"availability": {"target": 99.9, "measured": 99.95},
                     "capacity": {"peak_demand": 700, "max_capacity": 1000},
                     "security": {"controls": ["sso"], "open_critical_findings": 0},
                     "continuity": {"plan": True, "last_tested": "2026-06-01", "rto_hours": 4,
                                    "rto_target_hours": 8}},
    }
    doc = run(tmp_path, [svc])
    contract_keys = ["tool", "rules", "as_of", "summary", "services"]
    assert [k for k in doc if k in contract_keys] == contract_keys  # added keys are allowed
    assert doc["tool"] == {"name": "valuate", "version": "0.1.0"}
    assert doc["rules"]["packs"] == ["itil4"] and doc["rules"]["digest"].startswith("sha256:")
    assert doc["as_of"] == "2026-11-28"
    assert {k: doc["summary"][k] for k in ("services", "valuable", "not_valuable", "indeterminate", "error")} \
        == {"services": 1, "valuable": 1, "not_valuable": 0, "indeterminate": 0, "error": 0}
    s = doc["services"][0]
    assert s["verdict"] == "valuable"
    assert s["criteria"]["value"] == {"status": "met", "findings": ["VAL-001"], "positives": 10, "negatives": 4}
    assert s["criteria"]["warranty"]["findings"] == ["WAR-001", "WAR-002", "WAR-003", "WAR-004"]
    assert s["criteria"]["warranty"]["dimensions"] == {d: "met" for d in
                                                       ("availability", "capacity", "security", "continuity")}
    war1 = next(f for f in s["findings"] if f["rule"] == "WAR-001")
    assert war1["message"] == "measured availability 99.95% meets the 99.9% target"
    assert war1["evidence"] == {"warranty.availability.measured": 99.95, "warranty.availability.target": 99.9,
                                "param.min_availability_target": 0}
    assert war1["criterion"] == "warranty" and war1["severity"] == "error"


def test_every_record_once_in_order_whatever_happened(tmp_path):
    records = [{"id": "a"}, [1], {"id": "b", "outcomes": [{"effect": "sideways"}]}, "text", {"id": "a"},
               {"name": "no id"}, {"id": "c", "outcomes": [{"effect": "positive", "impact": 9}]},
               None, {"id": "d"}]
    doc = run(tmp_path, records)
    assert [s["id"] for s in doc["services"]] == ["a", None, "b", None, "a", None, "c", None, "d"]
    assert [s["verdict"] for s in doc["services"]] == [
        "indeterminate", "error", "error", "error", "error", "error", "error", "error", "indeterminate"]
    assert doc["summary"]["services"] == len(records)
    messages = [s.get("message", "") for s in doc["services"]]
    assert "effect" in messages[2] and "duplicate id 'a'" in messages[4]
    assert messages[5].startswith("id: missing") and "outcomes[0].impact" in messages[6]
    assert [s["source"]["record"] for s in doc["services"]] == list(range(1, 10))


@pytest.mark.parametrize("facts,status", [
    ({"utility": {"performance_support": ["a"]}}, "met"),
    ({"utility": {"performance_support": [], "constraints_removed": []}}, "not_met"),
    ({"utility": {"performance_support": []}}, "unknown"),
    ({}, "unknown"),
])
def test_utility_is_or_of_non_empty_lists(tmp_path, facts, status):
    doc = run(tmp_path, [{"id": "s", **facts}])
    assert doc["services"][0]["criteria"]["utility"]["status"] == status


def test_wrong_types_are_errors_naming_the_field(tmp_path):
    doc = run(tmp_path, [{"id": "s", "warranty": {"availability": {"measured": "99.95", "target": 99.9}}}])
    s = doc["services"][0]
    assert s["verdict"] == "error"
    assert s["errors"] == [{"path": "warranty.availability.measured",
                            "message": "expected a number, got a string ('99.95')"}]


def test_every_unknown_or_failed_criterion_has_an_explaining_finding(tmp_path):
    doc = check(["facts/samples/catalog.yaml"], as_of=AS_OF).to_dict()
    for s in doc["services"]:
        if s["verdict"] == "error":
            continue
        for name, crit in s["criteria"].items():
            if crit["status"] == "met":
                continue
            found = [f for f in s["findings"] if f["rule"] in crit["findings"] and f["status"] == crit["status"]]
            assert found, (s["id"], name)
            for f in found:
                assert f["message"] and f["evidence"], (s["id"], f["rule"])
                if f["status"] == "unknown":
                    assert f["missing"], (s["id"], f["rule"])


def test_as_of_moves_the_continuity_window(tmp_path):
    svc = {"id": "s", "warranty": {"continuity": {"plan": True, "last_tested": "2026-01-01"}}}
    path = tmp_path / "c.json"
    path.write_text(json.dumps([svc]))
    early = check([str(path)], as_of=dt.date(2026, 12, 31)).services[0]
    late = check([str(path)], as_of=dt.date(2027, 1, 2)).services[0]
    assert early.finding("WAR-004").status == "met"
    assert late.finding("WAR-004").status == "not_met"
