"""Settings from valuate.toml / [tool.valuate] / VALUATE_*: discovery, precedence, errors, config show."""
from __future__ import annotations

import json
import re

import pytest

from conftest import AS_OF, ROOT, SAMPLE
from valuate.engine.config import SETTINGS, resolve
from valuate.engine.errors import UserError


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project directory with the sample catalog and a subdirectory to run from."""
    (tmp_path / "catalog.yaml").write_text((ROOT / SAMPLE).read_text())
    (tmp_path / "sub").mkdir()
    for name in list(__import__("os").environ):
        if name.startswith("VALUATE_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path / "sub")
    return tmp_path


def test_valuate_toml_is_found_upward_and_its_paths_are_its_own(project):
    (project / "valuate.toml").write_text(f'catalogs = ["catalog.yaml"]\nfail-on = "never"\nas-of = {AS_OF}\n'
                                          'format = ["text", "sarif:out/valuate.sarif"]\n')
    resolved = resolve("check", {})
    assert resolved.file == project / "valuate.toml"
    assert resolved["catalogs"] == (str(project / "catalog.yaml"),)
    assert resolved["format"] == ("text", f"sarif:{project / 'out' / 'valuate.sarif'}")
    assert resolved["fail_on"] == "never" and str(resolved["as_of"]) == AS_OF
    assert resolved.origins["fail_on"] == f"{project / 'valuate.toml'}:2"
    assert resolved.origins["quiet"] == "default"


def test_pyproject_tool_valuate_and_precedence(project, monkeypatch):
    (project / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.valuate]\nfail_on = "never"\n'
                                            'jobs = 2\nset = {min_headroom = 0.2}\n')
    assert resolve("check", {})["fail_on"] == "never"
    monkeypatch.setenv("VALUATE_FAIL_ON", "indeterminate")
    monkeypatch.setenv("VALUATE_SET", "min_headroom=0.3,max_test_age_days=400")
    resolved = resolve("check", {})
    assert resolved["fail_on"] == "indeterminate" and resolved.origins["fail_on"] == "environment VALUATE_FAIL_ON"
    assert resolved.policy().params == {"min_headroom": 0.3, "max_test_age_days": 400}  # a list replaces
    assert resolved["jobs"] == 2 and resolved.origins["jobs"] == f"{project / 'pyproject.toml'}:6"
    cli = resolve("check", {"fail_on": "not_valuable"})
    assert cli["fail_on"] == "not_valuable" and cli.origins["fail_on"] == "command line"
    assert resolve("check", {}, no_config=True)["jobs"] is None


def test_unknown_keys_and_bad_values_name_the_file_and_line(project):
    (project / "valuate.toml").write_text('fail-on = "never"\nwarrranty = 1\n')
    with pytest.raises(UserError) as err:
        resolve("check", {})
    assert str(err.value).startswith(f"{project / 'valuate.toml'}:2: unknown key 'warrranty'")
    (project / "valuate.toml").write_text('fail_onn = "never"\n')
    with pytest.raises(UserError, match=r"did you mean 'fail-on'"):
        resolve("check", {})
    (project / "valuate.toml").write_text('\n\nfail-on = "sometimes"\n')
    with pytest.raises(UserError, match=r"valuate.toml:3: fail-on: expected one of never, not_valuable, "
                                        r"indeterminate, got 'sometimes'"):
        resolve("check", {})
    (project / "valuate.toml").write_text('fail-on = \n')
    with pytest.raises(UserError, match="invalid TOML"):
        resolve("check", {})


def test_environment_near_misses_are_warned_about(project, monkeypatch):
    monkeypatch.setenv("VALUATE_FAILON", "never")
    monkeypatch.setenv("VALUATE_SOMETHING_ELSE", "x")  # someone else's variable: not a near miss
    assert resolve("check", {}).warnings == ("environment variable VALUATE_FAILON is not a valuate setting "
                                             "(did you mean 'VALUATE_FAIL_ON'?)",)
    monkeypatch.setenv("VALUATE_QUIET", "perhaps")
    with pytest.raises(UserError, match="VALUATE_QUIET: quiet: expected true or false"):
        resolve("check", {})


def test_check_runs_from_the_config_file_alone(cli, project, tmp_path):
    (project / "valuate.toml").write_text(f'catalogs = ["catalog.yaml"]\nas-of = {AS_OF}\nquiet = true\n'
                                          'format = ["text", "junit:valuate.junit.xml"]\n')
    done = cli("check")
    assert done.exit_code == 1
    assert (project / "valuate.junit.xml").is_file()
    assert "NO  not_valuable  crm" in done.output and "ok  valuable" not in done.output
    named = tmp_path / "elsewhere.toml"
    named.write_text('fail-on = "never"\n')
    assert cli("check", "--config", str(named), str(project / "catalog.yaml")).exit_code == 0
    assert cli("check", "--no-config").exit_code == 2  # no catalog any more


def test_config_show_prints_every_setting_with_its_origin(cli, project, monkeypatch):
    (project / "valuate.toml").write_text('fail-on = "never"\nmapping = "gitlab"\n')
    monkeypatch.setenv("VALUATE_QUIET", "1")
    done = cli("config", "show", "--jobs", "3")
    assert done.exit_code == 0
    rows = {line.split()[0]: line for line in done.output.splitlines()[3:]}
    assert set(rows) == {s.name for s in SETTINGS if "check" in s.commands}
    assert rows["fail-on"].split()[1:] == ["never", f"{project / 'valuate.toml'}:1"]
    assert rows["mapping"].split()[1] == "gitlab"  # a preset name, not a path
    assert rows["quiet"].split()[1:] == ["true", "environment", "VALUATE_QUIET"]
    assert rows["jobs"].split()[1:] == ["3", "command", "line"]
    doc = json.loads(cli("config", "show", "--json").output)
    assert doc["settings"]["format"] == {"value": ["text"], "from": "default", "env": "VALUATE_FORMAT",
                                         "default": True}


def test_the_docs_document_every_setting():
    """The reference table is generated from SETTINGS; the CI guide's example file is written by hand."""
    table = (ROOT / "docs" / "reference" / "config.md").read_text(encoding="utf-8")
    guide = (ROOT / "docs" / "guides" / "ci.md").read_text(encoding="utf-8")
    section = guide.split("## The config file", 1)[1].split("\n## ", 1)[0]
    for s in SETTINGS:
        row = re.search(rf"^\| `{re.escape(s.name)}` \|.*$", table, re.M)
        assert row, f"{s.name} is not in docs/reference/config.md (run make docs)"
        assert f"`{s.env}`" in row.group(0)
        assert re.search(rf"^{re.escape(s.name)} = ", section, re.M), f"{s.name} is not in the example file"
