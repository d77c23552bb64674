"""The command line's options, made from the settings table: the CLI declares none of its own.

    @main.command()
    @settings(SERVE)                    # --host, --port, ..., --rules, ..., --config, --no-config
    def serve(ctx, **opts): resolved = resolve(SERVE, given(ctx, opts))

Click types a value given on the command line; ``given`` keeps only those
(a click default must not hide the environment or the file), and
engine/config resolves the rest. tests/test_options.py checks the command
tree against the table.
"""
from __future__ import annotations

import datetime as _dt
from typing import Any

import click
from click.core import ParameterSource

from .settings import Setting, for_command

LAST = ("config", "no_config")  # every command has them: after its own options and the shared ones


class DateType(click.ParamType):
    name = "date"

    def convert(self, value: Any, param, ctx) -> _dt.date:
        if isinstance(value, _dt.date):
            return value
        try:
            return _dt.date.fromisoformat(value)
        except ValueError:
            self.fail(f"{value!r} is not a date in the form YYYY-MM-DD", param, ctx)


def click_option(s: Setting):
    """The click option of one setting."""
    decls = [f"--{s.name}", *([s.short] if s.short else []), s.dest]
    if s.kind == "bool":
        if s.default:  # on unless switched off: a --x/--no-x pair
            return click.option(f"--{s.name}/--no-{s.name}", s.dest, default=True, help=s.help)
        return click.option(*decls, is_flag=True, default=False, help=s.help)
    path = click.Path(dir_okay=not s.file)
    kinds = {"path": path, "paths": path, "int": click.IntRange(min=s.minimum, max=s.maximum),
             "float": click.FloatRange(min=s.minimum, max=s.maximum), "date": DateType(),
             "choice": click.Choice(s.choices)}
    default = s.default if isinstance(s.default, (str, int, float)) else None
    return click.option(*decls, type=kinds.get(s.kind, str), multiple=s.multiple, default=default,
                        show_default=default is not None, metavar=s.metavar, help=s.help, required=s.required)


def in_help_order(command: str) -> list:
    """The command's options as --help lists them: its own first, the shared ones, --config last."""
    rows = [s for s in for_command(command) if s.dest != "catalogs"]  # catalogs are the arguments

    def rank(s: Setting) -> int:
        if s.dest in LAST:
            return 2
        return 0 if command in s.own or (s.cli_only and command in s.commands) else 1
    return sorted(rows, key=rank)


def settings(command: str):
    """Decorate a command with its options from the table (and pass it the click context)."""
    def decorate(fn):
        for s in reversed(in_help_order(command)):
            fn = click_option(s)(fn)
        return click.pass_context(fn)
    return decorate


def given(ctx: click.Context, opts: dict) -> dict:
    """What the command line itself gave, of ``opts`` (dest -> value): not click's defaults."""
    return {k: v for k, v in opts.items() if ctx.get_parameter_source(k) == ParameterSource.COMMANDLINE}
