"""Settings for a command: command line > environment > config file > default.

    resolved = resolve("check", {"fail_on": "never"})      # what the command line gave
    request = resolved.request(conditions=False)           # a typed engine.request.RunRequest

Every value remembers where it came from (``origins``), which is what
``valuate config show`` prints. A list given at one level replaces the
levels below it (it is not merged). Unknown keys in a file are errors with a
did-you-mean; unknown ``VALUATE_*`` variables close to a setting's name are
warnings (other tools may own other ``VALUATE_`` names).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Optional

import yaml

from ..errors import UserError
from ..history.names import is_run_name, sqlite_file
from ..ingest import expand_catalogs
from ..limits import DEFAULT as DEFAULT_LIMITS
from ..stdio import DASH
from ..request import Inputs, Policy, RunOptions, RunRequest
from . import sources
from .settings import BY_NAME, SETTINGS, Setting, for_command, scope
from .values import parse

COMMAND_LINE, DEFAULT = "command line", "default"
CHECK_COMMAND = "check"


@dataclass(frozen=True)
class Resolved:
    command: str
    values: Mapping  # setting dest -> typed value
    origins: Mapping  # setting dest -> command line | environment VALUATE_X | file:line | default
    file: Optional[Path] = None
    warnings: tuple = field(default=())
    settings: tuple = field(default=())  # the Settings resolved, in the table's order

    def __getitem__(self, dest: str) -> Any:
        return self.values[dest]

    def policy(self) -> Policy:
        limits = dict((k, scalar(v, f"--limit {k}")) for k, v in self.values.get("limit", ()))
        return Policy(rules=tuple(self.values.get("rules", ())),
                      params={k: parameter_value(v, f"--set {k}") for k, v in self.values.get("set", ())},
                      profile=self.values.get("profile"), waivers=self.values.get("waivers"),
                      targets=self.values.get("targets"),
                      waiver_warning_days=self.values.get("waiver_warning_days", 30),
                      as_of=self.values.get("as_of"),
                      limits=DEFAULT_LIMITS.with_overrides(limits) if limits else DEFAULT_LIMITS)

    def inputs(self, catalogs: Optional[tuple] = None) -> Inputs:
        """The inputs: ``catalogs`` (explain's one) or the setting; ``-`` and directories expanded."""
        catalogs = tuple(catalogs if catalogs is not None else self.values.get("catalogs", ()))
        if not catalogs:
            raise UserError(f"{self.command} needs a CATALOG (a file, a directory, or - for standard input), "
                            "or 'catalogs' in the config file")
        named = self.values.get("stdin_filename") if DASH in map(str, catalogs) else None
        return Inputs(catalogs=expand_catalogs(catalogs, named), input_format=self.values.get("input_format"),
                      mapping=self.values.get("mapping"), joins=tuple(self.values.get("join", ())),
                      stdin_name=named)

    def request(self, conditions: bool = False, catalogs: Optional[tuple] = None, jobs: int = 1,
                **options) -> RunRequest:
        """The typed request; ``jobs`` is used when the settings give none, ``options`` override."""
        given = {"conditions": conditions, "suggest": self.values.get("suggestions", True),
                 "jobs": self.values.get("jobs") or jobs, "strict": self.values.get("strict", False),
                 "baseline": self.values.get("baseline"), "compare": self.values.get("compare"),
                 "group_by": tuple(self.values.get("group_by") or ())}
        return RunRequest(self.policy(), self.inputs(catalogs), RunOptions(**{**given, **options}))

    def files_read(self) -> list:
        """Every file the settings name for reading: ``--output`` may replace none of them."""
        named = list(self.values.get("catalogs", ())) + list(self.values.get("rules", ()))
        named += [self.values[k] for k in ("profile", "waivers", "targets", "mapping", "baseline", "compare")
                  if self.values.get(k)]
        store = sqlite_file(self.values.get("store"))  # a report must never replace the run store
        if store is not None:
            named.append(store)
        named += [j.partition("=")[2] for j in self.values.get("join", ())]
        if self.values.get("stdin_filename") and DASH in map(str, self.values.get("catalogs", ())):
            named.append(self.values["stdin_filename"])  # standard input stands for it: no report replaces it
        return named

    def files_changed_by_run(self) -> list:
        """The files a run itself changes (besides its reports): the run store's SQLite file.
        ``--watch`` never takes a change of one for an edit (it would start the next run)."""
        store = sqlite_file(self.values.get("store"))
        return [store] if store is not None else []

    def rows(self) -> list:
        """(setting, value, origin) for ``config show``, in the table's order: the settings a file
        or a variable may set (not the command-line-only ones)."""
        return [(s, self.values[s.dest], self.origins[s.dest]) for s in self.settings if s.configurable]


@dataclass(frozen=True)
class Sources:
    """What the environment and the config file hold, read once; ``resolve`` per command."""

    file: Optional[sources.ConfigFile]
    env: Mapping  # VALUATE_* variable -> text, for the settings' variables only
    warnings: tuple = ()

    def resolve(self, command: str, explicit: Mapping, rows: Optional[tuple] = None) -> Resolved:
        """``command``'s settings (or only ``rows`` of them): ``explicit`` holds what its command
        line gave (dest -> value), over the environment, the file and the defaults."""
        values, origins, rows = {}, {}, for_command(command) if rows is None else rows
        for s in rows:
            values[s.dest], origins[s.dest] = self.value(s, scope(s, command), explicit)
        return Resolved(command, values, origins, self.file.path if self.file else None, self.warnings, rows)

    def value(self, s: Setting, command: str, explicit: Mapping) -> tuple:
        """(value, origin) of ``s`` when ``command`` runs."""
        if s.dest in explicit:
            return parse(s, explicit[s.dest], COMMAND_LINE), COMMAND_LINE
        if not s.configurable:
            return s.default, DEFAULT
        variable = s.variable(command)
        if variable in self.env:
            return parse(s, self.env[variable], variable), f"environment {variable}"
        if self.file is None:
            return s.default, DEFAULT
        own = None if s.shared_by(command) else command
        held = self.file.values if own is None else self.file.tables.get(own, {})
        if s.dest in held:
            where = self.file.where(s.dest, own)
            return _rebased(s, parse(s, held[s.dest], where), self.file.path.parent), where
        return s.default, DEFAULT


def read_sources(config: Optional[str] = None, no_config: bool = False, env: Optional[Mapping] = None,
                 cwd: Optional[Path] = None) -> Sources:
    env = os.environ if env is None else env
    found = sources.find(config, no_config, env, cwd or Path.cwd())
    from_env, warnings = sources.environment(env)
    return Sources(found, from_env, tuple(warnings))


def resolve(command: str, explicit: Mapping, config: Optional[str] = None, no_config: bool = False,
            env: Optional[Mapping] = None, cwd: Optional[Path] = None) -> Resolved:
    """The settings of ``command``: ``explicit`` holds what its command line gave (dest -> value),
    --config and --no-config among them (or given as ``config`` and ``no_config``)."""
    config = explicit.get("config") or config
    no_config = bool(explicit.get("no_config")) or no_config
    return read_sources(config, no_config, env, cwd).resolve(command, explicit)


DEFAULT_BASELINE = "valuate-baseline.json"


def baseline_file(given: Optional[str], config: Optional[str] = None, no_config: bool = False,
                  env: Optional[Mapping] = None) -> tuple:
    """(the file ``baseline create`` writes, where that came from): ``-o``, else the baseline
    ``check`` reads (``baseline`` in the config file, ``VALUATE_BASELINE``), else the default,
    so that the next ``check`` finds what was written."""
    if given is not None:
        return given, COMMAND_LINE
    resolved = resolve(CHECK_COMMAND, {}, config, no_config, env)
    if resolved["baseline"] is not None:
        return resolved["baseline"], resolved.origins["baseline"]
    return DEFAULT_BASELINE, DEFAULT


def scalar(value: Any, what: str) -> Any:
    """A NAME=VALUE value given as text is read as one YAML scalar (0.2, 365, true, a date,
    text); what does not parse, or is a list or a mapping, is a UserError naming ``what``."""
    if not isinstance(value, str) or not value.strip():
        return value
    try:
        read = yaml.safe_load(value)
    except (yaml.YAMLError, ValueError, OverflowError) as err:  # [unclosed; !!int abc; 2026-02-30
        problem = " ".join(str(getattr(err, "problem", None) or err).split())
        raise UserError(f"{what}: cannot read the value {value!r} ({problem}); quote text, or give a number, "
                        "true/false or a date") from None
    if isinstance(read, (list, dict)):
        raise UserError(f"{what}: expected one value (a number, true/false, a date or text), got {value!r}")
    return read


def parameter_value(value: Any, what: str) -> Any:
    """A parameter's value given as text: one YAML scalar (``scalar``), or a flow list of them
    for a list parameter (``value_perspectives=[customer, user]``; ``[]`` is the empty list)."""
    text = value.strip() if isinstance(value, str) else None
    if not text or not text.startswith("["):
        return scalar(value, what)
    try:
        read = yaml.safe_load(text)
    except (yaml.YAMLError, ValueError, OverflowError) as err:
        problem = " ".join(str(getattr(err, "problem", None) or err).split())
        raise UserError(f"{what}: cannot read the value {value!r} as a list ({problem}); "
                        "write a list as [a, b]") from None
    if not isinstance(read, list) or any(isinstance(v, (list, dict)) for v in read):
        raise UserError(f"{what}: expected a list of names such as [customer, user], got {value!r}")
    return read


def _rebased(s: Setting, value: Any, base: Path) -> Any:
    """Paths written in a config file are relative to its directory."""
    if s.dest == "compare" and is_run_name(value):  # a stored run (compare = "last"), not a file
        return value
    if s.dest == "store":
        path = sqlite_file(value)
        return value if path is None or path == ":memory:" else value.replace(path, _under(base, path), 1)
    if s.kind == "path":
        return _under(base, value)
    if s.kind == "paths":
        return tuple(_under(base, v) for v in value)
    if s.dest == "mapping":
        return _under(base, value) if _is_file_like(value, base) else value
    if s.dest == "join":
        return tuple(_join_under(base, v) for v in value)
    if s.dest == "format" and s.kind == "texts":  # check's FMT:FILE (a command's own format is a word)
        return tuple(_format_under(base, v) for v in value)
    return value


def _under(base: Path, value: str) -> str:
    if value == "-" or Path(value).is_absolute():
        return value
    return os.path.normpath(os.path.relpath(base / value) if _inside(base) else str(base / value))


def _inside(base: Path) -> bool:
    try:
        base.resolve().relative_to(Path.cwd().resolve())
        return True
    except ValueError:
        return False


def _is_file_like(value: str, base: Path) -> bool:
    return "/" in value or value.endswith((".yaml", ".yml")) or (base / value).exists()


def _join_under(base: Path, value: str) -> str:
    mapping, sep, file = value.partition("=")
    if not sep:
        return value
    mapping = _under(base, mapping) if _is_file_like(mapping, base) else mapping
    return f"{mapping}={_under(base, file)}"


def _format_under(base: Path, value: str) -> str:
    fmt, sep, file = value.partition(":")
    return f"{fmt}:{_under(base, file)}" if sep and file else value


__all__ = ["Resolved", "Sources", "read_sources", "resolve", "baseline_file", "scalar", "parameter_value", "SETTINGS", "BY_NAME", "Setting", "for_command", "COMMAND_LINE", "DEFAULT"]
