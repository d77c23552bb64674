"""One rule as loaded, and as compiled: ``valuate rules show RULE [--compiled]``.

As loaded: the rule's metadata, its condition (and ``applies_when``) as the
parser understood it, written back in the rule language (parameters by
name, dates as ISO text), and the values the parameters it reads have under
the profile and ``--set`` in use. As compiled: the durable-rules rules it
became, in the ruleset that holds them, each with the node it decides (the
rule or one of its conditions) and whether it fires for "met" or "not met"
(engine/compile: neither firing is unknown), and the payload properties
they read. This is the first step of the journey from a YAML rule to a
verdict (docs/architecture.md) without a line of Python.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import yaml

from ..compile import CompiledRule
from ..compile.conditions import payload_keys
from ..errors import UserError, did_you_mean
from ..policy import LoadedPolicy
from ..rules.aliases import current_id
from ..rules.language import Group


@dataclass(frozen=True)
class DurableRule:
    """One durable-rules rule a valuate rule became."""

    name: str  # r{rule}n{node}t / ...f
    node: int  # the condition node it decides, pre-order (0: the rule's condition)
    met: bool  # fires when the node is met (else: when it is not met)
    decides: str  # the node, in words
    definition: dict  # as registered: {"all": [{"m": expression}]}


@dataclass(frozen=True)
class CompiledView:
    rule: str
    pack: str
    ruleset: str  # the name of the ruleset holding its rules
    neighbours: int  # how many durable rules of other valuate rules share that ruleset
    rules: tuple  # DurableRule, in the order they are registered
    reads: tuple  # the payload properties its expressions read

    def to_dict(self) -> dict:
        return {"rule": self.rule, "pack": self.pack, "ruleset": self.ruleset,
                "other_rules_in_ruleset": self.neighbours, "reads": list(self.reads),
                "rulesets": {self.ruleset: {r.name: r.definition for r in self.rules}},
                "nodes": {r.name: {"node": r.node, "fires_when": "met" if r.met else "not met",
                                   "condition": r.decides} for r in self.rules}}


def compiled_rule(policy: LoadedPolicy, rule_id: str) -> CompiledRule:
    """The compiled rule of that id (or former id), or a UserError naming the rules there are."""
    rule_id = current_id(policy.packs, rule_id)
    found = policy.program.rule(rule_id)
    if found is not None:
        return found
    disabled = [p.name for p in policy.packs if rule_id in p.disabled]
    if disabled:
        raise UserError(f"rule {rule_id} is switched off by the profile {policy.spec.profile}")
    ids = [c.rule.id for c in policy.program.rules]
    raise UserError(f"no rule {rule_id!r} in {', '.join(p.name for p in policy.packs)}{did_you_mean(rule_id, ids)}")


def loaded(policy: LoadedPolicy, rule_id: str) -> dict:
    """The rule as loaded: metadata, conditions in the rule language, the parameters they read."""
    rule = compiled_rule(policy, rule_id).rule
    params = policy.program.params.get(rule.pack, {})
    read = dict.fromkeys(name for cond in rule.conditions() for node in _nodes(cond)
                         if not isinstance(node, Group) for name in node.params())
    return {"id": rule.id, "aliases": list(rule.aliases), "pack": rule.pack, "title": rule.title,
            "criterion": rule.criterion, "severity": rule.severity, "location": str(rule.location) if rule.location else None,
            **({"effective": rule.effective.isoformat()} if rule.effective is not None else {}),
            "rationale": rule.rationale, "remediation": rule.remediation,
            "messages": {status: t.text for status, t in rule.messages.items()},
            "condition": rule.condition.to_data(),
            "applies_when": rule.applies_when.to_data() if rule.applies_when is not None else None,
            "reads_parameters": {name: _param(params, name, policy) for name in read},
            "reads_derived": _derived(policy, rule),
            "describe": rule.describe()}


def compiled(policy: LoadedPolicy, rule_id: str) -> CompiledView:
    """The durable-rules rules ``rule_id`` became, and the ruleset that holds them."""
    found = compiled_rule(policy, rule_id)
    program = policy.program
    names = [n for n, (index, _, _) in program.names.items() if index == found.index]
    ruleset, body = next((name, rs) for name, rs in program.rulesets if names[0] in rs)
    rules = tuple(DurableRule(n, program.names[n][1], program.names[n][2], _decides(found, program.names[n][1]),
                              body[n]) for n in names)
    reads = sorted({k for r in rules for k in payload_keys(r.definition["all"][0]["m"])})
    others = len({program.names[n][0] for n in body if n in program.names} - {found.index})
    return CompiledView(found.rule.id, found.rule.pack, ruleset, others, rules, tuple(reads))


def _decides(found: CompiledRule, node: int) -> str:
    cond = found.nodes[node]
    if node == 0:
        return f"the rule: {cond.describe()}"
    if node == found.applies_at:
        return f"where it applies: {cond.describe()}"
    return cond.describe()


def _nodes(cond):
    yield cond
    if isinstance(cond, Group):
        for child in cond.children:
            yield from _nodes(child)
    elif cond.inner is not None:
        yield from _nodes(cond.inner)


def _derived(policy: LoadedPolicy, rule) -> dict:
    """The derived facts the rule reads: the function computing each, and the facts it reads."""
    outputs = {out: d for p in policy.packs for d in p.derived.values() for out in d.outputs}
    read = dict.fromkeys(path for cond in rule.conditions() for node in _nodes(cond)
                         if not isinstance(node, Group) for path in node.fact_paths() if path in outputs)
    return {path: _derived_one(outputs[path]) for path in read}


def _derived_one(d) -> dict:
    out = {"function": d.function, "inputs": list(d.inputs)}
    if d.spread is not None:  # judged per perspective (engine/compile/perspectives.py)
        only = d.spread.only
        out["per_perspective"] = {"field": d.spread.field, "only": only.value if only is not None else None}
    return out


def _param(params: dict, name: str, policy: LoadedPolicy):
    owner, _, short = name.rpartition(".")
    value = policy.program.params.get(owner, {}).get(short) if owner else params.get(name)
    return value.to_data() if hasattr(value, "to_data") else value


def compiled_text(view: CompiledView) -> str:
    out = [f"{view.rule} ({view.pack}) compiles into {len(view.rules)} durable-rules rules of ruleset "
           f"{view.ruleset} (shared with {view.neighbours} other rule{'s' * (view.neighbours != 1)}).",
           "Each fires when its node is met or not met; where neither fires, the node is unknown.",
           f"Payload properties read: {', '.join(view.reads) or 'none'}"]
    if any(k.startswith("derived.") for k in view.reads):
        out.append("(derived.* are computed from the facts before the service is asserted: "
                   "engine/evaluate/derived.py)")
    if any(k.endswith(".perspectives") for k in view.reads):
        out.append("(a .perspectives list holds one item per perspective, its sums, whether each is exact "
                   "and its margin: the comparison must hold for every item: engine/compile/perspectives.py)")
    for r in view.rules:
        out += ["", f"{r.name}: fires when {'met' if r.met else 'not met'}: {r.decides}"]
        out.extend("  " + line for line in compact(r.definition).splitlines())
    return "\n".join(out) + "\n"


def compact(value, indent: str = "", width: int = 96) -> str:
    """JSON, indented, with every object or list that fits on one line kept on one line."""
    flat = json.dumps(value, ensure_ascii=False, default=str)
    if len(indent) + len(flat) <= width or not isinstance(value, (dict, list)) or not value:
        return flat
    inner = indent + "  "
    if isinstance(value, dict):
        items = [f"{inner}{json.dumps(k, ensure_ascii=False)}: {compact(v, inner, width).lstrip()}"
                 for k, v in value.items()]
        return "{\n" + ",\n".join(items) + f"\n{indent}}}"
    items = [inner + compact(v, inner, width) for v in value]
    return "[\n" + ",\n".join(items) + f"\n{indent}]"


def loaded_text(doc: dict) -> str:
    """The loaded rule in words, its conditions in the rule language."""
    out = [f"{doc['id']} ({doc['pack']}): {doc['title']}", f"  criterion: {doc['criterion']}",
           f"  severity:  {doc['severity']}"]
    if doc.get("effective"):
        out.append(f"  effective: {doc['effective']} (decides from that day on)")
    if doc["aliases"]:
        out.append(f"  formerly:  {', '.join(doc['aliases'])} (aliases: still honoured)")
    if doc["location"]:
        out.append(f"  defined at {doc['location']}")
    out += ["", "condition:"] + ["  " + line for line in _yaml(doc["condition"]).splitlines()]
    if doc["applies_when"] is not None:
        out += ["applies_when:"] + ["  " + line for line in _yaml(doc["applies_when"]).splitlines()]
    if doc["reads_parameters"]:
        out += ["", "parameters read:"] + [f"  {k} = {_json(v)}" for k, v in doc["reads_parameters"].items()]
    if doc["reads_derived"]:
        out += ["", "derived facts read (computed before the rules run):"]
        out += [f"  {k} = {d['function']} of {', '.join(d['inputs'])}{_per_perspective(d)}"
                for k, d in doc["reads_derived"].items()]
    out += ["", f"rationale: {doc['rationale']}", f"remediation: {doc['remediation']}"]
    return "\n".join(out) + "\n"


def _per_perspective(d: dict) -> str:
    spread = d.get("per_perspective")
    if spread is None:
        return ""
    only = f"; the perspectives that count: parameter {spread['only']}" if spread["only"] else ""
    return f", judged per perspective where effects name whom they affect ({spread['field']}){only}"


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, default=str)


def _yaml(value) -> str:
    return yaml.safe_dump(value, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100)


__all__ = ["loaded", "compiled", "compiled_text", "loaded_text", "CompiledView", "DurableRule"]
