"""GoRules zen-engine peers: the policy as a JDM decision graph, and as one compiled expression.

Both come from the same file, policy.jdm.json, so they cannot drift apart:

- the graph: input -> "validity" expression node -> switch (invalid records go
  to an "error" expression node) -> "criteria" expression node (the
  three-valued statuses) -> "verdict" decision table (first hit) -> output;
- the compiled expression: the graph's expressions joined into a single zen
  expression (assignments in parenthesised blocks, the table rows as a chain of
  ternaries), compiled once with zen.compile_expression and evaluated per
  service. No graph machinery, so it shows what zen's expression VM alone costs.

Each load() returns a function record -> verdict; the driver times load and
evaluation apart. zen converts the Python dict to its own values on every call:
that conversion is part of the per-service cost, as it would be for a caller.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
POLICY = HERE / "policy.jdm.json"
SELF_REF = re.compile(r"\$\.(\w+)")  # `$.availability`: a result computed earlier in the same node


def policy_text(as_of: dt.date, max_age: int) -> str:
    """The JDM with its two parameters filled in (the file holds {{as_of}} and {{max_age_days}})."""
    return POLICY.read_text().replace("{{as_of}}", as_of.isoformat()).replace("{{max_age_days}}", str(max_age))


def load_graph(as_of: dt.date, max_age: int = 365):
    import zen

    decision = zen.ZenEngine().create_decision(zen.ZenDecisionContent(policy_text(as_of, max_age)))

    def verdict(record: dict) -> str:
        return decision.evaluate(record)["result"]["verdict"]

    return verdict


def _local(m: re.Match) -> str:
    return "s_" + m.group(1)


def _nodes(graph: dict) -> dict:
    return {n["id"]: n for n in graph["nodes"]}


def expression_text(graph: dict) -> str:
    """One zen expression with the graph's logic: validity, then criteria, then the table.

    Each expression of a node becomes `s_KEY = (BODY)`; `$.KEY` (an earlier
    result of the same node) becomes `s_KEY`. The criteria are evaluated only
    for valid records, inside the ternary's branch, as the switch node does:
    summing a non-numeric impact would otherwise fail.
    """
    nodes = _nodes(graph)

    def block(node_id: str) -> str:
        exprs = nodes[node_id]["content"]["expressions"]
        return "; ".join(f"s_{e['key']} = ({SELF_REF.sub(_local, e['value'])})" for e in exprs)

    table = nodes["verdict"]["content"]
    assert table["hitPolicy"] == "first"
    chain = "'no rule matched'"
    for rule in reversed(table["rules"]):
        cells = [f"s_{i['field']} == {rule[i['id']]}" for i in table["inputs"] if rule.get(i["id"], "").strip()]
        out = rule[table["outputs"][0]["id"]]
        chain = out if not cells else f"({' and '.join(cells)}) ? {out} : ({chain})"
    return f"{block('validity')}; s_invalid ? 'error' : ({block('criteria')}; {chain})"


def load_expression(as_of: dt.date, max_age: int = 365):
    import zen

    compiled = zen.compile_expression(expression_text(json.loads(policy_text(as_of, max_age))))

    def verdict(record: dict) -> str:
        return compiled.evaluate(record)

    return verdict


PEERS = {"zen decision graph (JDM)": load_graph, "zen compiled expression": load_expression}
