"""Issue 26: earlier reports and baselines are inputs, checked like any other.

Forged files given to ``--compare`` or ``--baseline`` (a wrong type anywhere, a
missing key, a wrong version, a key written twice) exit 2 naming the file and
the field path, never 3. Property tests mutate a valid report and a valid
baseline at random: the run either compares, or refuses with a UserError;
a mutation the report's JSON Schema still accepts is compared, not refused.
Also here: duplicate keys in the config file, and a baseline made under
other rules, which is used with a note.
"""
from __future__ import annotations

import copy
import json
import shutil
from datetime import date

import jsonschema
import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from clirun import check, refused, valuate
from conftest import AS_OF, ROOT

SAMPLE = ROOT / "facts" / "samples" / "catalog.yaml"
SCHEMA = json.loads((ROOT / "facts" / "report.schema.json").read_text())


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """A catalog of four of the sample's services (one valuable, the others failing), its JSON
    report and JSONL report and its baseline, written by the real CLI."""
    folder = tmp_path_factory.mktemp("forged")
    services = yaml.safe_load(SAMPLE.read_text())["services"]
    (folder / "catalog.yaml").write_text(yaml.safe_dump({"services": services[:4]}, sort_keys=False))
    for fmt, name in (("json", "report.json"), ("jsonl", "report.jsonl")):
        assert check("catalog.yaml", "-f", f"{fmt}:{name}", "--fail-on", "never", cwd=folder).returncode == 0
    assert valuate("baseline", "create", "catalog.yaml", "--as-of", AS_OF, "-o", "baseline.json",
                   cwd=folder).returncode == 0
    return folder


def _edited(small, name: str, edit) -> str:
    doc = json.loads((small / name).read_text())
    edit(doc)
    out = small / f"forged-{name}"
    out.write_text(json.dumps(doc))
    return out.name


def _set(path, value):
    def edit(doc):
        node = doc
        for part in path[:-1]:
            node = node[part]
        if value is _DELETE:
            del node[path[-1]]
        else:
            node[path[-1]] = value
    return edit


_DELETE = object()
FORGED_REPORTS = [  # (the edit, the field path named)
    (("services", 0, "verdict"), "bogus", "services[0].verdict"),
    (("services", 1, "verdict"), {"a": 1}, "services[1].verdict"),
    (("services", 1, "findings"), "not a list", "services[1].findings"),
    (("services", 1, "findings"), {"rule": "X"}, "services[1].findings"),
    (("services", 0, "id"), 7, "services[0].id"),
    (("services", 0, "id"), ["crm"], "services[0].id"),
    (("services", 1, "findings", 0), 5, "services[1].findings[0]"),
    (("services", 1, "findings", 0, "rule"), {"id": "WAR-001"}, "services[1].findings[0].rule"),
    (("services", 1, "findings", 0, "status"), "failed", "services[1].findings[0].status"),
    (("services", 1, "findings", 0, "since"), 20261128, "services[1].findings[0].since"),
    (("services", 1, "findings", 0, "evidence"), [1, 2], "services[1].findings[0].evidence"),
    (("services", 1, "findings", 0, "rule"), _DELETE, "services[1].findings[0]"),
    (("services", 0, "verdict"), _DELETE, "services[0]"),
    (("services", 2), "crm", "services[2]"),
    (("services",), {"crm": {}}, "services"),
    (("tool",), "valuate", "tool"),
    (("tool", "name"), "another tool", "tool.name"),
    (("as_of",), "yesterday", "as_of"),
]


@pytest.mark.parametrize("option", ["--compare", "--baseline"])
@pytest.mark.parametrize("path, value, named", FORGED_REPORTS)
def test_a_forged_json_report_is_refused_naming_the_field(small, option, path, value, named):
    forged = _edited(small, "report.json", _set(path, value))
    refused(check("catalog.yaml", option, forged, "-f", "json:out.json", cwd=small), forged, named)
    assert not (small / "out.json").exists()


FORGED_BASELINES = [
    (("valuate_baseline",), 2, "valuate_baseline"),
    (("valuate_baseline",), True, "valuate_baseline"),
    (("valuate_baseline",), "1", "valuate_baseline"),
    (("findings",), {"a": 1}, "findings"),
    (("findings",), _DELETE, "the required key 'findings'"),
    (("findings", 0), [1], "findings[0]"),
    (("findings", 0, "service"), {"id": "crm"}, "findings[0].service"),
    (("findings", 0, "rule"), None, "findings[0].rule"),
    (("findings", 0, "status"), "met", "findings[0].status"),
    (("findings", 0, "fingerprint"), 12, "findings[0].fingerprint"),
    (("findings", 0, "since"), {"y": 2026}, "findings[0].since"),
    (("findings", 0, "since"), "2026-02-30", "findings[0].since"),
    (("findings", 0, "counts"), "yes", "findings[0].counts"),
    (("findings", 0, "message"), ["a"], "findings[0].message"),
    (("rules",), "itil4", "rules"),
    (("rules", "digest"), 5, "rules.digest"),
    (("as_of",), 5, "as_of"),
]


@pytest.mark.parametrize("path, value, named", FORGED_BASELINES)
def test_a_forged_baseline_is_refused_naming_the_field(small, path, value, named):
    forged = _edited(small, "baseline.json", _set(path, value))
    refused(check("catalog.yaml", "--baseline", forged, "-f", "json:out.json", cwd=small), forged, named)


@pytest.mark.parametrize("line, edit, named", [
    (0, {"type": "service"}, "first line"),
    (0, {"type": "header", "tool": {"name": "valuate"}, "as_of": 5}, "as_of"),
    (1, {"type": "service", "id": "x", "verdict": "bogus", "findings": []}, "verdict"),
    (2, {"type": "service", "id": {}, "verdict": "valuable", "findings": []}, "id"),
    (2, {"type": 5}, "type"),
    (2, [1, 2], "not an object"),
])
def test_a_forged_jsonl_report_is_refused_naming_the_line(small, line, edit, named):
    lines = (small / "report.jsonl").read_text().splitlines()
    lines[line] = json.dumps(edit)
    (small / "forged.jsonl").write_text("\n".join(lines) + "\n")
    for option in ("--compare", "--baseline"):
        refused(check("catalog.yaml", option, "forged.jsonl", cwd=small), f"forged.jsonl:{line + 1}", named)


@pytest.mark.parametrize("name", ["baseline.json", "report.json"])
def test_a_key_written_twice_in_a_baseline_or_report_is_refused(small, name):
    text = (small / name).read_text()
    key = '"as_of"' if name == "baseline.json" else '"verdict"'
    doubled = text.replace(key, f'{key}: "2020-01-01", {key}' if key == '"as_of"' else f'{key}: "valuable", {key}', 1)
    (small / f"twice-{name}").write_text(doubled)
    refused(check("catalog.yaml", "--baseline", f"twice-{name}", cwd=small), f"twice-{name}", "appears twice")


def test_a_baseline_made_under_other_rules_is_used_with_a_note(small):
    same = check("catalog.yaml", "--baseline", "baseline.json", "-f", "json:o.json", cwd=small)
    assert "other rules" not in same.stderr and same.returncode == 0, same.stderr
    other = check("catalog.yaml", "--baseline", "baseline.json", "--set", "min_headroom=0.5", "-f", "json:o.json",
                  cwd=small)
    assert "valuate: the baseline baseline.json was made under other rules (sha256:" in other.stderr, other.stderr
    assert "new finding" in other.stderr  # used all the same


# -- property tests: a valid report or baseline mutated at random -------------------------

JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
                    max_leaves=6)


def _paths(node, prefix=()):
    yield prefix
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in items:
        yield from _paths(value, prefix + (key,))


OPAQUE = ("criteria", "balance", "to_pass", "conditions", "coverage", "summary", "inputs", "evidence")


@st.composite
def mutations(draw, doc):
    """``doc`` with one to three values replaced, deleted or appended to (not inside the parts
    a comparison does not read: those are mutated whole, or left alone)."""
    doc = copy.deepcopy(doc)
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(doc) if p and not any(k in OPAQUE for k in p[:-1])]
        path = draw(st.sampled_from(paths))
        parent = doc
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["replace", "delete", "append"]))
        if action == "delete":
            del parent[path[-1]]
        elif action == "append" and isinstance(parent[path[-1]], list):
            parent[path[-1]].append(draw(JSON))
        else:
            parent[path[-1]] = draw(JSON)
    return doc


@pytest.fixture(scope="module")
def judge(small):
    """Run the small catalog against a snapshot file in this process; UserError or a report."""
    from valuate.engine.pipeline import run
    from valuate.engine.policy import load_policy
    from valuate.engine.request import Inputs, Policy, RunOptions, RunRequest

    spec = Policy(as_of=date.fromisoformat(AS_OF))
    policy = load_policy(spec)

    def go(path, option):
        request = RunRequest(spec, Inputs((str(small / "catalog.yaml"),)), RunOptions(**{option: str(path)}))
        return run(request, policy=policy).report()
    return go


def _outcome(judge, tmp_path, doc, option):
    from valuate.engine.errors import UserError
    path = tmp_path / "mutated.json"
    path.write_text(json.dumps(doc))
    try:
        judge(path, option)
    except UserError as err:
        assert str(path) in str(err)
        return "refused"
    return "compared"


SLOW = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                        HealthCheck.too_slow])


@SLOW
@given(data=st.data())
def test_any_mutation_of_a_report_is_compared_or_refused_never_a_crash(small, judge, tmp_path, data):
    mutated = data.draw(mutations(json.loads((small / "report.json").read_text())))
    option = data.draw(st.sampled_from(["compare", "baseline"]))
    outcome = _outcome(judge, tmp_path, mutated, option)
    event(outcome)
    if outcome == "refused":
        # refused only for what the report's own JSON Schema refuses too: not over-strict
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(mutated, SCHEMA)


@SLOW
@given(data=st.data())
def test_any_mutation_of_a_baseline_is_used_or_refused_never_a_crash(small, judge, tmp_path, data):
    mutated = data.draw(mutations(json.loads((small / "baseline.json").read_text())))
    _outcome(judge, tmp_path, mutated, "baseline")


def test_the_cli_never_crashes_on_a_mutated_report(small, tmp_path):
    """A few mutations through the real CLI: exit 0, 1 or 2, never 3 (clirun refuses 3)."""
    doc = json.loads((small / "report.json").read_text())
    for i, mutate in enumerate([_set(("services", 0, "findings"), None), _set(("services",), None),
                                _set(("services", 1, "findings", 0, "waived"), {"expires": []}),
                                _set(("rules",), [])]):
        forged = copy.deepcopy(doc)
        mutate(forged)
        (small / f"m{i}.json").write_text(json.dumps(forged))
        assert check("catalog.yaml", "--compare", f"m{i}.json", cwd=small).returncode in (0, 1, 2)


# -- the config file --------------------------------------------------------------------

@pytest.mark.parametrize("text, fragments", [
    ('fail_on = "never"\nfail-on = "indeterminate"\n', ("'fail_on' (line 1)", "'fail-on' (line 2)", "given twice")),
    ('"fail-on" = "never"\nfail_on = "error"\n', ("'fail-on' (line 1)", "'fail_on' (line 2)")),
    ('sarif_include = ["met"]\nsarif-include = ["unknown"]\n', ("'sarif_include'", "'sarif-include'")),
    ('fail_on = "never"\nfail_on = "error"\n', ("the key 'fail_on' is given twice (lines 1 and 2)",)),
])
def test_one_setting_written_twice_in_valuate_toml_is_refused(tmp_path, text, fragments):
    shutil.copy(SAMPLE, tmp_path / "catalog.yaml")
    (tmp_path / "valuate.toml").write_text(text)
    refused(check("catalog.yaml", cwd=tmp_path), "valuate.toml", *fragments)


def test_one_setting_written_twice_in_pyproject_is_refused(tmp_path):
    shutil.copy(SAMPLE, tmp_path / "catalog.yaml")
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n[tool.valuate]\nfail-on = "never"\n'
                                             'fail_on = "error"\n')
    refused(check("catalog.yaml", cwd=tmp_path), "pyproject.toml:5", "'fail-on' (line 4)", "'fail_on' (line 5)")
