"""Every setting of ``valuate check`` (and the commands sharing its options), once.

The table below is the one list: the CLI builds its options from it, the
config file and ``VALUATE_*`` variables are checked against it (with a
did-you-mean), and ``valuate config show`` prints it. Each setting has a
kind that says how a value is read, whether it comes from the command line
(already typed by click), a TOML file (typed by TOML) or the environment
(text: lists are comma-separated, booleans 1/0/true/false/yes/no).
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Any, Optional

from ..errors import Location, UserError, did_you_mean
from ..ingest import READERS
from ..policy.waivers import WAIVER_GATES
from ..report import FORMATS

CHECK, EXPLAIN, FACTS, DIFF, TUNE, BASELINE = "check", "explain", "facts", "diff", "tune", "baseline create"
SERVE = "serve"
# valuate history ...: the run store's commands (engine/history)
HISTORY_LIST, HISTORY_SHOW, HISTORY_TREND = "history list", "history show", "history trend"
HISTORY_PRUNE, HISTORY_EXPORT, HISTORY_MIGRATE = "history prune", "history export", "history migrate"
HISTORY = frozenset({HISTORY_LIST, HISTORY_SHOW, HISTORY_TREND, HISTORY_PRUNE, HISTORY_EXPORT, HISTORY_MIGRATE})
RULES_SHOW = "rules show"
JUDGING = frozenset({CHECK, EXPLAIN, DIFF, TUNE, BASELINE})  # commands that evaluate with a policy
SERVING = frozenset({SERVE})  # valuate serve takes the policy settings, a mapping and limits
READING = JUDGING | {FACTS}  # commands that read catalogs
REPORTING = frozenset({CHECK, HISTORY_SHOW})  # commands that write a run's reports
FAIL_ON = ("never", "not_valuable", "indeterminate")
SARIF_EXTRAS = ("unknown", "met")
COLORS = ("auto", "always", "never")


@dataclass(frozen=True)
class Setting:
    name: str  # the key in valuate.toml and the long option, without dashes: fail-on
    kind: str  # path | paths | text | texts | choice | choices | bool | int | date | pairs
    default: Any
    help: str
    commands: frozenset = frozenset({CHECK})
    choices: tuple = ()
    short: Optional[str] = None
    metavar: Optional[str] = None
    minimum: Optional[int] = None

    @property
    def dest(self) -> str:
        return self.name.replace("-", "_")

    @property
    def env(self) -> str:
        return "VALUATE_" + self.dest.upper()

    @property
    def multiple(self) -> bool:
        return self.kind in ("paths", "texts", "pairs", "choices")


SETTINGS = (
    Setting("catalogs", "paths", (), "Catalog files or directories read when the command line names none.",
            READING - {EXPLAIN}),
    Setting("rules", "paths", (), "Rule pack directory or file (repeatable; default: the ITIL 4 pack).",
            JUDGING | SERVING | {"rules list", RULES_SHOW}, short="-r"),
    Setting("profile", "path", None, "Profile YAML: parameter overrides, rules disabled or re-graded.",
            JUDGING | SERVING | {RULES_SHOW}, short="-p"),
    Setting("waivers", "path", None, "Waiver YAML: approved, time-limited exceptions per service.",
            JUDGING | SERVING),
    Setting("waiver-warning-days", "int", 30, "Warn about waivers expiring within this many days.",
            frozenset({CHECK, EXPLAIN, BASELINE, SERVE}), minimum=0),
    Setting("as-of", "date", None, "Evaluation date, YYYY-MM-DD (default: today).", JUDGING | SERVING),
    Setting("set", "pairs", (), "Override a rule-pack parameter for this run (repeatable).",
            JUDGING | SERVING | {RULES_SHOW}, metavar="NAME=VALUE"),
    Setting("limit", "pairs", (), "Change an input limit, e.g. max_record_bytes=8388608 (docs/reference/limits.md).",
            frozenset({CHECK, BASELINE, SERVE}), metavar="NAME=VALUE"),
    Setting("input-format", "choice", None, "Catalog format, when the extension does not say (needed for -).",
            READING, choices=tuple(sorted(READERS))),
    Setting("mapping", "text", None, "Read a raw export through a mapping: a preset name "
            "(facts/mappings/NAME.yaml) or a mapping file.", READING | SERVING, short="-m", metavar="PRESET|FILE"),
    Setting("join", "texts", (), "Merge another export (read with MAPPING) into the services by id (repeatable).",
            READING, metavar="MAPPING=FILE"),
    Setting("strict", "bool", False, "Unknown keys in canonical records are errors (default: warnings).",
            frozenset({CHECK, BASELINE})),
    Setting("format", "texts", ("text",), "Output format, FMT or FMT:FILE (repeatable: one run writes "
            f"each; FILE '-' is standard output). FMT: {', '.join(FORMATS)}.", REPORTING, short="-f",
            metavar="FMT[:FILE]"),
    Setting("output", "path", None, "Write the report of a --format without FILE here ('-': standard "
            "output), atomically.", REPORTING, short="-o", metavar="FILE"),
    Setting("fail-on", "choice", "not_valuable", "Exit 1 when a service's verdict is at or above this level "
            "(error counts highest); with --baseline, only for findings not in the baseline.", REPORTING,
            choices=FAIL_ON),
    Setting("fail-on-waiver", "choices", (), "Also exit 1 when a waiver has expired or waived nothing "
            "(comma-separated).", choices=WAIVER_GATES, metavar="expired,unused"),
    Setting("baseline", "path", None, "Baseline file (valuate baseline create) or a previous JSON report: "
            "report everything, fail only on what is new.", metavar="FILE"),
    Setting("compare", "path", None, "A previous JSON or JSON Lines report, or with a store a stored run "
            "(last, an id, a date): every report also says what changed since (new failures, fixed, still "
            "failing since when, added, removed).", metavar="FILE|RUN"),
    Setting("store", "text", None, "Run store: check records the run there; history, --compare RUN and serve "
            "read it. sqlite:///FILE (a bare FILE too) or postgresql://USER@HOST/DB.",
            frozenset({CHECK, SERVE}) | HISTORY, metavar="URL"),
    Setting("group-by", "texts", (), "Also group verdicts by this fact path in the board summary of html "
            "and markdown (repeatable; provider and tier always), e.g. owner or lifecycle.", metavar="PATH"),
    Setting("sarif-include", "choices", (), "Also put these in SARIF (default: failed findings only): "
            "unknown, met (comma-separated).", REPORTING, choices=SARIF_EXTRAS, metavar="unknown,met"),
    Setting("quiet", "bool", False, "Text report: only the failing services and the summary.", REPORTING,
            short="-q"),
    Setting("color", "choice", "auto", "Colour in the text report: auto (on a terminal, unless NO_COLOR "
            "is set), always, never.", REPORTING, choices=COLORS),
    Setting("jobs", "int", None, "Worker processes for evaluation (default: the number of cores).",
            frozenset({CHECK, BASELINE}), short="-j", minimum=1),
    Setting("suggestions", "bool", True, "Work out (and verify) what would make each failing service pass "
            "(--no-suggestions to skip).", frozenset({CHECK})),
    Setting("debug", "bool", False, "Show tracebacks of internal errors.", READING | SERVING | HISTORY | {RULES_SHOW}),
)
BY_NAME = {s.dest: s for s in SETTINGS}


def for_command(command: str) -> tuple:
    return tuple(s for s in SETTINGS if command in s.commands)


def parse(setting: Setting, value: Any, where: str) -> Any:
    """``value`` as the setting's type; a UserError naming ``where`` (file:line or variable) otherwise."""
    try:
        return _PARSERS[setting.kind](setting, value)
    except ValueError as err:
        raise UserError(f"{setting.name}: {err}", _location(where)) from None


def _location(where: str):
    file, _, line = where.rpartition(":")
    if file and line.isdigit():
        return Location(file=file, line=int(line))
    return Location(file=where)


def _text(s: Setting, v: Any) -> str:
    if not isinstance(v, str):
        raise ValueError(f"expected text, got {type(v).__name__} {v!r}")
    return v


def _texts(s: Setting, v: Any) -> tuple:
    if isinstance(v, str):
        v = [part.strip() for part in v.split(",") if part.strip()]
    if not isinstance(v, (list, tuple)):
        raise ValueError(f"expected a list of text, got {type(v).__name__} {v!r}")
    return tuple(_text(s, item) for item in v)


def _choice(s: Setting, v: Any) -> str:
    if v not in s.choices:
        raise ValueError(f"expected one of {', '.join(s.choices)}, got {v!r}"
                         f"{did_you_mean(str(v), list(s.choices))}")
    return v


def _choices(s: Setting, v: Any) -> tuple:
    items = [part.strip() for item in _texts(s, v) for part in item.split(",") if part.strip()]
    return tuple(dict.fromkeys(_choice(s, item) for item in items))


def _bool(s: Setting, v: Any) -> bool:
    if isinstance(v, bool):
        return v
    words = {"1": True, "true": True, "yes": True, "on": True, "0": False, "false": False, "no": False, "off": False}
    if isinstance(v, str) and v.strip().lower() in words:
        return words[v.strip().lower()]
    raise ValueError(f"expected true or false, got {v!r}")


def _int(s: Setting, v: Any) -> int:
    if isinstance(v, str) and v.strip().lstrip("-").isdigit():
        v = int(v)
    if isinstance(v, bool) or not isinstance(v, int):
        raise ValueError(f"expected a whole number, got {v!r}")
    if s.minimum is not None and v < s.minimum:
        raise ValueError(f"expected at least {s.minimum}, got {v}")
    return v


def _date(s: Setting, v: Any) -> _dt.date:
    if isinstance(v, _dt.datetime):
        return v.date()
    if isinstance(v, _dt.date):
        return v
    try:
        return _dt.date.fromisoformat(str(v))
    except ValueError:
        raise ValueError(f"{v!r} is not a date in the form YYYY-MM-DD") from None


def _pairs(s: Setting, v: Any) -> tuple:
    """NAME=VALUE items; a TOML table {name = value} keeps its values' types."""
    if isinstance(v, dict):
        return tuple((str(k), item) for k, item in v.items())
    out = []
    for item in _texts(s, v):
        name, sep, raw = item.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"expected NAME=VALUE, got {item!r}")
        out.append((name.strip(), raw))
    return tuple(out)


_PARSERS = {"path": _text, "paths": _texts, "text": _text, "texts": _texts, "choice": _choice,
            "choices": _choices, "bool": _bool, "int": _int, "date": _date, "pairs": _pairs}
