"""``valuate explain``: the explanation tree of one service, as text (and as JSON).

    verdict -> criteria -> rules -> conditions, each with its status, the
    values it saw, and for what failed or was unknown, why not. Each line of
    the text passes through ``terminal.safe`` (catalog text shown escaped).
"""
from __future__ import annotations

import json
from typing import Any, Optional

from ..model import MET, NOT_MET, UNKNOWN, WAIVED, ConditionResult, RunInfo, ServiceResult
from ..model import NOT_APPLICABLE as NOT_APPLICABLE_STATUS
from ..model import format_value
from .levels import level_lines
from .terminal import safe_lines

NOT_APPLICABLE = "–"  # an alternative that did not matter, or a rule that does not apply
# waived: a criterion met only because a waiver covers a failure of it (neither ✓ nor ✗)
SYMBOL = {MET: "✓", NOT_MET: "✗", UNKNOWN: "?", NOT_APPLICABLE_STATUS: NOT_APPLICABLE, WAIVED: "⚑"}


def explain_json(run: RunInfo, result: ServiceResult) -> str:
    """``valuate explain --format json``: the report header and the service with its trees."""
    return json.dumps({**run.header(), "service": result.to_dict(conditions=True)}, ensure_ascii=False, indent=2,
                      allow_nan=False)


def explain_text(run: RunInfo, result: ServiceResult) -> str:
    lines = [f"{result.id} — {result.name or ''}".rstrip(" —") + f": {result.verdict.upper()}",
             f"  (rules {', '.join(run.packs)}, as of {run.as_of}"
             + (f", {result.source}" if result.source else "") + ")"]
    if result.errors:
        lines += [f"  ✗ {e}" for e in result.errors]
        lines += [f"    ↳ from {e.provenance}" for e in result.errors if getattr(e, "provenance", None)]
        return "\n".join(safe_lines(lines)) + "\n"
    findings = {f.rule: f for f in result.findings}
    for crit in result.criteria:
        extra = ""
        if crit.name == "value":
            extra = f"  (positives {format_value(crit.positives)} vs negatives {format_value(crit.negatives)})"
            if crit.perspectives:  # effects name whom they affect: one total no longer says it
                extra = f"  ({valuable_to_text(crit.perspectives)})"
        status = result.status_of(crit.name)  # waived: met only under a waiver
        lines.append(f"├─ {SYMBOL[status]} {crit.name}: {status}{extra}")
        if crit.name == "warranty":
            for dim, _ in crit.dimensions:
                status = result.status_of(dim)
                lines.append(f"│  ├─ {SYMBOL[status]} {dim}: {status}")
                for rid in crit.findings:
                    if findings[rid].dimension == dim:
                        lines += _finding(findings[rid], "│  │  ", result.provenance)
        else:
            for rid in crit.findings:
                lines += _finding(findings[rid], "│  ", result.provenance)
        if crit.name == "value" and crit.balance:
            lines += [f"│  │    {line}" for line in balance_lines(crit)]
    advisory = [f for f in result.findings if f.criterion == "advisory"]  # a rule not yet in force stays in place
    if advisory:
        lines.append("└─ advisory (never changes the verdict)")
        for f in advisory:
            lines += _finding(f, "   ", result.provenance)
    if result.to_pass is not None:
        lines += ["", *to_pass_lines(result.to_pass)]
    graded = level_lines(result)
    if graded:
        lines += ["", *(line.strip() for line in graded)]
    return "\n".join(safe_lines(lines)) + "\n"


def explain_rule(run: RunInfo, result: ServiceResult, rule_id: str, fmt: str = "text") -> str:
    """``valuate explain ... --rule RULE``: that rule's finding and tree alone, for editing a rule.
    The caller has checked that the service has a finding for the rule."""
    finding = result.finding(rule_id)
    if fmt == "json":
        return json.dumps({**run.header(), "service": result.id, "finding": finding.to_dict(conditions=True)},
                          ensure_ascii=False, indent=2) + "\n"
    head = f"{result.id} — {result.name or ''}".rstrip(" —") + f": {result.verdict.upper()} (as of {run.as_of})"
    return "\n".join([head, *_finding(finding, "", result.provenance)]) + "\n"


def balance_lines(crit) -> list[str]:
    """The value balance as a sum: one line per side, impact x weight per item."""
    out = []
    for side, total in (("positive", crit.positives), ("negative", crit.negatives)):
        terms = [t for t in crit.balance if t.side == side]
        parts = " + ".join(f"{format_value(t.impact)}×{format_value(t.weight)}" for t in terms) or "0"
        out.append(f"{side}s = {parts} = {format_value(total)}")
    return out


def to_pass_lines(to_pass) -> list[str]:
    if not to_pass.verified:
        return ["What would make it pass: no verified change found", f"  ({to_pass.note})"]
    out = ["What would make it pass (verified by re-evaluating the changed facts):"]
    n = 0
    for heading, items in to_pass_groups(to_pass):
        out.append(f"  {heading}:")
        for text, rules in items:
            n += 1
            out.append(f"    {n}. {text}  [{rules}]")
    if to_pass.advice:
        out.append(f"  {to_pass.advice[:1].upper()}{to_pass.advice[1:]}.")
    return out


TO_PASS_KINDS = (("record", "Record missing data"), ("change", "Change the service"))


def to_pass_groups(to_pass) -> list:
    """(heading, [(text, rules)]) per kind of change, each text once (facts recorded together share one)."""
    out = []
    for kind, heading in TO_PASS_KINDS:
        texts: dict = {}
        for c in to_pass.of_kind(kind):
            texts.setdefault(c.text, []).append(c.rule)
        if texts:
            out.append((heading, [(text, ", ".join(dict.fromkeys(rules))) for text, rules in texts.items()]))
    return out


def finding_lines(f, indent: str = "") -> list[str]:
    """One finding with its condition tree, as ``explain`` prints it."""
    return _finding(f, indent)


def _finding(f, indent: str, provenance: Optional[dict] = None) -> list[str]:
    note = ""
    if not f.in_force:
        note = f" (enforced from {f.effective}: does not count yet)"
    elif f.deciding and not f.counts:
        note = f" (severity {f.severity}: does not count)"
    lines = [f"{indent}├─ {SYMBOL[f.status]} {f.rule} {f.title} [{f.status}]{note}",
             f"{indent}│    {f.message}"]
    if f.waiver is not None:
        w = f.waiver
        state = f"waived until {w.expires}" if f.waived else f"waiver expired on {w.expires}, no longer applies"
        lines.append(f"{indent}│    {state}: {w.reason} (approved by {w.approved_by}; {w.source})")
    if f.condition is not None:
        lines += _condition(f.condition, indent + "│    ", provenance)
    return lines


def _condition(c: ConditionResult, indent: str, provenance: Optional[dict] = None) -> list[str]:
    status, text, detail = condition_line(c)
    lines = [f"{indent}{SYMBOL.get(status, NOT_APPLICABLE)} {text}" + (f"  — {detail}" if detail else "")]
    if provenance and not c.children and c.applies:
        lines += _sources(c, indent + "   ", provenance)
    for child in c.children:
        lines += _condition(child, indent + "   ", provenance)
    return lines


def _joined(names: list, word: str) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {word} {names[-1]}"


def valuable_to_text(perspectives) -> str:
    """'valuable to the user; not to the sponsor; not judged yet for the customer' ('' for none)."""
    if not perspectives:
        return ""
    met, not_met, unknown = ([p.who or p.name for p in perspectives if p.status == s]
                             for s in (MET, NOT_MET, UNKNOWN))
    parts = [f"valuable to {_joined(met, 'and')}"] if met else []
    if not_met:
        parts.append(f"{'not to' if met else 'not valuable to'} {_joined(not_met, 'or')}")
    if unknown:
        parts.append(f"not judged yet for {_joined(unknown, 'and')}")
    return "; ".join(parts)


def condition_line(c: ConditionResult) -> tuple[str, str, str]:
    """(status shown, text, detail) of one condition, as every format shows it.

    A met condition reads as its requirement, with the values that met it; a
    failed or unknown one reads as what was found, with the requirement after
    it; an alternative of a met "any" that did not hold reads as not applying.
    """
    if not c.applies:
        return "not_applicable", c.description, "does not apply: another alternative holds"
    if c.found:
        return c.status, c.found, f"required: {c.required or c.description}"
    if c.required:  # under a not: what it saw, and what the rule requires of it (the negation)
        seen = ", ".join(f"{p} = {_show(v)}" for p, v in c.values if not c.children)
        return c.status, c.description, "; ".join(x for x in (seen, f"required: {c.required}") if x)
    if c.status == MET:
        return c.status, c.description, _detail(c)
    if c.children:
        return c.status, c.description, "not met" if c.status == NOT_MET else "unknown"
    return c.status, c.description, "not met" if c.status == NOT_MET else "unknown"


def _sources(c: ConditionResult, indent: str, provenance: dict) -> list[str]:
    """Where each fact the condition read came from, for facts read through a mapping."""
    paths = [p for p, _ in c.values] + [p for p in c.missing if p not in dict(c.values)]
    return [f"{indent}↳ {key} from {prov}" for key, prov in provenance.items()
            if any(key == p or key.startswith(p + ".") or key.startswith(p + "[") for p in paths)]


def _detail(c: ConditionResult) -> str:
    """What a met leaf saw: its values and the threshold."""
    if c.children:
        return ""
    seen = ", ".join(f"{p} = {_show(v)}" for p, v in c.values)
    e = c.expected
    expected = ""
    if c.kind == "between" and isinstance(e, list) and len(e) == 2:  # a range: [low, high], each a bound
        expected = f" (between {_bound(e[0])} and {_bound(e[1])}, inclusive)"
    elif isinstance(e, dict) and "param" in e:
        expected = f" (threshold {_bound(e)})"
    elif e is not None and not isinstance(e, dict):
        expected = f" (expected {_show(e)})"
    return f"{seen}{expected}"


def _bound(e: Any) -> str:
    """One threshold as the tree gives it: a literal, a parameter (its value, or its cases
    when which applies is not known) or another fact."""
    if isinstance(e, dict) and "cases" in e:  # which case applies is not known
        return f"{e['param']}: {e['cases']}, whichever applies"
    if isinstance(e, dict) and "param" in e:
        return f"{e['param']} = {_show(e['value'])}"
    if isinstance(e, dict) and "fact" in e:
        return f"{e['fact']} = {_show(e['value'])}"
    return _show(e)


def _show(value: Any) -> str:
    if isinstance(value, list):
        if not value:
            return format_value(value)
        if len(value) > 3 or any(isinstance(v, (dict, list)) for v in value):
            return f"[{len(value)} item{'s' if len(value) != 1 else ''}]"
        return "[" + format_value(value) + "]"
    return format_value(value)
