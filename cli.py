"""valuate's command line: a thin face over ``engine.api``.

Commands call library functions and turn results into exit codes; the codes
and the one handler that prints user errors as a single line live here.
"""
from __future__ import annotations

import datetime as _dt
import json
import sys
from typing import Any, Optional

import click
import yaml

from engine import api
from engine.atomic import atomic_output
from engine.errors import UserError
from engine.explain.text import explain_text
from engine.ingest import READERS
from engine.report import FORMATS, render
from engine.version import VERSION

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
# --fail-on LEVEL fails the run when a service's verdict is at or above LEVEL.
FAIL_LEVELS = {"never": (), "not_valuable": ("not_valuable", "error"),
               "indeterminate": ("indeterminate", "not_valuable", "error")}


class DateType(click.ParamType):
    name = "date"

    def convert(self, value: Any, param, ctx) -> _dt.date:
        if isinstance(value, _dt.date):
            return value
        try:
            return _dt.date.fromisoformat(value)
        except ValueError:
            self.fail(f"{value!r} is not a date in the form YYYY-MM-DD", param, ctx)


def _parse_sets(values: tuple) -> dict:
    """--set name=value: the value is read as YAML scalar (0.2, 365, true, text)."""
    out = {}
    for item in values:
        name, sep, raw = item.partition("=")
        if not sep or not name.strip():
            raise UserError(f"--set expects NAME=VALUE, got {item!r}")
        out[name.strip()] = yaml.safe_load(raw) if raw.strip() else raw
    return out


def _run(fn, *args, **kwargs) -> int:
    """Call into the library, mapping errors to one line and an exit code."""
    debug = kwargs.pop("debug", False)
    try:
        return fn(*args, **kwargs)
    except UserError as err:
        click.echo(f"valuate: error: {err}", err=True)
        return EXIT_USAGE
    except KeyboardInterrupt:
        click.echo("valuate: interrupted", err=True)
        return EXIT_INTERRUPTED
    except Exception as err:  # a bug in valuate, not in the input
        if debug:
            raise
        click.echo(f"valuate: internal error: {type(err).__name__}: {err}\n"
                   "This is a bug in valuate; please report it with the command you ran "
                   "(rerun with --debug for the traceback).", err=True)
        return EXIT_INTERNAL


rules_option = click.option("--rules", "rules", multiple=True, type=click.Path(),
                            help="Rule pack directory or file (repeatable; default: the ITIL 4 pack).")
as_of_option = click.option("--as-of", type=DateType(), default=None,
                            help="Evaluation date, YYYY-MM-DD (default: today).")
set_option = click.option("--set", "sets", multiple=True, metavar="NAME=VALUE",
                          help="Override a rule-pack parameter for this run (repeatable).")
input_format_option = click.option("--input-format", type=click.Choice(sorted(READERS)), default=None,
                                   help="Catalog format, when the extension does not say.")
debug_option = click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
mapping_option = click.option("--mapping", default=None, metavar="PRESET|FILE",
                              help="Read a raw export through a mapping: a preset name "
                                   "(facts/mappings/NAME.yaml) or a mapping file.")
join_option = click.option("--join", "joins", multiple=True, metavar="MAPPING=FILE",
                           help="Merge another export (read with MAPPING) into the services by id (repeatable).")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(VERSION, prog_name="valuate")
def main() -> None:
    """Judge IT services the way ITIL 4 does: valuable, not valuable or indeterminate."""


@main.command()
@click.argument("catalogs", nargs=-1, required=True, type=click.Path())
@rules_option
@as_of_option
@set_option
@input_format_option
@mapping_option
@join_option
@click.option("--format", "fmt", type=click.Choice(sorted(FORMATS)), default="text", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False), default=None,
              help="Write the report to FILE (atomically) instead of standard output.")
@click.option("--fail-on", type=click.Choice(list(FAIL_LEVELS)), default="not_valuable", show_default=True,
              help="Exit 1 when a service's verdict is at or above this level (error counts highest).")
@debug_option
def check(catalogs, rules, as_of, sets, input_format, mapping, joins, fmt, output, fail_on, debug) -> None:
    """Evaluate every service in CATALOG files and report verdicts."""

    def go() -> int:
        from engine.ingest.mapping import ReadStats
        stats = ReadStats()
        report = api.check(list(catalogs), list(rules) or None, as_of, _parse_sets(sets), input_format,
                           mapping, joins, stats)
        if stats.skipped:
            click.echo(f"valuate: note: the mapping's where: skipped {stats.skipped} record(s) "
                       "that are not services (valuate facts lists what was kept)", err=True)
        if output:
            with atomic_output(output) as fh:
                render(fmt, report, fh)
            click.echo(f"valuate: wrote {output} ({report.summary.services} services)", err=True)
        else:
            render(fmt, report, sys.stdout)
        failing = FAIL_LEVELS[fail_on]
        return EXIT_FINDINGS if any(report.summary.verdicts[v] for v in failing) else EXIT_OK

    sys.exit(_run(go, debug=debug))


@main.command()
@click.argument("catalog", type=click.Path())
@click.argument("service_id")
@rules_option
@as_of_option
@set_option
@input_format_option
@mapping_option
@join_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@debug_option
def explain(catalog, service_id, rules, as_of, sets, input_format, mapping, joins, fmt, debug) -> None:
    """Explain one service's verdict: criteria, rules, conditions, values, why not."""

    def go() -> int:
        run, result = api.explain([catalog], service_id, list(rules) or None, as_of,
                                  _parse_sets(sets), input_format, mapping, joins)
        if fmt == "json":
            click.echo(json.dumps({**run.header(), "service": result.to_dict(conditions=True)},
                                  ensure_ascii=False, indent=2))
        else:
            click.echo(explain_text(run, result), nl=False)
        return EXIT_OK

    sys.exit(_run(go, debug=debug))


@main.command()
@click.argument("catalogs", nargs=-1, required=True, type=click.Path())
@mapping_option
@join_option
@input_format_option
@click.option("--format", "fmt", type=click.Choice(["yaml", "json"]), default="yaml", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False), default=None,
              help="Write to FILE (atomically) instead of standard output.")
@debug_option
def facts(catalogs, mapping, joins, input_format, fmt, output, debug) -> None:
    """Print the canonical facts a mapping makes of CATALOG exports, with provenance.

    Runs no rules: for checking a mapping. Exit 1 when a record has errors."""
    from engine.ingest.mapping.facts import render as render_facts

    def go() -> int:
        doc = api.facts(list(catalogs), mapping, input_format, joins)
        if output:
            with atomic_output(output) as fh:
                render_facts(doc, fmt, fh)
        else:
            render_facts(doc, fmt, sys.stdout)
        return EXIT_FINDINGS if doc["summary"]["errors"] else EXIT_OK

    sys.exit(_run(go, debug=debug))


@main.group("rules")
def rules_group() -> None:
    """Inspect rule packs."""


@rules_group.command("list")
@rules_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@debug_option
def rules_list(rules, fmt, debug) -> None:
    """List the rules of the packs with their criterion, severity and title."""

    def go() -> int:
        setup = api.prepare(list(rules) or None)
        infos = setup.run.rules
        if fmt == "json":
            click.echo(json.dumps([r.to_dict() for r in infos], ensure_ascii=False, indent=2))
            return EXIT_OK
        for r in infos:
            click.echo(f"{r.id:<9} {r.criterion:<22} {r.severity:<8} {r.title}")
        click.echo(f"\n{len(infos)} rules in {', '.join(setup.run.packs)}")
        return EXIT_OK

    sys.exit(_run(go, debug=debug))


if __name__ == "__main__":
    main()
