"""The words of the result model: statuses, verdicts, criteria, and how a value reads."""
from __future__ import annotations

from typing import Any

MET, NOT_MET, UNKNOWN = "met", "not_met", "unknown"
STATUSES = (MET, NOT_MET, UNKNOWN)  # what a criterion or a condition can be
# A rule that declares when it applies (applies_when) and does not apply to a
# service: never counted towards a criterion, so it never changes a verdict.
NOT_APPLICABLE = "not_applicable"
FINDING_STATUSES = STATUSES + (NOT_APPLICABLE,)
FAILING = (NOT_MET, UNKNOWN)
# A criterion or warranty dimension met only because an active waiver covers a
# failing finding of it. Reports for people count it apart from met wherever
# they count met ("10 met · 1 waived"); the JSON keeps the status met, and the
# waived findings say so.
WAIVED = "waived"
VALUABLE, NOT_VALUABLE, INDETERMINATE, ERROR = "valuable", "not_valuable", "indeterminate", "error"
VERDICTS = (VALUABLE, NOT_VALUABLE, INDETERMINATE, ERROR)
CRITERIA = ("utility", "warranty", "value")
DIMENSIONS = ("availability", "capacity", "security", "continuity")


def counted(n: int, word: str, many: str = "") -> str:
    """A count in words: '1 verdict', '2 verdicts', '1 entry', '3 entries' (``many``: the
    plural when it is not the word and an s)."""
    return f"{n:,} {word if n == 1 else many or word + 's'}"


def format_value(value: Any) -> str:
    """How a value reads in a message: 99.95, 0.1, 3 items joined, 'not recorded'."""
    if value is None:
        return "(not recorded)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if value == int(value) and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.6g}" if abs(value) < 1e6 else f"{value:,.2f}"
    if isinstance(value, (list, tuple)):
        if not value:  # recorded as none: never "(none)", which reads as a slot left empty
            return "no entries"
        return ", ".join(format_value(v) for v in value)
    return str(value)
