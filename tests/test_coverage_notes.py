"""The data coverage sentences (issue 21, item 2): a criterion waits for a fact only
when some verdict on it was unknown for lack of it; alternatives and facts compared
only where given are optional, never "never recorded". The sentences are made once
(explain/coverage.py) and every format carries the same ones."""
from __future__ import annotations

import json
import textwrap
import xml.etree.ElementTree as ET

from conftest import AS_OF

# utility met through performance_support; continuity met without the recovery times
REPRO = "- {id: a, utility: {performance_support: [x]}, warranty: {continuity: {plan: true, last_tested: 2026-10-01}}}\n"


def _notes(cli, catalog, *extra) -> list:
    result = cli("check", str(catalog), "--as-of", AS_OF, "--fail-on", "never", "--format", "json", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)["coverage"]["notes"]


def _about(notes: list, criterion: str) -> str:
    (note,) = [n for n in notes if n.startswith(criterion + " ")]
    return note


def test_met_criteria_are_never_said_to_lack_data(cli, tmp_path):
    catalog = tmp_path / "a.yaml"
    catalog.write_text(REPRO)
    notes = _notes(cli, catalog)
    assert not any("never recorded" in n for n in notes), notes
    utility, continuity = _about(notes, "utility"), _about(notes, "continuity")
    assert utility == ("utility waits for no data; optional, one of alternatives: "
                       "utility.constraints_removed recorded by 0 of 1")
    assert continuity == ("continuity waits for no data; optional, read only where given: "
                          "warranty.continuity.rto_hours recorded by 0 of 1; "
                          "warranty.continuity.rto_target_hours recorded by 0 of 1")
    # what does wait is said so, with how many verdicts wait for each fact
    assert _about(notes, "availability").startswith(
        "availability waits for data in 1 of 1 service: warranty.availability.measured recorded by 0 of 1 "
        "(1 waits for it)")


def test_every_format_carries_the_same_sentences(cli, tmp_path):
    catalog = tmp_path / "a.yaml"
    catalog.write_text(REPRO)
    notes = _notes(cli, catalog)
    text = cli("check", str(catalog), "--as-of", AS_OF, "--fail-on", "never").output
    assert all(f"  - {n}\n" in text for n in notes)
    junit = ET.fromstring(cli("check", str(catalog), "--as-of", AS_OF, "--fail-on", "never",
                              "--format", "junit").output)
    props = [p.get("value") for p in junit.iter("property") if p.get("name", "").startswith("coverage.")]
    assert props == notes
    sarif = json.loads(cli("check", str(catalog), "--as-of", AS_OF, "--fail-on", "never",
                           "--format", "sarif").output)
    assert sarif["runs"][0]["properties"]["coverage"]["notes"] == notes
    markdown = cli("check", str(catalog), "--as-of", AS_OF, "--fail-on", "never", "--format", "markdown").output
    assert "never recorded" not in markdown and "utility waits for no data" in markdown


def test_a_fact_waits_only_where_its_absence_leaves_the_criterion_unknown(cli, tmp_path):
    """Two services lack last_tested: one's continuity is unknown for it, the other's is
    not met anyway (no plan). Only the first waits."""
    catalog = tmp_path / "c.yaml"
    catalog.write_text(textwrap.dedent("""\
        - {id: a, warranty: {continuity: {plan: true}}}
        - {id: b, warranty: {continuity: {plan: false}}}
        - {id: c, warranty: {continuity: {plan: true, last_tested: 2026-10-01, rto_hours: 2, rto_target_hours: 4}}}
        """))
    continuity = _about(_notes(cli, catalog), "continuity")
    assert continuity == ("continuity waits for data in 1 of 3 services: warranty.continuity.last_tested "
                          "recorded by 1 of 3 (1 waits for it); optional, read only where given: "
                          "warranty.continuity.rto_hours recorded by 1 of 3; "
                          "warranty.continuity.rto_target_hours recorded by 1 of 3")


PACK = textwrap.dedent("""\
    pack: own
    rules:
      - metadata: {id: OWN-1, title: t, criterion: utility, severity: error, rationale: r, remediation: m}
        condition:
          all:
            - {fact: provider, is: present}
            - any:
                - {fact: outputs, is: not_empty}
                - {fact: tags, is: not_empty}
            - any:
                - {fact: budget.actual, is: absent}
                - {fact: budget.actual, le: {fact: budget.planned}}
    """)


def test_any_pack_gets_its_optional_facts_from_its_condition_trees(cli, tmp_path):
    """Not a list of the shipped pack's facts: the classes come from the tree. provider's
    absence is decided (an existence test), outputs / tags are alternatives, budget.planned is
    compared only where budget.actual is given; nothing here is ever said to be lacking."""
    pack = tmp_path / "own.yaml"
    pack.write_text(PACK)
    catalog = tmp_path / "c.yaml"
    catalog.write_text("- {id: a, provider: p, outputs: [x], budget: {actual: 1}}\n"
                       "- {id: b, provider: p, tags: [y]}\n")
    (utility,) = [n for n in _notes(cli, catalog, "--rules", str(pack)) if n.startswith("utility")]
    assert utility == ("utility waits for data in 1 of 2 services: budget.planned recorded by 0 of 2 (1 waits for it); "
                       "optional, one of alternatives: outputs recorded by 1 of 2; tags recorded by 1 of 2; "
                       "optional, read only where given: budget.actual recorded by 1 of 2")


def test_facts_alone_list_alternatives_as_optional(cli, tmp_path):
    catalog = tmp_path / "a.yaml"
    catalog.write_text(REPRO)
    notes = json.loads(cli("facts", str(catalog), "--format", "json").output)["coverage"]["notes"]
    assert _about(notes, "utility") == ("utility lacks optional data only; optional, one of alternatives: "
                                        "utility.constraints_removed recorded by 0 of 1")
    assert _about(notes, "continuity").startswith("continuity lacks optional data only; optional, read only")
    assert _about(notes, "availability").startswith("availability is never recorded: ")
