"""``--stdin-filename PATH``: a catalog piped in is named after the file it really is, in
every format and message, at the real line (issue 25 item 1)."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import AS_OF, ROOT, SAMPLE
from valuate.engine import stdio

NAME = "services/catalog.yaml"  # what the pipe stands for (never read: standard input is)
CRM_LINE = 43  # crm's record in the sample


def piped(cli, *args, name=NAME):
    text = (ROOT / SAMPLE).read_text(encoding="utf-8")
    extra = ("--stdin-filename", name) if name else ("--input-format", "yaml")
    done = cli("check", "-", *extra, "--as-of", AS_OF, "--fail-on", "never", *args, input=text)
    assert done.exit_code == 0, done.output
    return done.output




@pytest.mark.parametrize("fmt", ["github", "sarif", "junit", "gitlab-codequality", "text", "json", "html",
                                 "markdown"])
def test_every_format_points_at_the_real_file_and_line(cli, fmt):
    out = piped(cli, "-f", fmt)
    assert "<stdin>" not in out and "%3Cstdin%3E" not in out
    if fmt == "github":
        crm = next(line for line in out.splitlines() if "crm" in line)
        assert crm.startswith(f"::warning file={NAME},line={CRM_LINE},")
    elif fmt == "sarif":
        results = json.loads(out)["runs"][0]["results"]
        crm = next(r for r in results if r["properties"]["service"] == "crm")
        where = crm["locations"][0]["physicalLocation"]
        assert where == {"artifactLocation": {"uri": NAME}, "region": {"startLine": CRM_LINE}}
    elif fmt == "junit":
        root = ET.fromstring(out)
        (suite,) = root.findall("testsuite")
        assert suite.get("file") == NAME
        crm = next(c for c in suite.findall("testcase") if c.get("name") == "crm")
        assert crm.get("classname") == NAME and f"at {NAME}:{CRM_LINE}" in crm.find("system-out").text
    elif fmt == "gitlab-codequality":
        crm = next(i for i in json.loads(out) if i["check_name"] == "WAR-001")
        assert crm["location"] == {"path": NAME, "lines": {"begin": CRM_LINE}}
    elif fmt == "json":
        doc = json.loads(out)
        crm = next(s for s in doc["services"] if s["id"] == "crm")
        assert crm["source"] == {"file": NAME, "record": 2, "line": CRM_LINE}
        assert doc["inputs"]["facts"].startswith("sha256:")
    elif fmt == "text":  # the text report places the invalid record (at line 288)
        assert f"({NAME}:288)" in out
    else:  # html, markdown
        assert f"{NAME}:{CRM_LINE}" in out


def test_the_extension_tells_the_format_and_a_bad_one_is_named(cli, tmp_path):
    text = (ROOT / SAMPLE).read_text(encoding="utf-8")
    done = cli("check", "-", "--stdin-filename", "catalog.txt", "--as-of", AS_OF, input=text)
    assert done.exit_code == 2 and "catalog.txt" in done.output and "--input-format" in done.output
    done = cli("check", "-", "--stdin-filename", "catalog.txt", "--input-format", "yaml", "--as-of", AS_OF,
               "--fail-on", "never", "-f", "github", input=text)
    assert done.exit_code == 0 and "file=catalog.txt,line=43" in done.output
    done = cli("check", "-", "--as-of", AS_OF, input=text)
    assert done.exit_code == 2 and "--stdin-filename" in done.output


def test_an_invalid_record_is_named_at_the_real_line(cli):
    done = cli("check", "-", "--stdin-filename", "cat.yaml", "--as-of", AS_OF, "--fail-on", "never",
               "-f", "github", input="- id: a\n  outcomes: [{description: x, effect: positive, impact: high}]\n")
    assert done.output.startswith("::warning file=cat.yaml,line=1,")


def test_from_the_config_file_and_the_environment(cli, tmp_path, monkeypatch):
    (tmp_path / "valuate.toml").write_text('stdin-filename = "svc/catalog.yaml"\n')
    monkeypatch.chdir(tmp_path)
    text = (ROOT / SAMPLE).read_text(encoding="utf-8")
    done = cli("check", "-", "--as-of", AS_OF, "--fail-on", "never", "-f", "github", input=text)
    assert "file=svc/catalog.yaml,line=43" in done.output
    monkeypatch.setenv("VALUATE_STDIN_FILENAME", "env.yaml")
    done = cli("check", "-", "--as-of", AS_OF, "--fail-on", "never", "-f", "github", input=text)
    assert "file=env.yaml,line=43" in done.output


def test_the_named_file_is_not_read_and_not_replaced(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("catalog.yaml").write_text("- id: on-disk\n")
    text = (ROOT / SAMPLE).read_text(encoding="utf-8")
    done = cli("check", "-", "--stdin-filename", "catalog.yaml", "--as-of", AS_OF, "--fail-on", "never",
               "-f", "json", input=text)
    assert "on-disk" not in done.output and '"crm"' in done.output
    done = cli("check", "-", "--stdin-filename", "catalog.yaml", "--as-of", AS_OF, "-o", "catalog.yaml",
               "-f", "json", input=text)
    assert done.exit_code == 2 and "catalog.yaml" in done.output
    assert Path("catalog.yaml").read_text() == "- id: on-disk\n"
    # the same name also given as a file: one of the two would be lost
    done = cli("check", "-", "catalog.yaml", "--stdin-filename", "catalog.yaml", "--as-of", AS_OF, input=text)
    assert done.exit_code == 2 and "also read as a file" in done.output
    # a later run of the same process reads the real file again
    done = cli("check", "catalog.yaml", "--as-of", AS_OF, "--fail-on", "never", "-f", "json")
    assert "on-disk" in done.output and not stdio.is_stdin("catalog.yaml")


def test_workers_read_the_named_copy(cli):
    out = piped(cli, "-f", "github", "-j", "2")
    assert f"file={NAME},line={CRM_LINE}" in out
