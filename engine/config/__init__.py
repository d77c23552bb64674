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
from ..request import Inputs, Policy, RunOptions, RunRequest
from . import sources
from .settings import BY_NAME, SETTINGS, Setting, for_command, parse

COMMAND_LINE, DEFAULT = "command line", "default"


@dataclass(frozen=True)
class Resolved:
    command: str
    values: Mapping  # setting dest -> typed value
    origins: Mapping  # setting dest -> command line | environment VALUATE_X | file:line | default
    file: Optional[Path] = None
    warnings: tuple = field(default=())

    def __getitem__(self, dest: str) -> Any:
        return self.values[dest]

    def policy(self) -> Policy:
        limits = dict((k, scalar(v, f"--limit {k}")) for k, v in self.values.get("limit", ()))
        return Policy(rules=tuple(self.values.get("rules", ())),
                      params={k: parameter_value(v, f"--set {k}") for k, v in self.values.get("set", ())},
                      profile=self.values.get("profile"), waivers=self.values.get("waivers"),
                      waiver_warning_days=self.values.get("waiver_warning_days", 30),
                      as_of=self.values.get("as_of"),
                      limits=DEFAULT_LIMITS.with_overrides(limits) if limits else DEFAULT_LIMITS)

    def inputs(self, catalogs: Optional[tuple] = None) -> Inputs:
        """The inputs: ``catalogs`` (explain's one) or the setting; ``-`` and directories expanded."""
        catalogs = tuple(catalogs if catalogs is not None else self.values.get("catalogs", ()))
        if not catalogs:
            raise UserError(f"{self.command} needs a CATALOG (a file, a directory, or - for standard input), "
                            "or 'catalogs' in the config file")
        return Inputs(catalogs=expand_catalogs(catalogs), input_format=self.values.get("input_format"),
                      mapping=self.values.get("mapping"), joins=tuple(self.values.get("join", ())))

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
        named += [self.values[k] for k in ("profile", "waivers", "mapping", "baseline", "compare")
                  if self.values.get(k)]
        store = sqlite_file(self.values.get("store"))  # a report must never replace the run store
        if store is not None:
            named.append(store)
        named += [j.partition("=")[2] for j in self.values.get("join", ())]
        return named

    def rows(self) -> list:
        """(setting, value, origin) for ``config show``, in the table's order."""
        return [(s, self.values[s.dest], self.origins[s.dest]) for s in for_command(self.command)]


def resolve(command: str, explicit: Mapping, config: Optional[str] = None, no_config: bool = False,
            env: Optional[Mapping] = None, cwd: Optional[Path] = None) -> Resolved:
    """The settings of ``command``: ``explicit`` holds what its command line gave (dest -> value)."""
    env = os.environ if env is None else env
    found = sources.find(config, no_config, env, cwd or Path.cwd())
    from_env, warnings = sources.environment(env)
    values, origins = {}, {}
    for s in for_command(command):
        if s.dest in explicit:
            values[s.dest], origins[s.dest] = parse(s, explicit[s.dest], COMMAND_LINE), COMMAND_LINE
        elif s.dest in from_env:
            values[s.dest] = parse(s, from_env[s.dest], s.env)
            origins[s.dest] = f"environment {s.env}"
        elif found is not None and s.dest in found.values:
            where = found.where(s.dest)
            values[s.dest] = _rebased(s, parse(s, found.values[s.dest], where), found.path.parent)
            origins[s.dest] = where
        else:
            values[s.dest], origins[s.dest] = s.default, DEFAULT
    return Resolved(command, values, origins, found.path if found else None, tuple(warnings))


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
    if s.dest == "format":
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


__all__ = ["Resolved", "resolve", "scalar", "parameter_value", "SETTINGS", "BY_NAME", "Setting", "for_command", "COMMAND_LINE", "DEFAULT"]
