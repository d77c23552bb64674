"""``valuate facts`` and mapped ``check``/``explain`` through the command line, with golden files."""
from __future__ import annotations

import json

from conftest import AS_OF, golden

EXPORT = "tests/data/small-export.csv"
MAPPING = "tests/data/small-export.mapping.yaml"


def test_facts_yaml_golden(cli):
    result = cli("facts", EXPORT, "--mapping", MAPPING)
    assert result.exit_code == 1  # LAB-04 has values that do not parse
    golden("facts-small.yaml", result.output)


def test_facts_json_golden(cli):
    result = cli("facts", EXPORT, "--mapping", MAPPING, "--format", "json")
    golden("facts-small.json", result.output)
    doc = json.loads(result.output)
    assert doc["summary"] == {"records": 4, "errors": 1, "skipped_by_where": 0}
    pay = doc["services"][0]
    assert pay["provenance"]["warranty.availability.target"] == {
        "file": EXPORT, "record": 1, "line": 2, "field": "Availability target", "raw": "99,9 %"}
    assert pay["fact"]["warranty"]["continuity"] == {"rto_hours": 4, "rto_target_hours": 8, "plan": True,
                                                     "last_tested": "2026-01-21"}


def test_check_mapped_text_golden(cli):
    result = cli("check", EXPORT, "--mapping", MAPPING, "--as-of", AS_OF)
    assert result.exit_code == 1
    golden("check-small-mapped.txt", result.output)


def test_explain_shows_where_facts_came_from(cli):
    result = cli("explain", EXPORT, "CRM-02", "--mapping", MAPPING, "--as-of", AS_OF)
    assert result.exit_code == 0
    golden("explain-small-mapped.txt", result.output)
    assert ("↳ warranty.availability.measured from Measured availability = '0.9982' "
            f"({EXPORT}:4 row 2)") in result.output


def test_explain_json_has_provenance_per_finding(cli):
    result = cli("explain", EXPORT, "CRM-02", "--mapping", MAPPING, "--as-of", AS_OF, "--format", "json")
    war = next(f for f in json.loads(result.output)["service"]["findings"] if f["rule"] == "WAR-004")
    assert war["provenance"]["warranty.continuity.rto_target_hours"]["raw"] == "1970-01-01 04:00:00"


def test_gitlab_preset_from_the_command_line(cli):
    result = cli("check", "tests/data/gitlab-service-catalog-excerpt.yml", "--mapping", "gitlab",
                 "--as-of", AS_OF, "--fail-on", "never")
    assert result.exit_code == 0
    assert "\n3 services: 0 valuable, 0 not valuable, 3 indeterminate, 0 error\n" in result.output
    assert "availability waits for data in 3 of 3 services: 'business.SLA.availability'" in result.output


def test_mapping_errors_are_exit_2_with_location(cli, tmp_path):
    bad = tmp_path / "m.yaml"
    bad.write_text("fields:\n  id: Service ID\n  warranty.availability.targit: x\n")
    result = cli("check", EXPORT, "--mapping", str(bad))
    assert result.exit_code == 2 and f"{bad}:3:3" in result.output and "did you mean" in result.output
    result = cli("facts", EXPORT, "--mapping", "no-such-preset")
    assert result.exit_code == 2 and "no mapping preset 'no-such-preset'" in result.output


def test_facts_of_a_canonical_catalog_without_mapping(cli):
    result = cli("facts", "facts/samples/catalog.yaml", "--format", "json")
    doc = json.loads(result.output)
    assert doc["summary"]["records"] == 15 and doc["mapping"] is None
    assert doc["services"][0]["fact"]["warranty"]["continuity"]["last_tested"] == "2026-06-01"
