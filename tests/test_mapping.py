"""Mapping files: loading with file:line:col errors, applying, exports of every format."""
from __future__ import annotations

import json

import pytest
from conftest import AS_OF, DATA, check, facts

from valuate.engine.errors import CatalogError, UserError
from valuate.engine.ingest.mapping import MappingError, ReadStats, read_mapped
from valuate.engine.ingest.mapping.spec import from_document, load
from valuate.engine.yamlio import load_single


def mapping_from(tmp_path, text: str, name: str = "m.yaml"):
    path = tmp_path / name
    path.write_text(text)
    return load(str(path))


def facts_of(tmp_path, export_name: str, export_text, mapping_text: str, fmt=None):
    export = tmp_path / export_name
    if isinstance(export_text, bytes):
        export.write_bytes(export_text)
    else:
        export.write_text(export_text, encoding="utf-8")
    return list(read_mapped(str(export), mapping_from(tmp_path, mapping_text), fmt))


# --- mapping files: every mistake names file:line:col

@pytest.mark.parametrize("text,where,fragment", [
    ("fields:\n  id: name\nrecrods: x\n", ":3:1", "unknown key 'recrods' in the mapping file (did you mean 'records'?)"),
    ("fields:\n  id: name\n  warranty.availability.targt: x\n", ":3:3",
     "'warranty.availability.targt' is not a field of the canonical fact (did you mean 'warranty.availability.target'"),
    ("fields:\n  id: name\n  tier: {from: x, parsr: integer}\n", ":3:19", "unknown key 'parsr' in field 'tier' (parser integer) (did you mean 'parser'?)"),
    ("fields:\n  id: name\n  tier: {from: x, parser: integr}\n", ":3:19", "unknown parser 'integr'"),
    ("fields:\n  id: name\n  tier: {from: x, scale: ratio}\n", ":3:19", "'scale' is an option of parser percent or ratio, not of integer"),
    ("fields:\n  id: name\n  warranty.availability.target: {from: x, scale: ratios}\n", ":3:43",
     "option 'scale' of parser percent: expected one of auto, percent, ratio"),
    ("fields:\n  id: name\n  warranty.availability.target: {from: x, plausible: [99, 90]}\n", ":3:43", "low <= high"),
    ("fields:\n  id: name\n  outcomes: x\n", ":3:3", "is a list of objects: give items"),
    ("fields:\n  id: name\n  warranty: x\n", ":3:3", "is a group of facts"),
    ("fields:\n  id: a..b\n", ":2:3", "empty part in the path"),
    ("fields:\n  id: name\n  warranty.availability.target: {from: x, scale: ratio, plausible: [90, 99.99]}\n"
     "  tier: {from: [a, b], optional: maybe}\n", ":4:24", "optional must be true or false"),
    ("fields:\n  name: x\n", ":1:1", "where the service id comes from"),
    ("fields:\n  id: name\ninput: {format: tsv}\n", ":3:9", "unknown input format 'tsv'"),
    ("fields:\n  id: name\n  tier: 3\n", ":3:3", "write value: ... for a constant"),
])
def test_mapping_mistakes_name_file_line_column(tmp_path, text, where, fragment):
    with pytest.raises(MappingError) as err:
        mapping_from(tmp_path, text)
    message = str(err.value)
    assert f"m.yaml{where}" in message and fragment in message, message


def test_unknown_preset_suggests_names():
    with pytest.raises(UserError) as err:
        load("gitlabb")
    assert "did you mean 'gitlab'" in str(err.value)


def test_every_preset_loads():
    from valuate.engine.ingest.mapping import presets
    names = presets()
    assert {"gitlab", "servicenow", "servicenow-csv", "backstage", "gcloud", "sloth", "openslo"} <= set(names)
    for name in names:
        assert load(name).fields


def test_field_absent_from_export_is_an_error_with_did_you_mean(tmp_path):
    with pytest.raises(UserError) as err:
        facts_of(tmp_path, "e.csv", "Service ID,Availabilty\nA,99.9\n",
                 "fields:\n  id: Service ID\n  warranty.availability.target: Availability\n")
    message = str(err.value)
    assert "m.yaml:3:3" in message and "'Availability'" in message and "did you mean 'Availabilty'" in message


def test_absent_field_in_nested_export(tmp_path):
    with pytest.raises(UserError) as err:
        facts_of(tmp_path, "e.yaml", "services:\n  - name: a\n    business: {SLA: {availability: 99}}\n",
                 "records: services[*]\nfields:\n  id: name\n  warranty.availability.target: business.SLA.availabilty\n")
    assert "did you mean 'business.SLA.availability'" in str(err.value)


def test_fallbacks_need_one_present_field_and_optional_fields_none(tmp_path):
    got = facts_of(tmp_path, "e.csv", "id,title\na,Alpha\n",
                   "fields:\n  id: id\n  name: [name, title]\n  owner: {from: Owner, optional: true}\n")
    assert got[0].data == {"id": "a", "name": "Alpha"}


# --- applying a mapping

def test_fallback_default_constant_map_split_join_pick(tmp_path):
    export = ("services:\n"
              "  - {key: s1, title: '', alt: Service one, crit: '1 - most critical', tags: 'a; b;;c',\n"
              "     teams: [x, y], slos: [99.5, 99.9]}\n")
    mapping = ("records: services[*]\nfields:\n  id: key\n  name: [title, alt]\n"
               "  provider: {value: Corporate IT}\n  lifecycle: {from: stage, default: live, optional: true}\n"
               "  tier: {from: crit, map: {'1 - most critical': 1}}\n"
               "  tags: {from: tags, split: ';'}\n  owner: {from: teams, join_with: ' & '}\n"
               "  warranty.availability.target: {from: 'slos[*]', pick: max}\n")
    (rec,) = facts_of(tmp_path, "e.yaml", export, mapping)
    assert rec.data == {"id": "s1", "name": "Service one", "provider": "Corporate IT", "lifecycle": "live",
                        "tier": 1, "tags": ["a", "b", "c"], "owner": "x & y",
                        "warranty": {"availability": {"target": 99.9}}}
    assert rec.provenance["name"].field == "alt" and rec.provenance["name"].line == 2
    assert rec.provenance["provider"].via == "constant" and rec.provenance["lifecycle"].via == "default"
    assert rec.errors == ()


def test_items_exist_only_when_the_export_gives_them(tmp_path):
    mapping = ("fields:\n  id: id\n  outcomes:\n    items:\n      - description: value\n"
               "        effect: {value: positive}\n")
    got = facts_of(tmp_path, "e.csv", "id,value\na,Staff paid on time\nb,\n", mapping)
    assert got[0].data["outcomes"] == [{"description": "Staff paid on time", "effect": "positive"}]
    assert "outcomes" not in got[1].data  # an empty value is not a positive outcome
    assert got[1].provenance["outcomes"].unknown


def test_each_makes_one_item_per_element(tmp_path):
    mapping = ("fields:\n  id: id\n  outcomes:\n    each: benefits\n    split: ','\n    fields:\n"
               "      description: .\n      effect: {value: positive}\n")
    (rec,) = facts_of(tmp_path, "e.csv", 'id,benefits\na,"faster, cheaper"\n', mapping)
    assert rec.data["outcomes"] == [{"description": "faster", "effect": "positive"},
                                    {"description": "cheaper", "effect": "positive"}]


def test_unknown_is_never_false(tmp_path):
    got = facts_of(tmp_path, "e.csv", "id,plan\na,n/a\nb,?\nc,-\nd,\ne,no\n",
                   "fields:\n  id: id\n  warranty.continuity.plan: plan\n")
    plans = [r.data.get("warranty", {}).get("continuity", {}).get("plan") for r in got]
    assert plans == [None, None, None, None, False]


def test_custom_unknown_words(tmp_path):
    got = facts_of(tmp_path, "e.csv", "id,tgt\na,[To be completed]\n",
                   "unknown: ['[To be completed]']\nfields:\n  id: id\n  warranty.availability.target: tgt\n")
    assert got[0].data == {"id": "a"} and got[0].errors == ()


def test_bad_value_is_a_record_error_naming_file_row_field_raw(tmp_path):
    got = facts_of(tmp_path, "e.csv", "id,target\na,99.9\nb,high\nc,99.5\n",
                   "fields:\n  id: id\n  warranty.availability.target: target\n")
    assert [len(r.errors) for r in got] == [0, 1, 0]
    err = got[1].errors[0]
    assert err.path == "warranty.availability.target"
    assert "'target' = 'high'" in err.message and "e.csv row 2, line 3" in err.message
    assert err.provenance.raw == "high" and err.provenance.record == 2


def test_batch_goes_on_and_errors_show_in_json(tmp_path):
    export = tmp_path / "e.csv"
    export.write_text("id,target,measured\na,99.9,99.95\nb,high,99\nc,99.5,99.1\n")
    mapping = tmp_path / "m.yaml"
    mapping.write_text("fields:\n  id: id\n  warranty.availability.target: target\n"
                       "  warranty.availability.measured: measured\n")
    doc = check([str(export)], mapping=str(mapping)).to_dict()
    assert [s["verdict"] for s in doc["services"]] == ["indeterminate", "error", "not_valuable"]
    bad = doc["services"][1]
    assert bad["errors"][0]["provenance"] == {"file": str(export), "record": 2, "line": 3, "field": "target",
                                              "raw": "high"}
    war = next(f for f in doc["services"][2]["findings"] if f["rule"] == "WAR-001")
    assert war["provenance"]["warranty.availability.target"]["raw"] == "99.5"
    assert set(war) >= {"rule", "criterion", "status", "severity", "title", "message", "evidence"}


def test_schema_errors_on_mapped_fields_say_where_the_value_came_from(tmp_path):
    got = facts_of(tmp_path, "e.csv", "id,effect\na,sideways\n",
                   "fields:\n  id: id\n  outcomes:\n    items:\n      - effect: effect\n")
    from valuate.engine.ingest.mapping.facts import entry
    errors = entry(got[0])["errors"]
    assert errors[0]["path"] == "outcomes[0].effect" and "from effect = 'sideways'" in errors[0]["message"]


def test_where_keeps_matching_records_and_counts_the_rest(tmp_path):
    export = tmp_path / "e.yaml"
    export.write_text("kind: Component\nmetadata: {name: a}\n---\nkind: Group\nmetadata: {name: g}\n")
    mapping = tmp_path / "m.yaml"
    mapping.write_text("where: {kind: [Component, System]}\nfields:\n  id: metadata.name\n")
    stats = ReadStats()
    got = list(read_mapped(str(export), load(str(mapping)), stats=stats))
    assert [r.data["id"] for r in got] == ["a"] and stats.skipped == 1


def test_unmapped_fields_are_listed_unless_ignored(tmp_path):
    mapping = tmp_path / "m.yaml"
    mapping.write_text("fields:\n  id: id\nignore: [sys_*]\n")
    export = tmp_path / "e.csv"
    export.write_text("id,sys_id,sys_updated_on,colour\na,1,2,red\n")
    doc = facts([str(export)], str(mapping))
    assert doc["unmapped_fields"] == {str(export): ["colour"]}


# --- formats

def test_csv_sniffs_semicolons_bom_and_quoted_newlines(tmp_path):
    text = '\ufeffid;name;target\n"a";"Payroll\nprocessing";"99,9 %"\nb;CRM;99,5\n'
    got = facts_of(tmp_path, "e.csv", text.encode("utf-8"),
                   "fields:\n  id: id\n  name: {from: name, collapse: true}\n  warranty.availability.target: target\n")
    assert [r.data for r in got] == [
        {"id": "a", "name": "Payroll processing", "warranty": {"availability": {"target": 99.9}}},
        {"id": "b", "name": "CRM", "warranty": {"availability": {"target": 99.5}}}]
    assert [(r.source.record, r.source.line) for r in got] == [(1, 2), (2, 4)]


def test_csv_tabs_encoding_and_header_row(tmp_path):
    raw = "Exported 2026-11-28\nid\tname\nx\tCaf\xe9\n".encode("cp1252")
    got = facts_of(tmp_path, "e.tsv", raw,
                   "input: {encoding: cp1252, header_row: 2}\nfields:\n  id: id\n  name: name\n")
    assert got[0].data == {"id": "x", "name": "Café"}


def test_csv_bad_encoding_is_a_clear_error(tmp_path):
    with pytest.raises(CatalogError) as err:
        facts_of(tmp_path, "e.csv", "id,name\nx,Caf\xe9\n".encode("cp1252"), "fields:\n  id: id\n  name: name\n")
    assert "input.encoding" in str(err.value)


def test_csv_row_with_too_many_cells_is_an_error_record(tmp_path):
    got = facts_of(tmp_path, "e.csv", "id,name\na,A\nb,B,extra\nc,C\n", "fields:\n  id: id\n  name: name\n")
    assert [r.problem for r in got][1].startswith("row 2 (line 3) has 3 cells")
    assert got[2].data["id"] == "c"


def test_xlsx_workbook_written_by_openpyxl(tmp_path):
    import datetime as dt

    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Services"
    ws.append(["Service", "Availability", "Last DR test", "DR plan", "Cost"])
    ws.append(["payroll", 0.999, dt.datetime(2026, 6, 1), "Yes", 1200.5])
    ws.append([None, None, None, None, None])
    ws.append([1001, "99.5%", "n/a", None, "£30"])
    path = tmp_path / "e.xlsx"
    wb.save(path)
    mapping = ("input: {sheet: Services}\nfields:\n  id: Service\n  warranty.availability.target: Availability\n"
               "  warranty.continuity.last_tested: Last DR test\n  warranty.continuity.plan: DR plan\n"
               "  budget.actual: {from: Cost, parser: money}\n")
    got = list(read_mapped(str(path), mapping_from(tmp_path, mapping)))
    assert [r.data for r in got] == [
        {"id": "payroll", "warranty": {"availability": {"target": 99.9},
                                       "continuity": {"last_tested": "2026-06-01", "plan": True}},
         "budget": {"actual": 1200.5}},
        {"id": "1001", "warranty": {"availability": {"target": 99.5}}, "budget": {"actual": 30}}]
    assert [r.source.line for r in got] == [2, 4]


def test_xlsx_missing_sheet(tmp_path):
    import openpyxl
    wb = openpyxl.Workbook()
    wb.active.append(["id"])
    path = tmp_path / "e.xlsx"
    wb.save(path)
    with pytest.raises(CatalogError) as err:
        list(read_mapped(str(path), mapping_from(tmp_path, "input: {sheet: Srvices}\nfields:\n  id: id\n")))
    assert "no sheet named 'Srvices'" in str(err.value)


def test_jsonl_streams_records_and_keeps_bad_lines(tmp_path):
    got = facts_of(tmp_path, "e.jsonl", '{"k": "a", "t": "99.9%"}\n{"k": \n{"k": "c"}\n',
                   "fields:\n  id: k\n  warranty.availability.target: {from: t, optional: true}\n")
    assert got[0].data == {"id": "a", "warranty": {"availability": {"target": 99.9}}}
    assert got[1].problem.startswith("line 2 is not valid JSON") and got[2].data == {"id": "c"}


def test_json_records_path_keeps_lines(tmp_path):
    text = '{"result": [\n  {"sys_id": "a"},\n  {"sys_id": "b"}\n]}\n'
    got = facts_of(tmp_path, "e.json", text, "records: result[*]\nfields:\n  id: sys_id\n")
    assert [(r.data["id"], r.source.line) for r in got] == [("a", 2), ("b", 3)]


def test_input_format_is_chosen_by_extension_or_option(tmp_path):
    with pytest.raises(CatalogError) as err:
        facts_of(tmp_path, "e.txt", "id\na\n", "fields:\n  id: id\n")
    assert "--input-format" in str(err.value)
    got = facts_of(tmp_path, "e.txt", "id\na\n", "fields:\n  id: id\n", fmt="csv")
    assert got[0].data == {"id": "a"}
    with pytest.raises(CatalogError):
        facts_of(tmp_path, "e.csv", "id\na\n", "fields:\n  id: id\n", fmt="toml")


def test_csv_without_mapping_uses_canonical_column_names(tmp_path, cli):
    good = tmp_path / "c.csv"
    good.write_text("id,name,warranty.availability.target,utility.performance_support\n"
                    "a,A,99.9%,faster payroll;fewer errors\n")
    doc = facts([str(good)])
    assert doc["services"][0]["fact"] == {"id": "a", "name": "A", "warranty": {"availability": {"target": 99.9}},
                                          "utility": {"performance_support": ["faster payroll", "fewer errors"]}}
    bad = tmp_path / "d.csv"
    bad.write_text("id,availability\na,99\n")
    result = cli("check", str(bad))
    assert result.exit_code == 2 and "not a canonical fact path" in result.output


# --- joins

def test_joined_slo_targets_fill_services(repo):
    doc = facts(["tests/data/slo-services.yaml"], "tests/data/slo-services.mapping.yaml")
    by_id = {s["id"]: s for s in doc["services"]}
    assert by_id["myservice"]["fact"]["warranty"]["availability"] == {"measured": 99.95, "target": 99.9}
    prov = by_id["myservice"]["provenance"]["warranty.availability.target"]
    assert prov["file"] == "tests/data/sloth-getting-started-excerpt.yml" and prov["via"] == "join sloth"
    assert prov["field"] == "slos.*.objective"
    # two OpenSLO documents disagree on web-availability's target: an error on that service only
    assert "99.5 in tests/data/openslo-excerpt.yaml" in by_id["web-availability"]["errors"][0]["message"]
    assert "errors" not in by_id["no-slo-here"]
    assert {j["name"]: j["matched"] for j in doc["joins"]} == {"sloth": 1, "openslo": 1}


def test_join_duplicates_first(repo, tmp_path):
    text = (DATA / "slo-services.mapping.yaml").read_text()
    text = text.replace("file: sloth-getting-started-excerpt.yml", f"file: {DATA / 'sloth-getting-started-excerpt.yml'}")
    text = text.replace("    file: openslo-excerpt.yaml\n", f"    file: {DATA / 'openslo-excerpt.yaml'}\n    duplicates: first\n")
    mapping = tmp_path / "first.mapping.yaml"
    mapping.write_text(text)
    report = check(["tests/data/slo-services.yaml"], mapping=str(mapping),
                       as_of=__import__("datetime").date.fromisoformat(AS_OF))
    web = next(s for s in report.services if s.id == "web-availability")
    assert web.criterion("warranty").dimensions[0] == ("availability", "not_met")
    assert web.facts["warranty"]["availability"] == {"measured": 99.2, "target": 99.5}


def test_cli_join_option(cli, tmp_path):
    result = cli("facts", "tests/data/slo-services.yaml", "--mapping", "tests/data/slo-services.mapping.yaml",
                 "--format", "json")
    assert result.exit_code == 1  # web-availability has an error
    plain = tmp_path / "plain.mapping.yaml"
    plain.write_text("records: services[*]\nfields:\n  id: service\n  warranty.availability.measured: measured\n"
                     "ignore: [title]\n")
    result = cli("facts", "tests/data/slo-services.yaml", "--mapping", str(plain),
                 "--join", "sloth=tests/data/sloth-getting-started-excerpt.yml", "--format", "json")
    doc = json.loads(result.output)
    assert doc["services"][0]["fact"]["warranty"]["availability"]["target"] == 99.9
    assert cli("check", "tests/data/slo-services.yaml", "--join", "x=y").exit_code == 2


def test_inline_join_mapping_is_checked(tmp_path):
    doc = load_single("fields:\n  id: a\njoin:\n  - mapping: {fields: {id: b, tierr: c}}\n", "m.yaml")
    with pytest.raises(MappingError) as err:
        from_document(doc, "m.yaml", "m")
    assert "m.yaml:4:31" in str(err.value) and "'tierr'" in str(err.value)


def test_from_and_value_together_is_a_mistake(tmp_path):
    with pytest.raises(MappingError) as err:
        mapping_from(tmp_path, "fields:\n  id: a\n  provider: {from: b, value: c}\n")
    assert "m.yaml:3:3" in str(err.value) and "either from:" in str(err.value)


def test_empty_list_for_a_single_fact_is_unknown(tmp_path):
    (rec,) = facts_of(tmp_path, "e.yaml", "- {k: a, owners: []}\n",
                      "fields:\n  id: k\n  owner: {from: owners, join_with: ', '}\n")
    assert rec.data == {"id": "a"} and rec.errors == ()


def test_records_path_to_a_list_reads_its_items(tmp_path):
    got = facts_of(tmp_path, "e.yaml", "data:\n  services:\n    - {k: a}\n    - {k: b}\n",
                   "records: data.services\nfields:\n  id: k\n")
    assert [(r.data["id"], r.source.line) for r in got] == [("a", 3), ("b", 4)]


# --- issue 21 item 10: export paths inside each:, and words that mean "nothing"

def test_values_inside_each_are_named_by_their_export_path():
    from conftest import ROOT
    corpus = ROOT / "tests" / "adversarial"
    doc = facts([corpus / "nested-each.json"], str(corpus / "nested-each.mapping.yaml"))
    (service,) = doc["services"]
    fields = {e["path"]: e["provenance"]["field"] for e in service["errors"]}
    assert fields == {"outcomes[1].description": "benefits[1].text", "outcomes[1].impact": "benefits[1].score",
                      "outcomes[2].enabled_by": "benefits[2].via", "outcomes[2].impact": "benefits[2].score",
                      "offerings[0].components[0].ownership_transferred": "offers[0].parts[0].owned",
                      "offerings[0].components[1].type": "offers[0].parts[1].kind",
                      "costs.imposed[1].amount": "prices"}
    messages = " ".join(e["message"] for e in service["errors"])
    assert "field '.'" not in messages and "(field 'benefits[1].score' = 'high', " in messages
    assert service["provenance"]["outcomes[0].description"]["field"] == "benefits[0].text"
    assert service["fact"]["warranty"]["security"]["controls"] == []  # NONE: none at all


@pytest.mark.parametrize("cell,controls", [
    ("None", []), ("none; NONE", []), ("iso 27001; none", ["iso 27001"]), ("n/a", None), ("none; ?", None),
    ("Nonesuch", ["Nonesuch"]),
])
def test_nothing_words_make_an_empty_list(tmp_path, cell, controls):
    mapping = ("nothing: [None]\nfields:\n  id: id\n  warranty.security.controls: {from: c, split: ';'}\n"
               "  outcomes: {each: b, split: ';', fields: {description: ., effect: {value: positive}}}\n")
    (rec,) = facts_of(tmp_path, "e.csv", f"id,c,b\na,{cell},{cell}\n", mapping)
    assert rec.data.get("warranty", {}).get("security", {}).get("controls") == controls
    outcomes = rec.data.get("outcomes")
    assert outcomes == (None if controls is None else [{"description": c, "effect": "positive"} for c in controls])


def test_a_field_may_give_its_own_nothing_words_or_read_them_as_unknown(tmp_path):
    mapping = ("nothing: [None]\nfields:\n  id: id\n  tags: {from: t, nothing: [nil]}\n"
               "  outputs: {from: o, unknown: [None]}\n")
    (rec,) = facts_of(tmp_path, "e.csv", "id,t,o\na,nil,None\n", mapping)
    assert rec.data == {"id": "a", "tags": []}  # outputs: None is unknown there, as the field says


@pytest.mark.parametrize("text,where,fragment", [
    ("nothing: None\nfields:\n  id: id\n", ":1:1", "nothing must be a list of words"),
    ("nothing: [None, '']\nfields:\n  id: id\n", ":1:1", "an empty value is always unknown"),
    ("nothing: [None, N/A]\nfields:\n  id: id\n", ":1:1", "'n/a' cannot mean both unknown and nothing"),
    ("fields:\n  id: id\n  owner: {from: o, nothing: [none]}\n", ":3:20", "applies to list fields; 'owner' holds one"),
    ("fields:\n  id: id\n  outcomes:\n    items: [{description: d}]\n    nothing: [none]\n", ":5:5",
     "applies to each:, not to the fixed items of 'outcomes'"),
    ("fields:\n  id: id\n  tags: {from: t, nothing: [x, '?'], unknown: ['?']}\n", ":3:19",
     "'?' cannot mean both unknown and nothing"),
    ("nothing: [none]\nfields:\n  id: id\n  tags: {from: t, nothin: [x]}\n", ":4:19",
     "unknown key 'nothin' in field 'tags' (parser string) (did you mean 'nothing'?)"),
])
def test_nothing_mistakes_name_file_line_column(tmp_path, text, where, fragment):
    with pytest.raises(MappingError) as err:
        mapping_from(tmp_path, text)
    message = str(err.value)
    assert f"m.yaml{where}" in message and fragment in message, message
