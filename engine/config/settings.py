"""Every option of every command, once: the settings table.

The table below is the one list: the CLI builds every command's options from
it (engine/config/options.py), the config file and ``VALUATE_*`` variables
are checked against it (with a did-you-mean), ``valuate config show`` prints
it and docs/reference/ is generated from it. Each setting has a kind that
says how a value is read, whether it comes from the command line (already
typed by click), a TOML file (typed by TOML) or the environment (text:
lists are comma-separated, booleans 1/0/true/false/yes/no).

Where a value may come from, by the setting's scope:

- shared (``commands``): one top-level key and one variable for every command
  that takes it: ``fail-on = "never"``, ``VALUATE_FAIL_ON``. These are the run's
  settings (what check judges by and the commands judging as it does);
- a command's own (``own``): a key of that command's table, one value per
  command: ``[serve] port = 9000``, ``[rules-lint] format = "json"``,
  ``VALUATE_SERVE_PORT``, ``VALUATE_RULES_LINT_FORMAT``. The table of
  ``rules lint`` is ``[rules-lint]``, not ``[rules.lint]``: ``rules`` (and
  ``baseline``) are top-level keys already, and TOML cannot make one name
  both a value and a table;
- command line only (``cli_only`` says why): never read from a file or the
  environment.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from ..ingest import READERS
from ..ingest.mapping.facts import FACT_FORMATS
from ..policy.waivers import WAIVER_GATES
from ..levels import FAIL_ON_TARGET
from ..report import FORMATS

CHECK, EXPLAIN, FACTS, DIFF, TUNE, BASELINE = "check", "explain", "facts", "diff", "tune", "baseline create"
SERVE, INIT, CONFIG_SHOW = "serve", "init", "config show"
RULES_LIST, RULES_SHOW, RULES_LINT, RULES_TEST = "rules list", "rules show", "rules lint", "rules test"
RULES_SCHEMA = "rules schema"
# valuate history ...: the run store's commands (engine/history)
HISTORY_LIST, HISTORY_SHOW, HISTORY_TREND = "history list", "history show", "history trend"
HISTORY_PRUNE, HISTORY_EXPORT, HISTORY_MIGRATE = "history prune", "history export", "history migrate"
HISTORY = frozenset({HISTORY_LIST, HISTORY_SHOW, HISTORY_TREND, HISTORY_PRUNE, HISTORY_EXPORT, HISTORY_MIGRATE})
COMMANDS = (CHECK, EXPLAIN, FACTS, BASELINE, CONFIG_SHOW, INIT, RULES_LIST, RULES_SHOW, RULES_LINT, RULES_TEST, RULES_SCHEMA,
            DIFF, TUNE, SERVE, HISTORY_LIST, HISTORY_SHOW, HISTORY_TREND, HISTORY_PRUNE, HISTORY_EXPORT,
            HISTORY_MIGRATE)  # every command that has options
ALL = frozenset(COMMANDS)
JUDGING = frozenset({CHECK, EXPLAIN, DIFF, TUNE, BASELINE})  # commands that evaluate with a policy
SERVING = frozenset({SERVE})  # valuate serve takes the policy settings, a mapping and limits
READING = JUDGING | {FACTS}  # commands that read catalogs
REPORTING = frozenset({CHECK, HISTORY_SHOW})  # commands that write a run's reports
PRINTING = frozenset({EXPLAIN, RULES_LIST, RULES_SHOW, RULES_LINT, RULES_TEST, DIFF, TUNE, HISTORY_LIST,
                      HISTORY_TREND})  # --format text|json
# config show takes check's options too (to show what a command line would change), and its own.
TAKES_ALSO = {CONFIG_SHOW: CHECK}
FAIL_ON = ("never", "not_valuable", "indeterminate")
SARIF_EXTRAS = ("unknown", "met")
COLORS = ("auto", "always", "never")


MAX_JOBS = 256  # worker processes: more would only fork the machine to a halt


@dataclass(frozen=True)
class Setting:
    name: str  # the key in valuate.toml and the long option, without dashes: fail-on
    kind: str  # path | paths | text | texts | choice | choices | bool | int | float | date | pairs
    default: Any
    help: str
    commands: frozenset = frozenset({CHECK})  # the commands reading the top-level key and VALUATE_NAME
    choices: tuple = ()
    short: Optional[str] = None
    metavar: Optional[str] = None
    minimum: Optional[float] = None
    maximum: Optional[float] = None
    own: frozenset = frozenset()  # the commands taking it as their own: [COMMAND] name, VALUATE_COMMAND_NAME
    cli_only: str = ""  # why it is never read from a file or the environment ("": it may be)
    file: bool = False  # names a file, never a directory
    required: bool = False  # the command line must give it (the question the command answers)

    @property
    def dest(self) -> str:
        return self.name.replace("-", "_")

    @property
    def env(self) -> str:
        """The variable of a shared setting (a command's own one: ``variable(command)``)."""
        return "VALUATE_" + self.dest.upper()

    @property
    def multiple(self) -> bool:
        return self.kind in ("paths", "texts", "pairs", "choices")

    @property
    def configurable(self) -> bool:
        return not self.cli_only

    def takes(self, command: str) -> bool:
        return command in self.commands or command in self.own

    def shared_by(self, command: str) -> bool:
        """Whether ``command`` reads the top-level key (not a key of its own table)."""
        return command in self.commands and not self.cli_only

    def variable(self, command: str) -> Optional[str]:
        """The ``VALUATE_*`` variable ``command`` reads it from (None: command line only)."""
        if self.cli_only:
            return None
        return self.env if command in self.commands else f"VALUATE_{table(command).upper().replace('-', '_')}_" \
            f"{self.dest.upper()}"

    def key(self, command: str) -> Optional[str]:
        """Where valuate.toml holds it for ``command``: ``fail-on`` or ``[serve] port``."""
        if self.cli_only:
            return None
        return self.name if command in self.commands else f"[{table(command)}] {self.name}"


def table(command: str) -> str:
    """The valuate.toml table of a command's own settings: [serve], [rules-lint], [baseline-create]."""
    return command.replace(" ", "-")


_OUT = "Write to FILE (atomically) instead of standard output."
SETTINGS = (
    # ---- shared: the run's settings (top-level keys) ------------------------------------------------
    Setting("catalogs", "paths", (), "Catalog files or directories read when the command line names none.",
            READING - {EXPLAIN}),
    Setting("rules", "paths", (), "Rule pack directory or file (repeatable; default: the ITIL 4 pack).",
            JUDGING | SERVING | {RULES_LIST, RULES_SHOW}, short="-r"),
    Setting("profile", "path", None, "Profile YAML: parameter overrides, rules disabled or re-graded.",
            JUDGING | SERVING | {RULES_SHOW}, short="-p"),
    Setting("waivers", "path", None, "Waiver YAML: approved, time-limited exceptions per service.",
            JUDGING | SERVING),
    Setting("targets", "path", None, "Targets YAML: services in scope, the level they should reach, by when "
            "(progress in the reports).", frozenset({CHECK, SERVE})),
    Setting("waiver-warning-days", "int", 30, "Warn about waivers expiring within this many days.",
            frozenset({CHECK, EXPLAIN, BASELINE, SERVE}), minimum=0, own=frozenset({RULES_LINT})),
    Setting("as-of", "date", None, "Evaluation date, YYYY-MM-DD (default: today).", JUDGING | SERVING,
            own=frozenset({RULES_LINT})),
    Setting("set", "pairs", (), "Override a rule-pack parameter for this run (repeatable).",
            JUDGING | SERVING | {RULES_SHOW}, metavar="NAME=VALUE"),
    Setting("limit", "pairs", (), "Change an input limit, e.g. max_record_bytes=8388608 (docs/reference/limits.md).",
            frozenset({CHECK, BASELINE, SERVE}), metavar="NAME=VALUE"),
    Setting("input-format", "choice", None, "Catalog format, when the extension does not say (needed for -).",
            READING, choices=tuple(sorted(READERS))),
    Setting("stdin-filename", "path", None, "The file a catalog on standard input (-) really is: every "
            "report names it and its lines, and its extension tells the format.", READING, metavar="PATH"),
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
    Setting("fail-on-target", "choice", "never", "Exit 1 when a target is missed (its date passed, not "
            "every service in scope at its level), or with 'open' when any is not yet reached.",
            choices=FAIL_ON_TARGET),
    Setting("baseline", "path", None, "Baseline file (valuate baseline create) or a previous JSON report: "
            "report everything, fail only on what is new.", metavar="FILE"),
    Setting("compare", "path", None, "A previous JSON or JSON Lines report, or with a store a stored run "
            "(last, an id, a date): every report also says what changed since (new failures, fixed, still "
            "failing since when, newly waived, still waived, failing again once a waiver ended, added, removed).",
            metavar="FILE|RUN"),
    Setting("store", "text", None, "Run store: check records the run there; history, --compare RUN and serve "
            "read it. sqlite:///FILE (a bare FILE too) or postgresql://USER@HOST/DB.",
            frozenset({CHECK, SERVE}) | HISTORY, metavar="URL"),
    Setting("group-by", "texts", (), "Also group verdicts by this fact path in the board summary of html "
            "and markdown (repeatable; provider and tier always), e.g. owner or lifecycle.", metavar="PATH"),
    Setting("sarif-include", "choices", (), "Also put these in SARIF (default: failed findings only): "
            "unknown, met (comma-separated).", REPORTING, choices=SARIF_EXTRAS, metavar="unknown,met"),
    Setting("include-advisory", "bool", False, "CI formats (github, sarif, junit, gitlab-codequality) and "
            "baselines also hold the findings that cannot fail a job (advisory rules, severities below error).",
            REPORTING | {BASELINE}),
    Setting("quiet", "bool", False, "Text report: only the failing services and the summary.", REPORTING,
            short="-q"),
    Setting("verbose", "bool", False, "Text report: past 50 services, list the valuable ones too (by default "
            "the decisions come first and the valuable services are counted).", short="-v"),
    Setting("width", "int", None, "Text report: wrap lines to this many columns, with a hanging indent "
            "(default: the terminal's width; a file or a pipe is not wrapped).", minimum=40),
    Setting("color", "choice", "auto", "Colour in the text report: auto (on a terminal, unless NO_COLOR "
            "is set), always, never.", REPORTING, choices=COLORS),
    Setting("jobs", "int", None, "Worker processes for evaluation (default: the number of cores).",
            frozenset({CHECK, BASELINE}), short="-j", minimum=1, maximum=MAX_JOBS),
    Setting("suggestions", "bool", True, "Work out (and verify) what would make each failing service pass "
            "(--no-suggestions to skip).", frozenset({CHECK})),
    Setting("debug", "bool", False, "Show tracebacks of internal errors.", ALL),
    # ---- each command's own: [COMMAND] tables --------------------------------------------------------
    Setting("format", "choice", "text", "Print text, or one JSON document.", frozenset(), ("text", "json"),
            short="-f", own=PRINTING),
    Setting("format", "choice", "yaml", "Print the facts as YAML (a catalog valuate check reads as it is) or "
            "JSON.", frozenset(), FACT_FORMATS, short="-f", own=frozenset({FACTS})),
    Setting("output", "path", None, _OUT, frozenset(), short="-o", metavar="FILE", own=frozenset({FACTS, HISTORY_EXPORT}),
            file=True),
    Setting("output", "path", "valuate-baseline.json", "The baseline file to write (atomically). Default: the file "
            "check reads ('baseline' in valuate.toml or VALUATE_BASELINE), else valuate-baseline.json.", frozenset(),
            short="-o", metavar="FILE", own=frozenset({BASELINE}), file=True),
    Setting("json", "bool", False, "Print the settings as JSON.", frozenset(), own=frozenset({CONFIG_SHOW})),
    Setting("pack", "text", "team", "The name of the new pack.", frozenset(), own=frozenset({INIT})),
    Setting("output", "path", None, "The directory to write the schemas to. Default: schemas/ in the (last) "
            "pack's directory.", frozenset(), short="-o", metavar="DIR", own=frozenset({RULES_SCHEMA})),
    Setting("compiled", "bool", False, "Print the durable-rules rules it compiles into, with the ruleset that "
            "holds them.", frozenset(), own=frozenset({RULES_SHOW})),
    Setting("profile", "path", None, "Also check this profile.", frozenset(), short="-p",
            own=frozenset({RULES_LINT}), file=True),
    Setting("waivers", "path", None, "Also check this waiver file.", frozenset(), own=frozenset({RULES_LINT}),
            file=True),
    Setting("cases", "paths", (), "Test case file (repeatable; default: the pack's tests/*.yaml). One PATH only.",
            frozenset(), own=frozenset({RULES_TEST}), file=True),
    Setting("min-coverage", "float", None, "Fail (exit 1) when fewer than N percent of the rules' reachable "
            "statuses are asserted.", frozenset(), minimum=0, maximum=100, own=frozenset({RULES_TEST})),
    Setting("profile", "path", None, "Judge every case under this profile (a case's params refine it).",
            frozenset(), own=frozenset({RULES_TEST}), file=True),
    Setting("rules-of", "texts", (), "Coverage over every rule of this pack (repeatable; default: the rules the "
            "cases target).", frozenset(), metavar="PACK", own=frozenset({RULES_TEST})),
    Setting("fail-on-change", "bool", False, "Exit 1 when any service changed.", frozenset(), own=frozenset({DIFF})),
    Setting("host", "text", "127.0.0.1", "Address to listen on (localhost by default).", frozenset(),
            own=frozenset({SERVE})),
    Setting("port", "int", 8080, "Port to listen on.", frozenset(), minimum=0, maximum=65535, own=frozenset({SERVE})),
    Setting("workers", "int", None, "Evaluation processes, each with its own durable-rules engine (default: the "
            "number of cores).", frozenset(), minimum=1, own=frozenset({SERVE})),
    Setting("token-file", "path", None, "Require 'Authorization: Bearer TOKEN' on /v1/*, TOKEN being this file's "
            "content.", frozenset(), own=frozenset({SERVE}), file=True),
    Setting("decision-log", "path", None, "Append one JSON line per evaluation (request id, rules digest, "
            "verdicts).", frozenset(), own=frozenset({SERVE}), file=True),
    Setting("timeout", "float", 30.0, "Seconds an evaluation may take before the request gets a 504.",
            frozenset(), minimum=0.1, own=frozenset({SERVE})),
    Setting("max-pending", "int", None, "Requests evaluated at once at most; beyond, 503 (default: 4 per worker).",
            frozenset(), minimum=1, own=frozenset({SERVE})),
    Setting("max-services", "int", 10_000, "Services (or export records) in one request at most; beyond, 413.",
            frozenset(), minimum=1, own=frozenset({SERVE})),
    Setting("max-body-bytes", "int", 8 << 20, "Bytes in one request body at most, checked while it arrives; "
            "beyond, 413.", frozenset(), minimum=1, own=frozenset({SERVE})),
    Setting("read-timeout", "float", 10.0, "Seconds a request's head, then its body, may take to arrive; beyond, "
            "408.", frozenset(), minimum=0.1, own=frozenset({SERVE})),
    Setting("max-connections", "int", 256, "Open connections at most; one more is answered 503 and closed.",
            frozenset(), minimum=1, own=frozenset({SERVE})),
    Setting("last", "int", None, "Only the last N runs.", frozenset(), minimum=1, metavar="N",
            own=frozenset({HISTORY_LIST})),
    Setting("last", "int", 12, "The last N runs.", frozenset(), minimum=1, metavar="N", own=frozenset({HISTORY_TREND})),
    # ---- command line only: cli_only says why ------------------------------------------------------
    Setting("config", "path", None, "Read settings from FILE instead of the nearest valuate.toml or "
            "pyproject.toml [tool.valuate].", ALL, metavar="FILE", file=True,
            cli_only="it chooses the file the others come from (its variable is VALUATE_CONFIG)"),
    Setting("no-config", "bool", False, "Ignore valuate.toml and [tool.valuate].", ALL,
            cli_only="it says not to read the file"),
    Setting("watch", "bool", False, "Run again whenever one of the files read changes (Ctrl-C stops).",
            frozenset({CHECK, RULES_TEST}),
            cli_only="a run that never ends: a CI job given it by a file or variable would never finish"),
    Setting("force", "bool", False, "Overwrite files that exist.", frozenset({INIT}),
            cli_only="overwriting a team's files is decided at the keyboard each time, never by a file"),
    Setting("rule", "text", None, "Print only this rule's finding and tree.", frozenset({EXPLAIN}), metavar="RULE",
            cli_only="part of the question, like the service id"),
    Setting("base", "texts", (), "The base side: packs and/or a profile, joined with + or repeated (default: "
            "--rules as is).", frozenset({DIFF}), metavar="PACKS+PROFILE", cli_only="the sides compared are the question"),
    Setting("head", "texts", (), "The head side: packs and/or a profile, joined with + or repeated (default: "
            "--rules as is).", frozenset({DIFF}), metavar="PACKS+PROFILE", cli_only="the sides compared are the question"),
    Setting("head-as-of", "date", None, "Judge the head side as of DATE: what flips when rules come into force.",
            frozenset({DIFF}), metavar="DATE", cli_only="the day compared is part of the question"),
    Setting("param", "text", None, "The parameter to try (name or pack.name).", frozenset({TUNE}), metavar="NAME",
            required=True, cli_only="the parameter tried is the question"),
    Setting("values", "text", None, "Comma-separated values to try; START..END:STEP is a range in exact decimal "
            "steps (99.9..99.99:0.01; 1..4 for whole numbers); a list parameter's as [a,b] "
            "(value_perspectives: '[user],[user,sponsor]').", frozenset({TUNE}), metavar="V1,V2,...",
            required=True, cli_only="the values tried are the question"),
    Setting("case", "text", None, "Sweep only this case of a fact-dependent parameter: its 'when' as YAML "
            "('{fact: tier, eq: 1}') or 'default'.", frozenset({TUNE}), metavar="WHEN",
            cli_only="the case swept is part of the question"),
    Setting("service", "text", None, "One service's timeline: verdict, criteria, failing findings and since when.",
            frozenset({HISTORY_TREND}), metavar="ID", cli_only="the service asked about is the question"),
    Setting("criterion", "text", None, "Counts of one criterion or warranty dimension (utility, warranty, value, "
            "availability, ...) instead of verdicts.", frozenset({HISTORY_TREND}), metavar="C",
            cli_only="the criterion asked about is the question"),
    Setting("keep", "int", None, "Keep the last N runs.", frozenset({HISTORY_PRUNE}), minimum=0, metavar="N",
            cli_only="removing runs is decided at the keyboard each time, never by a file"),
    Setting("before", "date", None, "Remove the runs evaluated before this date.", frozenset({HISTORY_PRUNE}),
            cli_only="removing runs is decided at the keyboard each time, never by a file"),
)
BY_NAME = {s.dest: s for s in SETTINGS if s.commands and s.configurable}  # the shared settings (top-level keys)


def for_command(command: str) -> tuple:
    """The settings ``command`` takes, in the table's order (config show: check's too, but not its
    command-line-only ones)."""
    also = TAKES_ALSO.get(command)
    return tuple(s for s in SETTINGS if s.takes(command) or (also and s.takes(also) and s.configurable))


def scope(s: Setting, command: str) -> str:
    """The command whose key and variable ``s`` is read from when ``command`` runs (config show
    reads check's settings as check does)."""
    return command if s.takes(command) else TAKES_ALSO.get(command, command)


def own_settings(command: str) -> tuple:
    """The settings ``command`` reads from its own table: [serve] port, [rules-lint] format."""
    return tuple(s for s in SETTINGS if command in s.own and s.configurable)


def shared_settings() -> tuple:
    return tuple(BY_NAME.values())


TABLES = {table(c): c for c in COMMANDS if own_settings(c)}  # valuate.toml table -> command


def variables() -> dict:
    """Every ``VALUATE_*`` variable a setting is read from -> (command or None when shared, setting)."""
    out = {s.env: (None, s) for s in shared_settings()}
    for command in TABLES.values():
        out.update({s.variable(command): (command, s) for s in own_settings(command)})
    return out


def command_line_only() -> dict:
    """Variables that look like a setting's but are never read -> the setting (for a warning)."""
    out = {}
    for s in SETTINGS:
        if s.cli_only:
            for command in sorted(s.commands):
                out[f"VALUATE_{s.dest.upper()}"] = s
                out[f"VALUATE_{table(command).upper().replace('-', '_')}_{s.dest.upper()}"] = s
    out.pop("VALUATE_CONFIG", None)  # --config's variable: read by engine/config/sources.py
    return out
