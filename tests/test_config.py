"""Settings from valuate.toml / [tool.valuate] / VALUATE_*: discovery, precedence, errors, config show."""
from __future__ import annotations

import json
import re

import pytest

from conftest import AS_OF, ROOT, SAMPLE
from valuate.engine.config import resolve
from valuate.engine.config.settings import TABLES, own_settings, shared_settings
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
    (project / "valuate.toml").write_text('fail-on = "never"\nmapping = "gitlab"\n\n[serve]\nport = 9000\n')
    monkeypatch.setenv("VALUATE_QUIET", "1")
    monkeypatch.setenv("VALUATE_RULES_LINT_FORMAT", "json")
    done = cli("config", "show", "--jobs", "3")
    assert done.exit_code == 0, done.output
    blocks = done.output.split("\n\n")[1:]  # the head, then the shared settings, then one block per table
    rows = {line.split()[0]: line for line in blocks[0].splitlines()}
    assert set(rows) == {s.name for s in shared_settings()}
    assert rows["fail-on"].split()[1:] == ["never", f"{project / 'valuate.toml'}:1"]
    assert rows["mapping"].split()[1] == "gitlab"  # a preset name, not a path
    assert rows["quiet"].split()[1:] == ["true", "environment", "VALUATE_QUIET"]
    assert rows["jobs"].split()[1:] == ["3", "command", "line"]
    tables = {block.splitlines()[0]: {line.split()[0]: line.split()[1:] for line in block.splitlines()[1:]}
              for block in blocks[1:]}
    assert list(tables) == [f"[{name}]" for name in TABLES]
    for name, command in TABLES.items():
        assert set(tables[f"[{name}]"]) == {s.name for s in own_settings(command)}
    assert tables["[serve]"]["port"] == ["9000", f"{project / 'valuate.toml'}:5"]
    assert tables["[serve]"]["host"] == ["127.0.0.1", "default"]
    assert tables["[rules-lint]"]["format"] == ["json", "environment", "VALUATE_RULES_LINT_FORMAT"]
    assert "watch" not in done.output and "force" not in done.output  # command line only: no setting
    doc = json.loads(cli("config", "show", "--json").output)
    assert doc["settings"]["format"] == {"value": ["text"], "from": "default", "env": "VALUATE_FORMAT",
                                         "default": True}
    assert doc["tables"]["serve"]["port"] == {"value": 9000, "from": f"{project / 'valuate.toml'}:5",
                                              "env": "VALUATE_SERVE_PORT", "default": False}
    monkeypatch.setenv("VALUATE_CONFIG_SHOW_JSON", "true")  # config show's own setting
    assert json.loads(cli("config", "show").output)["tables"]["config-show"]["json"]["value"] is True


def test_the_docs_document_every_setting():
    """The reference tables are generated from SETTINGS; the CI guide's example file is written by hand."""
    table = (ROOT / "docs" / "reference" / "config.md").read_text(encoding="utf-8")
    guide = (ROOT / "docs" / "guides" / "ci.md").read_text(encoding="utf-8")
    section = guide.split("## The config file", 1)[1].split("\n## ", 1)[0]
    example = section.split("```toml\n", 1)[1].split("```", 1)[0]
    top, *tables = re.split(r"^(\[[a-z-]+\])$", example, flags=re.M)
    shared, own = table.split("## Each command's own settings", 1)
    for s in shared_settings():
        row = re.search(rf"^\| `{re.escape(s.name)}` \|.*$", shared, re.M)
        assert row, f"{s.name} is not in docs/reference/config.md (run make docs)"
        assert f"`{s.env}`" in row.group(0)
        assert re.search(rf"^{re.escape(s.name)} = ", top, re.M), f"{s.name} is not in the example file"
    written = dict(zip(tables[::2], tables[1::2]))
    for name, command in TABLES.items():
        part = own.split(f"### [{name}]\n", 1)[1].split("\n### ", 1)[0]
        assert f"[{name}]" in written, f"[{name}] is not in the example file"
        for s in own_settings(command):
            assert f"`{s.variable(command)}`" in part, f"[{name}] {s.name} is not in docs/reference/config.md"
            assert re.search(rf"^{re.escape(s.name)} = ", written[f"[{name}]"], re.M), \
                f"[{name}] {s.name} is not in the example file"
