"""make bench-peers (bench/peers/): its policy files are well formed and its runner imports.

The peers themselves (zen-engine, regopy, json-rules-engine under node) are
installed only by `make bench-peers`, not by the test extra: where one is
absent, the test that needs it is skipped and says so. Where present, each
peer decides 200 synthetic services and must agree with bench/floor.py, the
same check the benchmark makes on 20,000.
"""
from __future__ import annotations

import datetime as dt
import importlib.util
import json
import re
import shutil

import pytest

from conftest import ROOT, bench_module

PEERS = ROOT / "bench" / "peers"
AS_OF = dt.date(2026, 11, 28)


def _catalog(tmp_path, n=200):
    path = bench_module("synth").write_catalog(n, tmp_path / "peers.jsonl", seed=11, mix="varied")
    return path, [json.loads(line) for line in path.read_text().splitlines()]


def _agree(services, verdicts):
    floor = bench_module("floor")
    bad = [(s["id"], v, floor.verdict(s, AS_OF)) for s, v in zip(services, verdicts) if v != floor.verdict(s, AS_OF)]
    assert len(verdicts) == len(services) and not bad, bad[:5]


def test_the_runner_imports_without_the_peers():
    main = bench_module("peers.__main__")
    assert callable(main.main)
    assert set(main.PYTHON_PEERS) == {"zen decision graph (JDM)", "zen compiled expression", "OPA Rego (regopy bundle)"}
    # the float boundary the peers avoid by comparing peak*10 <= cap*9
    on_edge = {"warranty": {"capacity": {"peak_demand": 900, "max_capacity": 1000}}}
    assert main.float_boundary_cases([on_edge, {"id": "x"}]) == 1


def test_the_decision_graph_is_well_formed_jdm():
    graph = json.loads((PEERS / "policy.jdm.json").read_text())
    ids = {n["id"] for n in graph["nodes"]}
    assert {n["type"] for n in graph["nodes"]} >= {"inputNode", "outputNode", "expressionNode", "switchNode",
                                                     "decisionTableNode"}
    assert all(e["sourceId"] in ids and e["targetId"] in ids for e in graph["edges"])
    # the compiled-expression peer is built from the same graph, without zen
    text = bench_module("peers.zen").expression_text(graph)
    for status in ("invalid", "utility", "availability", "capacity", "security", "continuity", "warranty", "value"):
        assert f"s_{status} = (" in text
    assert "$." not in text and text.count("(") == text.count(")")


def test_the_rules_reference_only_conditions_they_define():
    doc = json.loads((PEERS / "rules.json").read_text())
    used = set(re.findall(r'"condition": "(\w+)"', json.dumps(doc)))
    assert used <= set(doc["conditions"]), used - set(doc["conditions"])
    assert sorted(r["event"]["params"]["verdict"] for r in doc["rules"]) == \
        ["error", "indeterminate", "not_valuable", "valuable"]


def test_node_dependencies_are_locked():
    package = json.loads((PEERS / "package.json").read_text())
    lock = json.loads((PEERS / "package-lock.json").read_text())
    pinned = package["dependencies"]["json-rules-engine"]
    assert lock["packages"]["node_modules/json-rules-engine"]["version"] == pinned


def test_the_rego_module_names_its_package():
    text = (PEERS / "policy.rego").read_text()
    assert re.search(r"^package valuate$", text, re.M) and re.search(r"^verdict := ", text, re.M)


@pytest.mark.parametrize("peer", ["zen decision graph (JDM)", "zen compiled expression", "OPA Rego (regopy bundle)"])
def test_python_peers_agree_with_the_floor(tmp_path, peer):
    module = "zen" if peer.startswith("zen") else "regopy"
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} is not installed here (make bench-peers installs it into .venv-peers)")
    _, services = _catalog(tmp_path)
    verdict = bench_module("peers.__main__").PYTHON_PEERS[peer](AS_OF, 365)
    _agree(services, [verdict(s) for s in services])


def test_json_rules_engine_agrees_with_the_floor(tmp_path):
    jre = bench_module("peers.jre")
    why = jre.missing()
    if why:
        pytest.skip(why)
    assert shutil.which("node")
    path, services = _catalog(tmp_path)
    report = jre.run(path, AS_OF)
    assert report["services"] == len(services) and report["cpu_us_per_service"] > 0
    _agree(services, report["verdicts"])
