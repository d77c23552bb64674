"""Loose ends other helpers found, each with the case that showed it (branch ``loose``)."""
from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys

import pytest

from conftest import AS_OF, check

DAY = dt.date.fromisoformat(AS_OF)


def _service(last_tested: str) -> dict:
    return {"id": "s", "utility": {"performance_support": ["x"]},
            "warranty": {"continuity": {"plan": True, "last_tested": last_tested}}}


# --- 8. a date after the evaluation date is no evidence of a recent test ------------------

@pytest.mark.parametrize("days_ahead", [1, 185, 3000])
def test_a_continuity_test_after_the_evaluation_date_is_not_recent(tmp_path, days_ahead):
    """Before: last_tested 185 days after --as-of passed WAR-004, 'tested -185 days ago'. The
    time since a day not yet reached is none: the criterion is unknown, and says why."""
    later = (DAY + dt.timedelta(days=days_ahead)).isoformat()
    cat = tmp_path / "c.json"
    cat.write_text(json.dumps([_service(later)]))
    (result,) = check([str(cat)], as_of=AS_OF, conditions=True).services
    (war,) = [f for f in result.findings if f.rule == "WAR-004"]
    assert war.status == "unknown", war.message
    assert "days ago" not in war.message
    assert war.message == (f"warranty.continuity.last_tested is {later}, after the evaluation date {AS_OF}: "
                           "a day not yet reached is no evidence")
    assert "not recorded" not in war.message  # it is recorded: the pack's words for an absent date do not apply


@pytest.mark.parametrize("days_ago, status", [(0, "met"), (365, "met"), (366, "not_met")])
def test_a_continuity_test_up_to_the_evaluation_date_counts(tmp_path, days_ago, status):
    cat = tmp_path / "c.json"
    cat.write_text(json.dumps([_service((DAY - dt.timedelta(days=days_ago)).isoformat())]))
    (result,) = check([str(cat)], as_of=AS_OF).services
    assert next(f.status for f in result.findings if f.rule == "WAR-004") == status


def test_days_since_a_later_day_is_unknown_for_every_rule(tmp_path):
    """Not just WAR-004: any days_since (here 'reviewed at least 30 days ago', ge) of a later
    day is unknown, never a negative number of days that one comparison or another accepts."""
    pack = tmp_path / "p"
    (pack / "rules").mkdir(parents=True)
    (pack / "pack.yaml").write_text('pack: p\nversion: "1"\ntitle: t\n'
                                    "derived:\n  age: {days_since: warranty.continuity.last_tested}\n")
    (pack / "rules" / "r.yaml").write_text(
        "rules:\n"
        "  - metadata: {id: D-1, title: old, criterion: utility, severity: error, rationale: r, remediation: m}\n"
        "    condition: {fact: derived.age, ge: -10}\n"
        "  - metadata: {id: D-2, title: recent, criterion: utility, severity: error, rationale: r, remediation: m}\n"
        "    condition: {fact: derived.age, le: 10}\n")
    cat = tmp_path / "c.json"
    cat.write_text(json.dumps([_service((DAY + dt.timedelta(days=5)).isoformat())]))
    (result,) = check([str(cat)], as_of=AS_OF, rules=[pack]).services
    for f in result.findings:
        assert f.status == "unknown" and "after the evaluation date" in f.message, (f.rule, f.message)


# --- 3, 4. mapping errors: one 'error:', one format for the file's problems and the export's -----

MAPPING = """\
fields:
  id: Service ID
  warranty.availability.target: {from: Availability target, parser: percent}
  outcomes:
    each: Benefits
    split: ","
    fields:
      description: .
      effect: {value: positive}
"""
SHAPE = re.compile(r"^valuate: error: \S+\.yaml:\d+:\d+, fields\.[\w.]+: (?!error:).+ \[mapping\]$")


@pytest.mark.parametrize("old, new, where", [
    ("parser: percent", "parser: percnt", "fields.warranty.availability.target.parser"),  # the mapping file
    ("each: Benefits", "each: Benefitz", "fields.outcomes"),  # the export has no such field
    ("      effect: {value: positive}", "      effect: {value: positive}\n      bogus: 1",
     "fields.outcomes.fields.bogus"),  # an each: item field the schema does not know
    ("      description: .", "      description: Descr", "fields.outcomes.fields.description"),  # inside each:
    ('    split: ","', '    split: ","\n    parser: number', "fields.outcomes.parser"),
])
def test_mapping_errors_say_error_once_in_one_format(tmp_path, old, new, where):
    """Before: 'valuate: error: m.yaml:11:61, fields...parser: error: unknown parser ... [mapping]'
    from the mapping's parser, and 'valuate: error: m.yaml:19:3: field ... is not in the export'
    (no path, no [mapping]) from the check against the export."""
    from conftest import DATA
    mapping = tmp_path / "m.yaml"
    mapping.write_text(MAPPING.replace(old, new))
    done = subprocess.run([sys.executable, "-m", "valuate", "check", str(DATA / "small-export.csv"),
                           "--mapping", str(mapping)], capture_output=True, text=True)
    assert done.returncode == 2, done.stderr
    (line,) = done.stderr.splitlines()
    assert SHAPE.match(line.replace(str(tmp_path) + "/", "")), line
    assert f", {where}: " in line and line.count("error:") == 1, line


# --- 2. coverage when no service is judged -------------------------------------------------

@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_coverage_when_every_record_is_an_error(cli, tmp_path, fmt):
    """Before: 'every fact the deciding rules read is recorded by all 0 judged services'."""
    cat = tmp_path / "c.json"
    cat.write_text(json.dumps([{"id": "a", "tier": "x"}, {"id": "b", "tier": 99}]))
    out = cli("check", str(cat), "--as-of", AS_OF, "-f", fmt, "--fail-on", "never").output
    assert "all 0" not in out and "of the 0" not in out
    assert "not measured, no service was judged (every record is an error)" in out


def test_coverage_of_one_judged_service_is_singular(cli, tmp_path):
    cat = tmp_path / "c.json"
    cat.write_text(json.dumps([{"id": "a"}, {"id": "b", "tier": 99}]))
    out = cli("check", str(cat), "--as-of", AS_OF, "--fail-on", "never").output
    assert "the 1 judged service lacks" in out and "1 judged services" not in out


# --- 9. valuate facts: an error record's fact holds only what parsed ------------------------

def test_facts_leaves_out_a_list_with_an_item_that_does_not_parse(cli, tmp_path):
    """Before: fact.outcomes = [{effect: positive}, {description: fine, ...}], the first item a
    partial outcome (its description and impact failed) that the export never gave."""
    export = tmp_path / "e.json"
    export.write_text(json.dumps([{"sid": "a", "ben": [{"d": {"x": 1}, "i": "lots"}, {"d": "fine", "i": "3"}],
                                   "tags": "t"},
                                  {"sid": "b", "ben": [{"d": "ok", "i": "2"}]}]))
    mapping = tmp_path / "m.yaml"
    mapping.write_text("fields:\n  id: sid\n  name: tags\n  outcomes:\n    each: ben\n    fields:\n"
                       "      description: d\n      effect: {value: positive}\n      impact: {from: i, parser: number}\n")
    doc = json.loads(cli("facts", str(export), "--mapping", str(mapping), "--format", "json").output)
    bad, good = doc["services"]
    assert bad["fact"] == {"id": "a", "name": "t"}, bad["fact"]
    assert {e["path"] for e in bad["errors"]} == {"outcomes[0].description", "outcomes[0].impact"}
    assert "outcomes[1].description" in bad["provenance"]  # where each value came from is still said
    assert good["fact"]["outcomes"] == [{"description": "ok", "effect": "positive", "impact": 2}]


# --- 10. between: the bounds, not "[2 items]" ----------------------------------------------

@pytest.mark.parametrize("bounds, shown", [
    ("[99, {param: ceiling}]", "(between 99 and ceiling = 99.99, inclusive)"),
    ("[99, 99.99]", "(between 99 and 99.99, inclusive)"),
    ("[{param: ceiling}, 100]", "(between ceiling = 99.99 and 100, inclusive)"),
    ("[{fact: warranty.availability.measured}, 100]",
     "(between warranty.availability.measured = 99.1 and 100, inclusive)"),
])
def test_between_shows_its_bounds(cli, tmp_path, bounds, shown):
    """Before: 'warranty.availability.target = 99.5 (expected [2 items])'."""
    from conftest import DATA
    pack = tmp_path / "band.yaml"
    lower = "[{param: ceiling}, 100]" == bounds
    pack.write_text((DATA / "between-pack.yaml").read_text().replace("[99, {param: ceiling}]", bounds)
                    .replace("default: 99.99", "default: 99.4" if lower else "default: 99.99"))
    cat = tmp_path / "s.yaml"
    cat.write_text("- {id: inside, warranty: {availability: {target: 99.5, measured: 99.1}}}\n")
    out = cli("explain", str(cat), "inside", "-r", str(pack), "--as-of", AS_OF, "--rule", "BAND-001").output
    assert "items]" not in out, out
    assert shown.replace("99.99", "99.4" if lower else "99.99") in out, out


# --- 7. NaN, infinities and too-long numbers are no text ------------------------------------

def test_a_number_that_is_no_text_is_a_per_record_error(cli, tmp_path):
    """Before: a mapped NaN became the text 'nan' (as the id, too), Infinity 'inf', and a
    5,000-digit id the fake id '<a 5,000-digit number>'."""
    export = tmp_path / "e.json"
    export.write_text('[{"sid": NaN, "n": "a"}, {"sid": "b", "n": Infinity}, {"sid": "c", "n": -Infinity},'
                      ' {"sid": ' + "9" * 5000 + ', "n": "x"}, {"sid": 12, "n": 1.5}]')
    mapping = tmp_path / "m.yaml"
    mapping.write_text("fields:\n  id: sid\n  name: n\n")
    doc = json.loads(cli("check", str(export), "--mapping", str(mapping), "--as-of", AS_OF, "-f", "json",
                         "--fail-on", "never").output)
    services = doc["services"]
    assert len(services) == 5  # every record once
    errors = [{e["path"]: e["message"] for e in s.get("errors", [])} for s in services]
    assert errors[0]["id"].startswith("expected text, got NaN (not a number)")
    assert errors[1]["name"].startswith("expected text, got infinity (not a finite number)")
    assert errors[2]["name"].startswith("expected text, got minus infinity")
    assert errors[3]["id"].startswith("expected text, got a 5,000-digit number, too long to read as text")
    assert [s["id"] for s in services][1:3] == ["b", "c"] and services[4]["id"] == "12"
    assert not any(s["id"] in ("nan", "inf", "-inf") or "digit number" in str(s["id"]) for s in services)
    assert services[4].get("name") == "1.5" and not services[4].get("errors")


def test_without_a_mapping_nan_and_huge_ids_are_no_labels(cli, tmp_path):
    """Before: an error record labelled 'nan' or '<a 5,000-digit number>', and a NaN name
    'expected a finite number' although a name is text."""
    cat = tmp_path / "c.json"
    cat.write_text('[{"id": "a", "name": NaN}, {"id": NaN}, {"id": ' + "9" * 5000 + "}]")
    services = json.loads(cli("check", str(cat), "--as-of", AS_OF, "-f", "json", "--fail-on", "never")
                          .output)["services"]
    assert [s["id"] for s in services] == ["a", None, None]
    assert services[0]["errors"] == [{"path": "name", "message": "expected a string, got NaN (not a number)"}]
    assert services[1]["errors"][0]["message"] == "expected a string, got NaN (not a number)"


# --- 5. a preset is named the same on every machine ----------------------------------------

def test_preset_paths_do_not_depend_on_the_machine(tmp_path):
    """Before: provenance and coverage sources named /CHECKOUT/facts/mappings/gitlab.yaml
    when run outside the checkout (and the checkout-relative path inside it)."""
    from conftest import ROOT, VENDORED
    export = tmp_path / "catalog.yml"
    export.write_bytes((VENDORED / "gitlab-com-service-catalog" / "service-catalog.yml").read_bytes())

    def run(*args):
        done = subprocess.run([sys.executable, "-m", "valuate", *args], cwd=tmp_path, capture_output=True,
                              text=True)
        assert done.returncode in (0, 1), done.stderr
        return done.stdout

    facts_doc = run("facts", "catalog.yml", "--mapping", "gitlab", "--format", "json")
    check_doc = run("check", "catalog.yml", "--mapping", "gitlab", "--as-of", AS_OF, "-f", "json")
    for out in (facts_doc, check_doc):
        assert str(ROOT) not in out and "facts/mappings/gitlab.yaml" in out
    assert '"file": "facts/mappings/gitlab.yaml"' in facts_doc
    assert "(facts/mappings/gitlab.yaml:" in check_doc  # the coverage sources


# --- 11. serve: the policy does not pass the day it was loaded off as the request's ---------

def test_serve_policy_without_as_of_says_each_request_has_its_own_day(tmp_path):
    """Before: /v1/policy said "as_of": <the day the snapshot was loaded> although each
    request is judged on its own day. Waivers given as a relative path are named as the
    CLI names them (examples/waivers.yaml:4), in the policy and in a waived finding."""
    pytest.importorskip("httpx")
    from serving import Server
    srv = Server(tmp_path, "--workers", "1", "--waivers", "examples/waivers.yaml", as_of="")
    try:
        import httpx
        doc = httpx.get(f"{srv.url}/v1/policy", timeout=30).json()
        assert doc["as_of"] is None and "the day of each request" in doc["as_of_default"]
        assert doc["waivers"]["file"] == "examples/waivers.yaml"
        assert doc["waivers"]["counted_on"] == dt.date.today().isoformat()
        body = json.dumps({"id": "crm", "warranty": {"availability": {"target": 99.9, "measured": 99.0}}})
        got = httpx.post(f"{srv.url}/v1/evaluate", params={"as_of": AS_OF}, content=body, timeout=60).json()
        waived = [f["waived"] for f in got["findings"] if f.get("waived")]
        assert waived and waived[0]["source"] == "examples/waivers.yaml:4", got["findings"]
    finally:
        srv.stop()


def test_a_rule_message_naming_missing_facts_does_not_call_a_later_day_unrecorded(tmp_path):
    """ADV-012's own words are '{missing} not recorded': for a review recorded on a later day
    that would read 'derived.relationship_review_age_days not recorded', which is false."""
    cat = tmp_path / "c.json"
    later = (DAY + dt.timedelta(days=2)).isoformat()
    cat.write_text(json.dumps([{"id": "s", "relationship": {"manager": "P", "last_review": later}}]))
    (result,) = check([str(cat)], as_of=AS_OF).services
    (adv,) = [f for f in result.findings if f.rule == "ADV-012"]
    assert adv.status == "unknown" and "not recorded" not in adv.message, adv.message
    assert f"relationship.last_review is {later}, after the evaluation date {AS_OF}" in adv.message
