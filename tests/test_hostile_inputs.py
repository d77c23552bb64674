"""Issue 26, left from the second hostile set, and what error messages may quote.

- YAML merge keys followed by an overriding key are read, in every YAML input
  (catalogs, packs, rule tests, profiles, waivers, mappings); a key twice among
  a mapping's own keys is still refused;
- non-finite or huge numbers in a mapping's parser options, a profile or a
  setting are a clear exit 2, never an OverflowError;
- an encoding error is reported at its real line (CSV) or row (XLSX), as
  JSON, JSON Lines and YAML already were;
- a file that is not the expected valuate document (a profile's ``extends``
  may name any file) is never quoted in an error.

The input files are under tests/adversarial/ (see its README).
"""
from __future__ import annotations

import json
import shutil
import sys
import zipfile

import pytest

import hostile
from clirun import check, refused, valuate
from conftest import AS_OF, ROOT

CORPUS = ROOT / "tests" / "adversarial"
SAMPLE = ROOT / "facts" / "samples" / "catalog.yaml"


def _facts(*args, cwd):
    proc = valuate("facts", *args, "--format", "json", cwd=cwd)
    assert proc.returncode == 0, proc.stderr
    return {s["id"]: s["fact"] for s in json.loads(proc.stdout)["services"]}


# -- merge keys ---------------------------------------------------------------------------

def test_merge_keys_in_a_catalog_are_read_as_yaml_says():
    facts = _facts(CORPUS / "merge-keys-catalog.yaml", cwd=ROOT)
    assert (facts["override"]["provider"], facts["override"]["tier"]) == ("Another provider", 3)  # own keys win
    assert (facts["first-wins"]["provider"], facts["first-wins"]["tier"]) == ("Corporate IT", 2)  # first merged
    assert facts["override"]["name"] == "Override the merged tier and provider"


def test_merge_keys_in_a_pack_and_its_rule_tests():
    lint = valuate("rules", "lint", CORPUS / "merge-keys-pack", "--format", "json", cwd=ROOT)
    assert lint.returncode == 0, lint.stdout
    rules = json.loads(valuate("rules", "list", "--rules", CORPUS / "merge-keys-pack", "--format", "json",
                               cwd=ROOT).stdout)
    assert {(r["id"], r["title"], r["severity"]) for r in rules} == {
        ("MRG-001", "An owner is named", "warning"), ("MRG-002", "A provider is named", "info")}
    tests = valuate("rules", "test", CORPUS / "merge-keys-pack", cwd=ROOT)
    assert tests.returncode == 0 and "2 cases, 2 passed" in tests.stdout, tests.stdout


def test_merge_keys_in_a_profile_waivers_and_a_mapping():
    proc = check(SAMPLE, "--profile", CORPUS / "merge-keys-profile.yaml", "--waivers",
                 CORPUS / "merge-keys-waivers.yaml", "-f", "json", "--fail-on", "never", cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    crm = next(s for s in json.loads(proc.stdout)["services"] if s["id"] == "crm")
    assert next(f for f in crm["findings"] if f["rule"] == "WAR-001")["waived"]["approved_by"] == "CAB"
    assert not any(f["rule"] == "ADV-011" for f in crm["findings"])  # enabled: false overrode the merge
    facts = _facts(CORPUS / "merge-keys-export.json", "--mapping", CORPUS / "merge-keys.mapping.yaml", cwd=ROOT)
    assert facts["a"]["warranty"]["availability"]["target"] == 99.9  # the field's own from: and parser:


def test_a_key_twice_beside_a_merge_is_still_a_duplicate():
    refused(check(CORPUS / "merge-keys-twice.yaml", cwd=ROOT), "merge-keys-twice.yaml:7:5", "duplicate key 'id'",
            "line 5")


@pytest.mark.parametrize("text, expected", [
    ("a: &x {k: 1, j: 1}\nb: {<<: *x, k: 2}\n", {"a": {"k": 1, "j": 1}, "b": {"k": 2, "j": 1}}),
    ("a: &x {k: 1}\nc: &y {k: 2, m: 3}\nb: {<<: [*x, *y]}\n", {"a": {"k": 1}, "c": {"k": 2, "m": 3},
                                                              "b": {"k": 1, "m": 3}}),
    ("a: &x {k: 1}\nb:\n  <<: *x\n  '<<': literal\n", {"a": {"k": 1}, "b": {"k": 1, "<<": "literal"}}),
])
def test_merge_semantics(text, expected):
    from valuate.engine.yamlio import load_single
    assert load_single(text, "f.yaml") == expected


@pytest.mark.parametrize("text, words", [
    ("a: &x {k: 1}\nb: {<<: *x, j: 1, j: 2}\n", "duplicate key 'j'"),
    ("b: {<<: {k: 1, k: 2}}\n", "duplicate key 'k'"),
    ("a: &x {k: 1}\nb:\n  <<: *x\n  <<: *x\n", "duplicate key '<<'"),
    ("b: {<<: 5}\n", "expected a mapping or a list of mappings to merge"),
])
def test_what_merges_still_refuse(text, words):
    from valuate.engine.errors import UserError
    from valuate.engine.yamlio import load_single
    with pytest.raises(UserError, match=words):
        load_single(text, "f.yaml")


# -- numbers ------------------------------------------------------------------------------

@pytest.mark.parametrize("value, words", [
    (".inf", "finite positive number"), ("-.inf", "finite positive number"), (".nan", "finite positive number"),
    ("25", "at most 24"), ("1" + "0" * 400, "at most 24"), ("0", "finite positive number"),
])
def test_business_day_hours_out_of_range_is_refused(tmp_path, value, words):
    mapping = (CORPUS / "infinite-business-day.mapping.yaml").read_text().replace(".inf", value)
    (tmp_path / "m.yaml").write_text(mapping)
    shutil.copy(CORPUS / "business-days-export.json", tmp_path / "export.json")
    proc = check("export.json", "--mapping", "m.yaml", cwd=tmp_path)
    assert proc.returncode == 2 and "business_day_hours" in proc.stderr and words in proc.stderr, proc.stderr


def test_the_committed_infinite_business_day_case():
    proc = check(CORPUS / "business-days-export.json", "--mapping", CORPUS / "infinite-business-day.mapping.yaml",
                 cwd=ROOT)
    assert proc.returncode == 2 and "got a number (inf)" in proc.stderr, proc.stderr


@pytest.mark.parametrize("option, value", [("max_length", ".inf"), ("max_length", "1" + "0" * 30)])
def test_other_number_options_are_bounded(tmp_path, option, value):
    (tmp_path / "m.yaml").write_text(f"fields:\n  id: id\n  name: {{from: name, parser: string, {option}: {value}}}\n")
    (tmp_path / "e.json").write_text('[{"id": "a", "name": "A"}]')
    proc = check("e.json", "--mapping", "m.yaml", cwd=tmp_path)
    assert proc.returncode == 2 and option in proc.stderr, proc.stderr


@pytest.mark.parametrize("text", ["jobs = 100000", "jobs = 99999999999999999999999", "jobs = inf"])
def test_huge_settings_are_refused(tmp_path, text):
    shutil.copy(SAMPLE, tmp_path / "catalog.yaml")
    (tmp_path / "valuate.toml").write_text(text + "\n")
    refused(check("catalog.yaml", cwd=tmp_path), "valuate.toml:1", "jobs")


def test_a_header_row_past_the_last_row_is_refused(tmp_path):
    (tmp_path / "m.yaml").write_text("input: {header_row: 100000000000000000000}\nfields:\n  id: id\n")
    shutil.copy(CORPUS / "encoding-line-3.csv", tmp_path / "e.csv")
    assert "header_row must be a row number from 1 to 1,048,576" in check("e.csv", "--mapping", "m.yaml",
                                                                          cwd=tmp_path).stderr


# -- where an encoding breaks -------------------------------------------------------------

def test_a_csv_whose_encoding_breaks_on_line_3_is_reported_at_line_3():
    refused(check(CORPUS / "encoding-line-3.csv", cwd=ROOT), "encoding-line-3.csv:3:", "not valid utf-8",
            "byte 0xe9")


def test_the_line_is_found_past_the_first_blocks_and_in_other_encodings(tmp_path):
    rows = ["id,name"] + [f"s{i},Service {i}" for i in range(100_000)]
    rows[70_000] += "\xe9"  # line 70,001, about a megabyte in: past the sniffer's and the decoder's blocks
    (tmp_path / "late.csv").write_bytes("\n".join(rows).encode("latin-1"))
    refused(check("late.csv", cwd=tmp_path), "late.csv:70001:")
    (tmp_path / "cp.csv").write_bytes(b"id,name\na,A\nb,B\x81\n")  # 0x81 is undefined in cp1252
    (tmp_path / "cp.yaml").write_text("input: {encoding: cp1252}\nfields:\n  id: id\n  name: name\n")
    refused(check("cp.csv", "--mapping", "cp.yaml", cwd=tmp_path), "cp.csv:3:", "cp1252", "0x81")
    (tmp_path / "cut.csv").write_bytes(b"id,name\na,A\nb,B\xc3")  # the file ends inside a character
    refused(check("cut.csv", cwd=tmp_path), "cut.csv:3:")


@pytest.mark.parametrize("name, content", [
    ("e.json", b'[\n{"id": "a", "name": "A"},\n{"id": "b", "name": "B\xe9"}]\n'),
    ("e.yaml", b"services:\n  - id: a\n    name: A\xe9\n"),
])
def test_json_and_yaml_are_reported_at_the_real_line(tmp_path, name, content):
    (tmp_path / name).write_bytes(content)
    refused(check(name, cwd=tmp_path), f"{name}:3:")


def test_jsonl_reports_the_real_line_on_the_record(tmp_path):
    (tmp_path / "e.jsonl").write_bytes(b'{"id": "a", "name": "A"}\n{"id": "b", "name": "B"}\n{"id": "c", "name": "\xe9"}\n')
    proc = check("e.jsonl", "-f", "json", cwd=tmp_path)
    broken = [s for s in json.loads(proc.stdout)["services"] if s["verdict"] == "error"]
    assert len(broken) == 1 and "line 3" in broken[0]["errors"][0]["message"]


def _workbook(path, strings=None, sheet_xml=None):
    """A workbook whose sheet (or shared strings) holds a byte that is not UTF-8."""
    if strings is None:
        return hostile.xlsx(path, sheet_xml=sheet_xml)
    rels = hostile._WB_RELS.replace("</Relationships>", '<Relationship Id="rId2" Target="sharedStrings.xml" '
                                    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                                    'sharedStrings"/></Relationships>')
    types = hostile._CT.replace("</Types>", '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                                'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    with zipfile.ZipFile(path, "w") as z:
        for name, data in (("[Content_Types].xml", types), ("_rels/.rels", hostile._RELS),
                           ("xl/workbook.xml", hostile.WORKBOOK), ("xl/_rels/workbook.xml.rels", rels),
                           ("xl/worksheets/sheet1.xml", sheet_xml), ("xl/sharedStrings.xml", strings)):
            z.writestr(name, data)
    return path


def test_an_xlsx_whose_xml_breaks_is_reported_at_the_row(tmp_path):
    rows = hostile.sheet([["id", "name"], ["a", "A"], ["b", "B"], ["c", "C"]]).encode()
    _workbook(tmp_path / "row.xlsx", sheet_xml=rows.replace(b"<t>B</t>", b"<t>B\xe9</t>"))
    refused(check("row.xlsx", cwd=tmp_path), "row.xlsx:3:", "row 3 cannot be read")
    _workbook(tmp_path / "char.xlsx", sheet_xml=rows.replace(b"<t>C</t>", b"<t>&#1;</t>"))
    refused(check("char.xlsx", cwd=tmp_path), "char.xlsx:4:", "row 4")
    cells = "".join(f'<row r="{r}">' + "".join(f'<c r="{c}{r}" t="s"><v>{v}</v></c>' for c, v in zip("AB", vs))
                    + "</row>" for r, vs in ((1, (0, 1)), (2, (2, 2)), (5, (3, 2))))
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             f'spreadsheetml/2006/main"><sheetData>{cells}</sheetData></worksheet>')
    strings = ('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
               '2006/main"><si><t>id</t></si><si><t>name</t></si><si><t>a</t></si><si><t>b\xe9</t></si></sst>')
    _workbook(tmp_path / "shared.xlsx", strings=strings.encode("latin-1"), sheet_xml=sheet)
    refused(check("shared.xlsx", cwd=tmp_path), "shared.xlsx:5:", "shared string 4 (used first in row 5)")


# -- what error messages quote ------------------------------------------------------------

@pytest.mark.parametrize("profile", ["extends-any-file.yaml", "extends-json-file.yaml", "extends-broken-file.yaml"])
def test_a_profile_extending_any_file_never_quotes_it(profile):
    proc = check(SAMPLE, "--profile", CORPUS / profile, cwd=ROOT)
    assert proc.returncode == 2, proc.stderr
    assert "hunter2" not in proc.stderr and "SECRET" not in proc.stderr and "password" not in proc.stderr
    assert "not-a" in proc.stderr or "not-yaml" in proc.stderr  # the file is named, its content is not


@pytest.mark.parametrize("option", ["--profile", "--waivers", "--mapping", "--rules"])
def test_no_document_option_quotes_a_file_that_is_not_its_kind(tmp_path, option):
    shutil.copy(SAMPLE, tmp_path / "catalog.yaml")
    for name, text in (("text.yaml", "hunter2-secret-line that goes on\n"),
                       ("keys.yaml", "hunter2_key: 1\nanother_hunter2: 2\n"),
                       ("broken.yaml", "hunter2\n  x: 'hunter2\n"), ("list.yaml", "- hunter2\n")):
        (tmp_path / name).write_text(text)
        proc = check("catalog.yaml", option, name, cwd=tmp_path)
        assert proc.returncode == 2 and "hunter2" not in proc.stderr, (name, proc.stderr)


def test_values_quoted_from_a_valuate_document_are_bounded(tmp_path):
    shutil.copy(SAMPLE, tmp_path / "catalog.yaml")
    (tmp_path / "p.yaml").write_text(f"parameters:\n  min_headroom: {'x' * 5000}\nrules:\n  {'y' * 5000}: {{}}\n")
    proc = check("catalog.yaml", "--profile", "p.yaml", cwd=tmp_path)
    assert proc.returncode == 2 and max(len(line) for line in proc.stderr.splitlines()) < 400, proc.stderr


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /etc/passwd")
def test_extends_etc_passwd(tmp_path):
    (tmp_path / "p.yaml").write_text("extends: /etc/passwd\n")
    proc = check(SAMPLE, "--profile", "p.yaml", cwd=tmp_path)
    assert proc.returncode == 2 and "root:" not in proc.stderr and "/etc/passwd" in proc.stderr, proc.stderr
