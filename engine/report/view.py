"""What every human-facing format shows, computed once from the model records.

Reports see only engine/model.py records; this module turns one
``ServiceResult`` into the pieces the HTML and Markdown reports lay out, so
both show the same thing: the verdict, the criteria with warranty's four
dimensions, the value balance with its arithmetic, the deciding findings
with their condition trees, the advisory findings apart, waived findings
marked, and what would make the service pass.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from .explanation import NOT_APPLICABLE, SYMBOL, condition_line
from ..model import ERROR, ConditionResult, Finding, ServiceResult
from ..model import format_value

VERDICT_WORDS = {"valuable": "valuable", "not_valuable": "not valuable",
                 "indeterminate": "indeterminate", "error": "error"}


@dataclass(frozen=True)
class Row:
    """One condition of a rule, flattened for a list or a table."""

    depth: int
    status: str
    description: str
    detail: str


def label(result: ServiceResult) -> str:
    return result.id if result.id is not None else f"(record {result.position})"


def title(result: ServiceResult) -> str:
    name = f" — {result.name}" if result.name and result.name != result.id else ""
    return label(result) + name


def where(f: Finding) -> str:
    return f"{f.criterion}.{f.dimension}" if f.dimension else f.criterion


def waiver(f: Finding) -> Optional[str]:
    """Why a finding is waived (an active waiver applies to it), or None."""
    if not f.waived:
        return None
    w = f.waiver
    return f"{w.reason} (approved by {w.approved_by}, until {w.expires})"


def deciding(result: ServiceResult) -> list:
    return [f for f in result.findings if f.deciding]


def advisory(result: ServiceResult) -> list:
    return [f for f in result.findings if not f.deciding]


def failing(result: ServiceResult) -> list:
    """Deciding findings that are not met or unknown: why the verdict is not valuable."""
    return [f for f in deciding(result) if f.failing]


def coverage_rows(summary) -> list:
    """(fact, recorded, blocks, source) for each fact the deciding rules read that some
    judged service lacks: the data coverage table every format shows."""
    cov = summary.coverage
    if cov is None:
        return []
    return [(r.path, f"{r.recorded} of {cov.services}", str(r.blocks),
             (r.source or "") + (f" (empty in {r.empty})" if r.empty else "")) for r in cov.gaps]


def coverage_heading(summary) -> str:
    cov = summary.coverage
    if cov is None:
        return ""
    if not cov.gaps:
        return f"data coverage: every fact the deciding rules read is recorded by all {cov.services} judged services"
    return (f"data coverage: facts the deciding rules read that some of the {cov.services} judged services "
            "lack (blocks: indeterminate verdicts waiting for it)")


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


def rows(c: Optional[ConditionResult], depth: int = 0) -> list:
    if c is None:
        return []
    out = [Row(depth, *condition_line(c))]
    for child in c.children:
        out += rows(child, depth + 1)
    return out


def symbol(status: str) -> str:
    return SYMBOL.get(status, NOT_APPLICABLE)


def show(value: Any) -> str:
    return format_value(value)


def balance_sum(result: ServiceResult, side: str) -> tuple[list, Any]:
    """(terms, total) of one side of the value balance."""
    value = result.criterion("value")
    if value is None:
        return [], None
    terms = [t for t in value.balance if t.side == side]
    return terms, value.positives if side == "positive" else value.negatives


def arithmetic(result: ServiceResult, side: str) -> str:
    terms, total = balance_sum(result, side)
    parts = " + ".join(f"{show(t.impact)}×{show(t.weight)}" for t in terms) or "0"
    return f"{parts} = {show(total)}"


def errors(result: ServiceResult) -> list[str]:
    return [str(e) for e in result.errors] if result.verdict == ERROR else []


def source(result: ServiceResult) -> str:
    return str(result.source) if result.source else ""
