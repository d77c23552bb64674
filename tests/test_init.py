"""``valuate init``: the scaffold passes rules lint and rules test as generated, every YAML file
names its JSON Schema (and validates against it), and nothing is overwritten by accident."""
from __future__ import annotations

import re

import yaml

from test_schemas import validate

SCHEMA_LINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)$")


def test_init_output_passes_lint_and_test(cli, tmp_path):
    target = tmp_path / "policy"
    made = cli("init", str(target), "--pack", "ours")
    assert made.exit_code == 0, made.output
    assert f"created {target / 'ours' / 'rules' / 'ours.yaml'}" in made.output
    lint = cli("rules", "lint", str(target / "ours"), "--profile", str(target / "profile.yaml"),
               "--waivers", str(target / "waivers.yaml"))
    assert lint.exit_code == 0 and "0 errors, 0 warnings" in lint.output, lint.output
    tests = cli("rules", "test", str(target / "ours"), "--profile", str(target / "profile.yaml"),
                "--min-coverage", "100")
    assert tests.exit_code == 0 and "100.0% of the reachable statuses asserted" in tests.output, tests.output
    assert "OURS-001" in tests.output and (target / "valuate.toml").read_text().count('"ours"') == 1


def test_every_yaml_file_names_a_schema_it_validates_against(cli, tmp_path):
    assert cli("init", str(tmp_path)).exit_code == 0
    files = sorted(tmp_path.rglob("*.yaml"))
    assert len(files) == 5
    for path in files:
        match = SCHEMA_LINE.match(path.read_text().splitlines()[0])
        assert match, f"{path}: no $schema line"
        schema = (path.parent / match.group(1)).resolve()
        assert schema.is_file() and schema.parent == (tmp_path / "schemas").resolve(), schema
        validate(yaml.safe_load(path.read_text()) or {}, schema.name)


def test_init_refuses_to_overwrite(cli, tmp_path):
    assert cli("init", str(tmp_path)).exit_code == 0
    again = cli("init", str(tmp_path))
    assert again.exit_code == 2 and "would overwrite" in again.output and "--force" in again.output
    assert cli("init", str(tmp_path), "--force").exit_code == 0
    assert cli("init", str(tmp_path / "x"), "--pack", "Bad Name").exit_code == 2
