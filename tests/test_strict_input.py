"""Strict input: unknown keys are told (or refused with --strict); `valuate facts` output is a
catalog; diff and tune read raw exports through mappings like check does."""
from __future__ import annotations

import json

import pytest

from conftest import AS_OF, DATA, SAMPLE

TYPO = "- id: svc\n  utility: {performance_support: [a]}\n  warrranty:\n    availability: {target: 99, measured: 99.5}\n"


def test_unknown_keys_are_a_warning_per_record(cli, tmp_path):
    catalog = tmp_path / "typo.yaml"
    catalog.write_text(TYPO + "- id: other\n  warranty: {availability: {target: 99, measuerd: 99}}\n"
                              "  x-team-notes: kept on purpose\n")
    done = cli("check", str(catalog), "--as-of", AS_OF, "--fail-on", "never")
    assert done.exit_code == 0
    warnings = [line for line in done.output.splitlines() if line.startswith("valuate: warning:")]
    assert warnings == [
        f"valuate: warning: {catalog}:1: svc: warrranty: unknown key: not in the fact schema, so no rule reads "
        "it (did you mean 'warranty'?)",
        f"valuate: warning: {catalog}:5: other: warranty.availability.measuerd: unknown key: not in the fact "
        "schema, so no rule reads it (did you mean 'measured'?)"]
    assert "??  indeterminate svc" in done.output  # judged without the misspelt warranty


def test_strict_makes_unknown_keys_errors(cli, tmp_path):
    catalog = tmp_path / "typo.yaml"
    catalog.write_text(TYPO)
    out = tmp_path / "r.json"
    done = cli("check", str(catalog), "--as-of", AS_OF, "--strict", "-f", f"json:{out}")
    assert done.exit_code == 1
    (service,) = json.loads(out.read_text())["services"]
    assert service["verdict"] == "error"
    assert service["errors"][0]["path"] == "warrranty" and "did you mean 'warranty'" in service["message"]


def test_warnings_are_in_the_json_report_too(cli, tmp_path):
    catalog = tmp_path / "typo.yaml"
    catalog.write_text(TYPO)
    out = tmp_path / "r.json"
    cli("check", str(catalog), "--as-of", AS_OF, "-f", f"json:{out}")
    (service,) = json.loads(out.read_text())["services"]
    assert [w["path"] for w in service["warnings"]] == ["warrranty"]


def _verdicts(cli, *args) -> dict:
    done = cli("check", *args, "--as-of", AS_OF, "--format", "jsonl", "--fail-on", "never")
    lines = [json.loads(x) for x in done.output.splitlines() if x.startswith('{"type":"service"')]
    return {s["id"]: (s["verdict"], [(f["rule"], f["status"], f["message"]) for f in s["findings"]])
            for s in lines}


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_facts_output_is_a_catalog(cli, tmp_path, fmt):
    out = tmp_path / f"facts.{fmt}"
    args = (str(DATA / "small-export.csv"), "--mapping", str(DATA / "small-export.mapping.yaml"))
    cli("facts", *args, "--format", fmt, "--output", str(out))
    assert _verdicts(cli, str(out)) == _verdicts(cli, *args)
    canonical = tmp_path / f"sample-facts.{fmt}"
    cli("facts", SAMPLE, "--format", fmt, "--output", str(canonical))
    assert _verdicts(cli, str(canonical)) == _verdicts(cli, SAMPLE)


def test_diff_and_tune_read_exports_through_mappings(cli):
    args = (str(DATA / "small-export.csv"), "-m", str(DATA / "small-export.mapping.yaml"), "--as-of", AS_OF)
    diff = cli("diff", *args, "--head", "examples/profiles/strict-availability.yaml", "--format", "json")
    assert diff.exit_code == 0, diff.output
    doc = json.loads(diff.output)
    assert doc["summary"]["services"] == 4
    tune = cli("tune", *args, "--param", "min_headroom", "--values", "0.2", "--profile",
               "examples/profiles/corporate.yaml", "--waivers", "examples/waivers.yaml", "--format", "json")
    assert tune.exit_code == 0, tune.output
    assert json.loads(tune.output[tune.output.index("{"):])["trials"][0]["summary"]["services"] == 4
