"""What every human-facing format shows, computed once from the model records.

Reports see only engine/model.py records; this module turns one
``ServiceResult`` into the pieces the HTML and Markdown reports lay out, so
both show the same thing: the verdict (with its symbol; "valuable (waived)"
when only a waiver makes it valuable), the criteria with warranty's four
dimensions, one plain-English reason per failed criterion, the value balance
with its arithmetic and each effect by kind, the deciding findings with
their condition trees, the advisory findings apart, waived findings marked,
what would make the service pass, and where a record is (relative to the
working directory, with the full path for a tooltip).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Optional

from .explanation import NOT_APPLICABLE, SYMBOL, TO_PASS_KINDS, condition_line, to_pass_groups, valuable_to_text
from ..model import ERROR, MET, NOT_MET, STATUSES, UNKNOWN, VERDICTS, WAIVED, ConditionResult, Finding, ServiceResult
from ..model import format_value

VERDICT_WORDS = {"valuable": "valuable", "not_valuable": "not valuable",
                 "indeterminate": "indeterminate", "error": "error"}
# A verdict never rests on colour alone: each has its own symbol, in every format.
VERDICT_SYMBOL = {"valuable": "✓", "not_valuable": "✗", "indeterminate": "?", "error": "!"}
# WAIVED (model.values) is also the chip of a service valuable only because a waiver covers a failure
WAIVED_SYMBOL = SYMBOL[WAIVED]  # a criterion met only under a waiver: neither ✓ nor ✗
# Where a count of met or of valuable is shown, waived is counted apart; in that order.
STATUS_KEYS = (MET, WAIVED, NOT_MET, UNKNOWN)
VERDICT_KEYS = (VERDICTS[0], WAIVED) + VERDICTS[1:]
LEGEND = (
    ("valuable", "utility, warranty (all four dimensions) and the value balance are met."),
    ("waived", "only because an approved, time-limited waiver covers a failing rule: the waiver panel "
               "says which, why, who approved it and until when."),
    ("not_valuable", "at least one criterion is not met: the board decides (fix, fund, waive or retire)."),
    ("indeterminate", "nothing failed, but a criterion could not be judged because facts it needs are not "
                      "recorded: record them to decide (it is neither a pass nor a fail)."),
    ("error", "the record itself is invalid (a field of the wrong type, a duplicate id): fix the catalog."),
)
# What a criterion or warranty dimension is called where a board reads it.
LABELS = {"utility": "utility", "warranty": "warranty", "value": "value balance", "advisory": "advisory"}


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


def label_of(f: Finding) -> str:
    """The criterion a finding decides, in words: a warranty dimension, or 'value balance'."""
    return f.dimension or LABELS.get(f.criterion, f.criterion)


def waived_findings(result: ServiceResult) -> list:
    """Deciding findings that a waiver kept from counting against the verdict."""
    return [f for f in result.findings if f.waived and f.counts]


def verdict_key(result: ServiceResult) -> str:
    """The verdict, or ``waived`` for a service that is valuable only thanks to a waiver."""
    return WAIVED if result.valuable_by_waiver else result.verdict


def status_of(result: ServiceResult, name: str) -> str:
    """A criterion's or warranty dimension's status as people read it (``waived``: met only
    under a waiver); unknown when the service has no such criterion."""
    return result.status_of(name) or UNKNOWN


def waivers_given(run) -> bool:
    """A waiver file was given: every count of met then shows waived beside it (0 included)."""
    return run.waivers is not None


def status_keys(run) -> tuple:
    """The statuses a count of criteria shows: waived among them when a waiver file was given."""
    return STATUS_KEYS if waivers_given(run) else STATUSES


def verdict_keys(run) -> tuple:
    """The verdicts a count of services shows: 'valuable (waived)' apart when a waiver file was given."""
    return VERDICT_KEYS if waivers_given(run) else VERDICTS


def verdict_counts(services) -> dict:
    """Services per verdict key (valuable and waived apart)."""
    counts = {k: 0 for k in VERDICT_KEYS}
    for r in services:
        counts[verdict_key(r)] += 1
    return counts


def counts_line(summary) -> str:
    """'3 valuable, 2 valuable under a waiver, 4 not valuable, ...' from a run's summary."""
    v = summary.verdicts
    parts = [f"{v[VERDICTS[0]] - summary.valuable_waived} valuable"]
    if summary.valuable_waived:  # (a line of text names no zero that says nothing)
        parts.append(f"{summary.valuable_waived} valuable under a waiver")
    return ", ".join(parts + [f"{v[k]} {VERDICT_WORDS[k]}" for k in VERDICTS[1:]])


def verdict_text(key: str) -> str:
    return "valuable (waived)" if key == WAIVED else VERDICT_WORDS[key]


def verdict_symbol(key: str) -> str:
    return VERDICT_SYMBOL["valuable" if key == WAIVED else key]


def reasons(result: ServiceResult, status: str = NOT_MET) -> list:
    """(criterion label, plain-English reason, rule ids) per criterion or warranty dimension
    whose counting findings have ``status``: one line per failed criterion for the board."""
    groups: dict = {}
    for f in deciding(result):
        if f.status == status and f.counts and not f.waived:
            groups.setdefault(label_of(f), []).append(f)
    return [(label, "; ".join(f.message for f in fs), ", ".join(f.rule for f in fs)) for label, fs in groups.items()]


def reason_lines(result: ServiceResult) -> list:
    """(text, rule ids) for a services table: each failure with its reason, the criteria
    that could not be judged named in one line (their details are in the service's card)."""
    if result.verdict == ERROR:
        return [(text, "") for text in errors(result)[:1]]
    out = [(f"{label}: {text}", rules) for label, text, rules in reasons(result)]
    unknown = reasons(result, UNKNOWN)
    if unknown:
        out.append(("not judged, facts missing: " + ", ".join(label for label, _, _ in unknown),
                    ", ".join(rules for _, _, rules in unknown)))
    out += [(f"waived: {label_of(f)} until {f.waiver.expires}", f.rule) for f in waived_findings(result)]
    return out


def waiver(f: Finding) -> Optional[str]:
    """Why a finding is waived (an active waiver applies to it), or None."""
    if not f.waived:
        return None
    w = f.waiver
    return f"{w.reason} (approved by {w.approved_by}, until {w.expires})"


def deciding(result: ServiceResult) -> list:
    return [f for f in result.findings if f.deciding]


def advisory(result: ServiceResult) -> list:
    return [f for f in result.findings if f.criterion == "advisory"]  # not a rule yet to come into force


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
    if cov.services == 0:  # every record is an error: there is nothing to count, not "all 0"
        return "data coverage: not measured, no service was judged (every record is an error)"
    if not cov.gaps:
        judged = "the 1 judged service" if cov.services == 1 else f"all {cov.services} judged services"
        return f"data coverage: every fact the deciding rules read is recorded by {judged}"
    lack = "the 1 judged service lacks" if cov.services == 1 else f"some of the {cov.services} judged services lack"
    return f"data coverage: facts the deciding rules read that {lack} (blocks: indeterminate verdicts waiting for it)"


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


EFFECT_KINDS = {"costs.removed": "cost removed", "costs.imposed": "cost imposed",
                "risks.removed": "risk removed", "risks.imposed": "risk imposed"}


def effect_kind(term) -> str:
    """What a value-balance effect is, in words ('cost removed', 'negative outcome'), not its path."""
    if term.list == "outcomes":
        return f"{term.side} outcome"
    return EFFECT_KINDS.get(term.list, term.list)


def arithmetic(result: ServiceResult, side: str) -> str:
    terms, total = balance_sum(result, side)
    parts = " + ".join(f"{show(t.impact)}×{show(t.weight)}" for t in terms) or "0"
    return f"{parts} = {show(total)}"


def perspectives(result: ServiceResult) -> tuple:
    """The value balance per perspective (model Perspective), when effects name whom they affect."""
    value = result.criterion("value")
    return value.perspectives if value is not None else ()


def valuable_to(result: ServiceResult) -> str:
    """Who the value balance holds for: 'valuable to the user; not to the sponsor' ('' when the
    balance is judged once)."""
    return valuable_to_text(perspectives(result))


def perspective_line(result: ServiceResult) -> str:
    """Each perspective's sums and status: 'brings the user 4 against 1 (met); costs ...'."""
    return "; ".join(f"{p.text} ({p.status.replace('_', ' ')})" for p in perspectives(result))


def affects(term) -> str:
    """Whom a value-balance effect names, in words ('' when it names no one)."""
    return ", ".join(term.affects)


def errors(result: ServiceResult) -> list[str]:
    return [str(e) for e in result.errors] if result.verdict == ERROR else []


def source(result: ServiceResult) -> str:
    return str(result.source) if result.source else ""


def _is_file(name: str) -> bool:
    return not (name.startswith("(") or name == "-")  # "(records)" in memory, "-" standard input


def path_pair(file: str) -> tuple:
    """(shown, full) of a file path: shown relative to the working directory when that is
    shorter, full as an absolute path (for a tooltip). Not a file (records in memory): as given."""
    if not _is_file(file):
        return file, file
    try:
        rel = os.path.relpath(file)
    except ValueError:  # another drive (Windows): no relative path exists
        rel = file
    return min(rel, file, key=len), os.path.abspath(file)


def source_paths(result: ServiceResult, short: bool = False) -> tuple:
    """(shown, full) of where a record is (path_pair with its line); ``short`` shows only the
    file name, for a table column (the header names the catalogs)."""
    src = result.source
    if src is None:
        return "", ""
    shown, full = path_pair(src.file)
    if short and _is_file(src.file):
        shown = os.path.basename(src.file)
    at = f":{src.line}" if src.line is not None else f" record {src.record}"
    return shown + at, full + at
