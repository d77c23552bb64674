"""What changed since the last review (``check --compare``), in the words every format shares.

The comparison record (engine/model/compare.py) counts every failing
finding, advisory ones too, as a program wants them. A review board reads
the findings that decide verdicts: this module picks those out and groups
them the same way for the text, Markdown, HTML, JUnit and GitHub reports:
services newly failing, failing again (their waiver expired or was
removed), fixed (no longer failing at all), failing for other values (same
rule, other recorded facts), newly waived, added, removed (not in this
review), and, with the date each first failed, still failing (not met),
still waiting for data (unknown), still invalid and still waived.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ..model import ERROR, NOT_MET, UNKNOWN, VALUABLE, Comparison, ServiceDelta

SHOWN = 20  # services listed per group in line-based formats; the JSON report has them all
WORDS = {"valuable": "valuable", "not_valuable": "not valuable", "indeterminate": "indeterminate",
         "error": "error", None: "not in the last review"}
GONE = "not in this review"  # the verdict now of a service the earlier report had
WAIVED_WORDS = "valuable (waived)"  # valuable only under a waiver: its own count, never "valuable"


@dataclass(frozen=True)
class Change:
    """One service in one group: its verdict then and now and the deciding rules concerned."""

    id: str
    name: Optional[str]
    then: Optional[str]
    now: Optional[str]
    rules: tuple = ()  # (rule, text, since): the finding's message (then -> now for other values)
    waived: tuple = (False, False)  # (then, now): valuable only under a waiver

    @property
    def verdict(self) -> str:
        """'valuable (waived) → not valuable', or the one verdict when it did not change."""
        then = WAIVED_WORDS if self.waived[0] else WORDS[self.then]
        now = WAIVED_WORDS if self.waived[1] else WORDS[self.now] if self.now is not None else GONE
        return now if then == now else f"{then} → {now}"

    @property
    def title(self) -> str:
        return self.id + (f" — {self.name}" if self.name and self.name != self.id else "")


# (key, heading) in the order every format shows the groups
GROUPS = (("new", "Newly failing"), ("waiver_ended", "Failing again (waiver expired or removed)"),
          ("fixed", "Fixed"), ("changed", "Failing for other values"), ("newly_waived", "Newly waived"),
          ("added", "Added"), ("removed", "Removed"), ("still", "Still failing"),
          ("still_waiting", "Still waiting for data"), ("still_invalid", "Still invalid"),
          ("still_waived", "Still waived"))
STILL = {"still": NOT_MET, "still_waiting": UNKNOWN, "still_invalid": ERROR}  # the status each lists


def _waived(d: ServiceDelta, key: str) -> list:
    """(rule, 'message (waived until ...)', since) of the deciding findings of a waiver group."""
    return [(b.rule, f"{b.message} ({b.waiver_words})", d.since(b.rule)) for _, b in getattr(d, key) if b.counts]


def _rules(d: ServiceDelta, key: str) -> list:
    """(rule, text, since) of the deciding findings of one delta in one group."""
    if key in ("new", "fixed"):
        return [(m.rule, m.message, m.since) for m in getattr(d, key) if m.counts]
    if key == "changed":
        return [(b.rule, f"{a.message} → {b.message}", a.since or b.since) for a, b in d.changed if b.counts]
    if key in STILL:
        return [(b.rule, b.message, a.since or b.since) for a, b in d.still_with(STILL[key])]
    return _waived(d, key)


def groups(c: Comparison) -> list[tuple[str, str, list]]:
    """(key, heading, [Change]) for each group, empty groups included (so counts read 0)."""
    moved = [d for d in c.changes if not d.added]
    found = {key: [_change(d, _rules(d, key)) for d in moved]
             for key in ("new", "waiver_ended", "fixed", "changed", "newly_waived")}
    found["added"] = [_change(d, _rules(d, "new") + _rules(d, "newly_waived"), keep=True) for d in c.added]
    found["removed"] = [Change(s.id, s.name, s.verdict, None, tuple((m.rule, m.message, m.since)
                                                                    for m in s.findings if m.counts))
                        for s in c.removed]
    for key in (*STILL, "still_waived"):
        found[key] = [_change(d, _rules(d, key)) for d in (*c.changes, *c.persisting)]
    return [(key, heading, [ch for ch in found[key] if ch is not None]) for key, heading in GROUPS]


def _change(d: ServiceDelta, rules: list, keep: bool = False) -> Optional[Change]:
    if not rules and not keep:
        return None
    return Change(d.id, d.name, d.verdict[0], d.verdict[1], tuple(rules), d.valuable_waived)


def headline(c: Comparison) -> str:
    """One line: the file compared with, its date, and how many services are in each group."""
    counts = ", ".join(f"{len(items)} {heading.lower()}" for _, heading, items in groups(c))
    then = f", as of {c.then}" if c.then else ""
    return f"since the last review ({c.previous}{then}): {counts}"


def verdict_rows(c: Comparison) -> list:
    """(words, then, now) per verdict; valuable only under a waiver apart from valuable outright
    when either review had any (waived is its own count, never counted as met)."""
    then_w, now_w = c.valuable_waived
    rows = []
    for v, a, b in c.verdicts:
        if v == VALUABLE and (then_w or now_w):
            rows += [(WORDS[v], a - then_w, b - now_w), (WAIVED_WORDS, then_w, now_w)]
        else:
            rows.append((WORDS[v], a, b))
    return rows


def verdict_line(c: Comparison) -> str:
    return "verdicts then → now: " + ", ".join(f"{word} {a} → {b}" for word, a, b in verdict_rows(c))


def rules_text(change: Change, since_only: bool = False) -> str:
    """'WAR-001 measured availability ...' joined with '; '; ``since_only`` (still failing, whose
    messages the service's own lines give): 'WAR-001 since 2026-10-01'."""
    if since_only:
        return "; ".join(f"{rule} since {since}" if since else rule for rule, _, since in change.rules)
    return "; ".join(f"{rule} {text}" for rule, text, _ in change.rules)


def lines(c: Comparison) -> list[str]:
    """The comparison as plain lines (text and JUnit): the headline, verdicts, then each group."""
    out = [headline(c), f"  {verdict_line(c)}"]
    for key, heading, items in groups(c):
        for ch in items[:SHOWN]:
            detail = rules_text(ch, since_only=key.startswith("still"))
            out.append(f"  {heading.lower()}: {ch.title} ({ch.verdict})" + (f": {detail}" if detail else ""))
        if len(items) > SHOWN:
            out.append(f"  {heading.lower()}: ... and {len(items) - SHOWN} more (the JSON report lists them all)")
    return out


def service_note(d: Optional[ServiceDelta]) -> str:
    """What changed for one service, in a few words ('' when nothing did)."""
    if d is None:
        return ""
    if d.added:
        return "new since the last review"
    parts = []
    if d.verdict[0] != d.verdict[1]:
        parts.append(f"was {WORDS[d.verdict[0]]}")
    for word, marks in (("newly failing", [m.rule for m in d.new if m.counts]),
                        ("failing again, waiver ended", [b.rule for _, b in d.waiver_ended if b.counts]),
                        ("fixed", [m.rule for m in d.fixed if m.counts]),
                        ("other values", [b.rule for _, b in d.changed if b.counts]),
                        ("newly waived", [b.rule for _, b in d.newly_waived if b.counts])):
        if marks:
            parts.append(f"{word}: {', '.join(marks)}")
    since = d.first_failed()
    if since and d.failing_still:
        parts.append(f"failing since {since}")
    return "; ".join(parts)
