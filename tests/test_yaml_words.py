"""YAML syntax errors in words (indentation, tab, colon, quote, bracket), one error prefix,
"expected an integer", and the [yaml] tag wherever a YAML file is read."""
from __future__ import annotations

import pytest

from valuate.engine.errors import UserError
from valuate.engine.yamlio import YamlSyntaxError, load_single

CASES = [
    ("rules:\n\t- a: 1\n", "f.yaml:2:1", "a tab character at line 2: YAML indents with spaces only"),
    ("waivers:\n  - service: crm\n   rule: WAR-001\n", "f.yaml:3:4",
     "inconsistent indentation: line 3 is indented by 3 spaces, but the list that starts at line 2 "
     "has its items at 2 spaces"),
    ("a:\n    b: 1\n  c: 2\n", "f.yaml:3:3", "inconsistent indentation: line 3 is indented by 2 spaces"),
    ("a:\n  b: 1\n   c: 2\n", "f.yaml:3:5", "inconsistent indentation: line 3 is indented by 3 spaces, deeper"),
    ("rules:\n  - metadata\n    id: x\n", "f.yaml:3:7", "line 2 is a key without its ':'"),
    ("a: 1\nb\nc: 2\n", "f.yaml:3:1", "line 2 is a key without its ':' (a missing colon)"),
    ('a: "hello\nb: 2\n', "f.yaml:3:1",
     "the quoted string that starts at line 1, column 4 is never closed (a missing closing quote)"),
    ("a: {b: 1, c: 2\nd: 3\n", "f.yaml:2:2", "the '{' at line 1, column 4 is never closed with '}'"),
    ("a: [1, 2\nd: 3\n", "f.yaml:2:2", "the '[' at line 1, column 4 is never closed with ']'"),
    ("a: b: c\n", "f.yaml:1:5", "a second ': ' inside a value; quote the value"),
]


@pytest.mark.parametrize("text,where,words", CASES, ids=[c[2][:30] for c in CASES])
def test_syntax_errors_say_what_is_wrong(text, where, words):
    with pytest.raises(YamlSyntaxError) as caught:
        load_single(text, "f.yaml")
    assert str(caught.value).startswith(f"{where}: invalid YAML: ")
    assert words in str(caught.value)
    assert "while parsing" not in str(caught.value)


def test_unrecognised_errors_keep_the_parser_text():
    with pytest.raises(UserError, match="duplicate key 'a'"):
        load_single("a: 1\na: 2\n", "f.yaml")


def test_one_prefix_and_the_yaml_tag(cli, tmp_path):
    result = cli("check", "facts/samples/catalog.yaml", "--rules", "tests/data/broken-pack")
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert lines and all(line.startswith("valuate: error: ") and line.count("error:") == 1 for line in lines)
    waivers = tmp_path / "w.yaml"
    waivers.write_text("waivers:\n  - service: crm\n   rule: WAR-001\n")
    lint = cli("rules", "lint", "rules/itil4", "--waivers", str(waivers))
    assert lint.exit_code == 2 and "inconsistent indentation" in lint.output and "[yaml]" in lint.output
    assert "[waiver]" not in lint.output


def test_integer_parameters_say_integer(cli, tmp_path):
    profile = tmp_path / "p.yaml"
    profile.write_text("parameters:\n  max_test_age_days: 6 months\n")
    result = cli("check", "facts/samples/catalog.yaml", "--profile", str(profile))
    assert result.exit_code == 2
    assert "parameter 'max_test_age_days': expected an integer, got a string ('6 months') [type]" in result.output
