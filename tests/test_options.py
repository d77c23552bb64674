"""Every option of every command comes from the settings table (engine/config/settings.py).

The click command tree is compared with the table, option by option; cli.py
is read to check that it declares no option itself. Then the scheme the table
gives each option: shared settings as top-level keys and VALUATE_<KEY>, a
command's own ones in its table ([serve] port, VALUATE_SERVE_PORT), and the
command-line-only ones, which no file or variable sets.
"""
from __future__ import annotations

import ast
import json

import click
import pytest

from conftest import ROOT
from valuate.cli import main
from valuate.engine.config import resolve
from valuate.engine.config.options import click_option, in_help_order
from valuate.engine.config.settings import (ALL, BY_NAME, COMMANDS, INIT, RULES_LINT, RULES_TEST, SERVE, SETTINGS,
                                            TABLES, command_line_only, for_command, own_settings, variables)
from valuate.engine.errors import UserError

BUILT_IN = {"version"}  # click's --version of the group (its --help is no parameter): not settings


def commands(group: click.Group = main, prefix: str = ""):
    """(command path without 'valuate', click command) for every command that is not a group."""
    for name, command in sorted(group.commands.items()):
        path = f"{prefix}{name}"
        if isinstance(command, click.Group):
            yield from commands(command, path + " ")
        else:
            yield path, command


def _shape(option: click.Option) -> tuple:
    return option.to_info_dict(), option.metavar, option.show_default


def test_every_command_is_in_the_table_and_every_option_is_a_row_of_it():
    tree = dict(commands())
    assert set(tree) == set(COMMANDS), "a command of the CLI is missing from settings.COMMANDS, or one is extra"
    for path, command in tree.items():
        options = [p for p in command.params if isinstance(p, click.Option)]
        rows = {s.dest: s for s in in_help_order(path)}
        assert [o.name for o in options] == list(rows), f"valuate {path}: options and table differ"
        for option in options:
            built = click.command()(click_option(rows[option.name])(lambda **_: None)).params[0]
            assert _shape(option) == _shape(built), f"valuate {path} --{option.name} is not the table's"
    assert [p.name for p in main.params] == list(BUILT_IN)


def test_cli_py_declares_no_option_of_its_own():
    """Arguments are declared beside the commands; options only in the table."""
    tree = ast.parse((ROOT / "cli.py").read_text(encoding="utf-8"))
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
    named = [getattr(c.func, "attr", getattr(c.func, "id", "")) for c in calls]
    assert "option" not in named and "Option" not in named
    assert named.count("version_option") == 1  # click's own --version


def test_a_command_sees_each_name_flag_and_variable_once():
    for command in COMMANDS:
        rows = for_command(command)
        flags = [f for s in rows for f in (f"--{s.name}", s.short) if f]
        assert len(flags) == len(set(flags)), f"{command}: a flag is declared twice"
        assert len({s.dest for s in rows}) == len(rows), f"{command}: a setting is declared twice"
    names = [s.env for s in BY_NAME.values()] + [s.variable(c) for c in TABLES.values() for s in own_settings(c)]
    assert len(names) == len(set(names)) == len(variables())
    assert not set(TABLES) & {s.name for s in BY_NAME.values()}, "a table named like a top-level key"
    assert not set(command_line_only()) & set(variables())
    for s in SETTINGS:
        assert s.commands or s.own, f"{s.name} belongs to no command"
        assert not (s.cli_only and s.own), f"{s.name}: command line only, so no command table holds it"
        assert s.commands | s.own <= ALL


@pytest.fixture
def here(tmp_path, monkeypatch):
    for name in list(__import__("os").environ):
        if name.startswith("VALUATE_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_commands_own_table_its_variable_and_its_command_line(here, monkeypatch):
    (here / "valuate.toml").write_text('format = ["json"]\nas-of = 2026-01-02\n\n[serve]\nport = 9000\n'
                                       'token-file = "secrets/token"\n\n[rules_lint]\nformat = "json"\n'
                                       'as-of = 2026-03-04\n')
    served = resolve(SERVE, {})
    assert served["port"] == 9000 and served.origins["port"] == f"{here / 'valuate.toml'}:5"
    assert served["token_file"] == "secrets/token"  # relative to the file's directory (here)
    assert served["host"] == "127.0.0.1" and served["as_of"].isoformat() == "2026-01-02"  # as-of: shared
    monkeypatch.setenv("VALUATE_SERVE_PORT", "9100")
    assert resolve(SERVE, {})["port"] == 9100
    assert resolve(SERVE, {"port": 9200})["port"] == 9200
    lint = resolve(RULES_LINT, {})
    assert lint["format"] == "json" and lint["as_of"].isoformat() == "2026-03-04"  # its own as-of
    assert resolve("explain", {})["format"] == "text"  # check's top-level format is not explain's
    assert resolve("check", {})["format"] == ("json",)


def test_paths_in_a_table_are_relative_to_the_file(here, monkeypatch):
    (here / "policy").mkdir()
    (here / "policy" / "valuate.toml").write_text('[rules-test]\ncases = ["t.yaml"]\nprofile = "p.yaml"\n')
    (here / "policy" / "sub").mkdir()
    monkeypatch.chdir(here / "policy" / "sub")
    resolved = resolve(RULES_TEST, {})
    assert resolved["cases"] == (str(here / "policy" / "t.yaml"),)  # outside the working directory: absolute
    assert resolved["profile"] == str(here / "policy" / "p.yaml")
    monkeypatch.chdir(here)
    assert resolve(RULES_TEST, {"config": "policy/valuate.toml"})["cases"] == ("policy/t.yaml",)


@pytest.mark.parametrize("text, message", [
    ('[sevre]\nport = 1\n', r"valuate.toml:1: unknown key 'sevre' \(did you mean 'serve'"),
    ('[serve]\nprot = 1\n', r"valuate.toml:2: unknown key 'prot' in \[serve\] \(did you mean 'port'\?\); the keys "
                            r"of \[serve\] are host, port"),
    ('[serve]\nrules = ["x"]\n', r"valuate.toml:2: unknown key 'rules' in \[serve\]: rules is a shared setting, a "
                                 r"top-level key"),
    ('port = 9000\n', r"valuate.toml:1: unknown key 'port'; port is a command's own setting: write it in \[serve\]"),
    ('serve = 9000\n', r"'serve' is the table of serve's own settings: write \[serve\]"),
    ('[init]\nforce = true\n', r"valuate.toml:2: unknown key 'force' in \[init\]: --force is command line only "
                               r"\(overwriting"),
    ('watch = true\n', r"valuate.toml:1: unknown key 'watch'; --watch is command line only \(a run that never ends"),
    ('[serve]\nport = 70000\n', r"valuate.toml:2: port: expected at most 65535, got 70000"),
    ('[rules-test]\nmin-coverage = "most"\n', r"valuate.toml:2: min-coverage: expected a number, got 'most'"),
    ('[rules-lint]\nformat = "json"\n\n[rules_lint]\nformat = "text"\n',
     r"valuate.toml:4: \[rules-lint\] and \[rules_lint\] are one table"),
    ('[serve]\nmax-pending = 2\nmax_pending = 3\n', r"'max_pending' is given twice in \[serve\]"),
])
def test_a_key_in_the_wrong_place_says_where_it_goes(here, text, message):
    (here / "valuate.toml").write_text(text)
    command = SERVE if "serve" in text or "port" in text else INIT if "init" in text else \
        RULES_TEST if "rules-test" in text else RULES_LINT
    with pytest.raises(UserError, match=message):
        resolve(command, {})


def test_variables_of_command_line_only_options_are_warned_about_not_read(here, monkeypatch):
    monkeypatch.setenv("VALUATE_WATCH", "1")
    monkeypatch.setenv("VALUATE_INIT_FORCE", "1")
    monkeypatch.setenv("VALUATE_RULES_TEST_MIN_COVERAGE", "101")
    resolved = resolve(INIT, {})
    assert resolved["force"] is False
    assert "environment variable VALUATE_INIT_FORCE is not read: --force is command line only" in \
        " ".join(resolved.warnings)
    assert any(w.startswith("environment variable VALUATE_WATCH is not read") for w in resolved.warnings)
    with pytest.raises(UserError, match="VALUATE_RULES_TEST_MIN_COVERAGE: min-coverage: expected at most 100"):
        resolve(RULES_TEST, {})


def test_the_commands_read_their_tables(cli, tmp_path, monkeypatch):
    """rules lint and init from [rules-lint] and [init]; serve's options reach the server."""
    import valuate.cli as cli_module

    config = tmp_path / "valuate.toml"
    config.write_text('[rules-lint]\nformat = "json"\n\n[init]\npack = "ops"\n\n[serve]\nport = 9000\n'
                      'max-services = 5\ntimeout = 2.5\n')
    done = cli("rules", "lint", "rules/itil4", "--config", str(config))
    assert done.exit_code == 0 and json.loads(done.output)["errors"] == 0
    assert cli("rules", "lint", "rules/itil4", "--config", str(config), "-f", "text").output.startswith("rules/")
    done = cli("init", str(tmp_path / "new"), "--config", str(config))
    assert done.exit_code == 0 and (tmp_path / "new" / "ops" / "pack.yaml").is_file()
    seen = []
    monkeypatch.setattr(cli_module, "serve_forever", seen.append)
    assert cli("serve", "--config", str(config), "--host", "0.0.0.0").exit_code == 0
    assert (seen[0].host, seen[0].port, seen[0].max_services, seen[0].timeout) == ("0.0.0.0", 9000, 5, 2.5)
