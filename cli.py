"""valuate's command line: a thin face over the library in ``engine``.

Commands build one typed request (engine/request.py) from their options,
call the library and turn results into exit codes; the codes and the one
handler that prints user errors as a single line live here.
"""
from __future__ import annotations

import datetime as _dt
import json
import os
import signal
import sys
from typing import Any

import click
import yaml

from .engine.atomic import WRITE_ERRORS, atomic_output
from .engine.errors import Location, UserError
from .engine.evaluate import default_jobs
from .engine.governance.diff import diff_text, run_diff
from .engine.governance.lint import lint
from .engine.governance.testing import percent as coverage_percent
from .engine.governance.testing import run_tests, tests_json, tests_text
from .engine.governance.tune import run_tune, tune_text
from .engine.ingest import READERS
from .engine.ingest.mapping.facts import FACT_FORMATS
from .engine.ingest.mapping.facts import render as render_facts
from .engine.limits import DEFAULT as DEFAULT_LIMITS
from .engine.pipeline import facts_document, run
from .engine.policy import load_policy
from .engine.policy.waivers import waiver_warnings
from .engine.progress import Progress
from .engine.report import FORMATS, writer_for
from .engine.report.explanation import explain_json, explain_text
from .engine.report.terminal import safe
from .engine.request import Inputs, Policy, RunOptions, RunRequest
from .engine.version import VERSION

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a tool whose reader closed the pipe
EXIT_TERMINATED = 143  # 128 + SIGTERM
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


def _parse_sets(values: tuple, option: str = "--set") -> dict:
    """--set name=value: the value is read as YAML scalar (0.2, 365, true, text)."""
    out = {}
    for item in values:
        name, sep, raw = item.partition("=")
        if not sep or not name.strip():
            raise UserError(f"{option} expects NAME=VALUE, got {item!r}")
        out[name.strip()] = _value(raw, f"{option} {name.strip()}")
    return out


def _value(raw: str, what: str) -> Any:
    """A command-line value read as one YAML scalar; what does not parse is a usage error."""
    if not raw.strip():
        return raw
    try:
        value = yaml.safe_load(raw)
    except (yaml.YAMLError, ValueError, OverflowError) as err:  # [unclosed; !!int abc; 2026-02-30
        problem = " ".join(str(getattr(err, "problem", None) or err).split())
        raise UserError(f"{what}: cannot read the value {raw!r} ({problem}); quote text, or give a number, "
                        "true/false or a date") from None
    if isinstance(value, (list, dict)):
        raise UserError(f"{what}: expected one value (a number, true/false, a date or text), got {raw!r}")
    return value


class Terminated(BaseException):
    """SIGTERM (what ``timeout`` and ``kill`` send) or SIGHUP: stop as Ctrl-C does."""


def _terminate(signum, frame) -> None:
    # Once: the cleanup this starts (removing the temporary output file,
    # stopping the workers) must not be cut short by the next signal.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    raise Terminated(signum)


def _silence_stdout() -> None:
    """Point standard output at /dev/null: what is still buffered for a closed pipe
    or a full disk must not fail again when Python flushes it at exit."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _run(fn, *args, **kwargs) -> int:
    """Call into the library, mapping errors to one line and an exit code."""
    debug = kwargs.pop("debug", False)
    previous = {s: signal.signal(s, _terminate) for s in (signal.SIGTERM, signal.SIGHUP)}
    # File names that are not UTF-8 arrive as surrogate escapes (PEP 383): shown as \udcXX.
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="backslashreplace")
    try:
        return _call(fn, debug, *args, **kwargs)
    finally:  # the library may be driven again in this process (tests, a caller of main)
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _call(fn, debug: bool, *args, **kwargs) -> int:
    try:
        code = fn(*args, **kwargs)
        sys.stdout.flush()  # a full disk must fail here, not in Python's exit
        return code
    except UserError as err:
        _error(f"valuate: error: {err}")
        return EXIT_USAGE
    except KeyboardInterrupt:
        click.echo("valuate: interrupted", err=True)
        return EXIT_INTERRUPTED
    except Terminated:
        click.echo("valuate: terminated", err=True)
        return EXIT_TERMINATED
    except BrokenPipeError:
        # The reader went away (`valuate check ... | head`): stop quietly, as
        # shell tools do; later flushes must not fail on the closed pipe.
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except Exception as err:  # a bug in valuate, not in the input
        if isinstance(err, OSError) and err.errno in WRITE_ERRORS:
            # Writing standard output failed (a full disk, /dev/full): the machine's problem.
            _silence_stdout()
            _error(f"valuate: error: cannot write to standard output: {err.strerror}")
            return EXIT_USAGE
        if debug:
            raise
        click.echo(f"valuate: internal error: {type(err).__name__}: {safe(str(err))}\n"
                   "This is a bug in valuate; please report it with the command you ran "
                   "(rerun with --debug for the traceback).", err=True)
        return EXIT_INTERNAL


def _text(text: str) -> str:
    """A text output made line by line of pack and catalog text: each line shown safe."""
    return "\n".join(safe(line) for line in text.split("\n"))


def _error(text: str) -> None:
    """An error on standard error, each line with catalog text shown escaped."""
    click.echo("\n".join(safe(line) for line in text.split("\n")), err=True)


def _inputs_of(catalogs, opts: dict) -> list:
    """Every file a run reads that the user named: ``--output`` may overwrite none of them."""
    named = list(catalogs) + list(opts.get("rules") or ())
    named += [opts[k] for k in ("profile", "waivers", "mapping") if opts.get(k)]
    named += [j.partition("=")[2] for j in opts.get("joins") or ()]
    return named


def _policy(opts: dict) -> Policy:
    """The policy part of a request, from whichever policy options the command has."""
    limits = opts.get("limits") or ()
    return Policy(rules=tuple(opts.get("rules") or ()), params=_parse_sets(opts.get("sets") or ()),
                  profile=opts.get("profile"), waivers=opts.get("waivers"),
                  waiver_warning_days=opts.get("waiver_warning_days", 30), as_of=opts.get("as_of"),
                  limits=DEFAULT_LIMITS.with_overrides(_parse_sets(limits, "--limit")) if limits else DEFAULT_LIMITS)


def _inputs(catalogs, opts: dict) -> Inputs:
    return Inputs(catalogs=tuple(catalogs), input_format=opts.get("input_format"),
                  mapping=opts.get("mapping"), joins=tuple(opts.get("joins") or ()))


def _dumps(doc: Any) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2, default=str)


rules_option = click.option("--rules", "rules", multiple=True, type=click.Path(),
                            help="Rule pack directory or file (repeatable; default: the ITIL 4 pack).")
as_of_option = click.option("--as-of", type=DateType(), default=None,
                            help="Evaluation date, YYYY-MM-DD (default: today).")
set_option = click.option("--set", "sets", multiple=True, metavar="NAME=VALUE",
                          help="Override a rule-pack parameter for this run (repeatable).")
profile_option = click.option("--profile", type=click.Path(dir_okay=False), default=None,
                              help="Profile YAML: parameter overrides, rules disabled or re-graded.")
waivers_option = click.option("--waivers", type=click.Path(dir_okay=False), default=None,
                              help="Waiver YAML: approved, time-limited exceptions per service.")
waiver_days_option = click.option("--waiver-warning-days", type=click.IntRange(min=0), default=30,
                                  show_default=True, help="Warn about waivers expiring within this many days.")
input_format_option = click.option("--input-format", type=click.Choice(sorted(READERS)), default=None,
                                   help="Catalog format, when the extension does not say.")
debug_option = click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
limit_option = click.option("--limit", "limits", multiple=True, metavar="NAME=VALUE",
                            help="Change an input limit, e.g. max_record_bytes=8388608 (see README).")


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
@profile_option
@waivers_option
@waiver_days_option
@input_format_option
@mapping_option
@join_option
@click.option("--format", "fmt", type=click.Choice(sorted(FORMATS)), default="text", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False), default=None,
              help="Write the report to FILE (atomically) instead of standard output.")
@click.option("--fail-on", type=click.Choice(list(FAIL_LEVELS)), default="not_valuable", show_default=True,
              help="Exit 1 when a service's verdict is at or above this level (error counts highest).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes for evaluation (default: the number of cores).")
@click.option("--suggestions/--no-suggestions", default=True, show_default=True,
              help="Work out (and verify) what would make each failing service pass.")
@limit_option
@debug_option
def check(catalogs, fmt, output, fail_on, jobs, suggestions, debug, **opts) -> None:
    """Evaluate every service in CATALOG files and report verdicts."""

    def go() -> int:
        writer_cls = FORMATS[fmt]
        options = RunOptions(conditions=writer_cls.needs_conditions, suggest=suggestions,
                             jobs=jobs or default_jobs())
        current = run(RunRequest(_policy(opts), _inputs(catalogs, opts), options),
                      render=writer_cls.render_record if writer_cls.streams else None)

        def write(out):
            summary = current.write_to(writer_for(fmt, out, current.info), Progress())
            _warn_waivers(current.info.waivers, summary.unused_waivers)
            if current.stats.skipped:
                click.echo(f"valuate: note: the mapping's where: skipped {current.stats.skipped} record(s) "
                           "that are not services (valuate facts lists what was kept)", err=True)
            if summary.blank_rows:
                click.echo(f"valuate: note: {summary.blank_note()[2:]} (empty rows are not records)", err=True)
            return summary

        if output:
            with atomic_output(output, _inputs_of(catalogs, opts)) as fh:
                summary = write(fh)
            click.echo(safe(f"valuate: wrote {output} ({summary.services} services)"), err=True)
        else:
            summary = write(sys.stdout)
        failing = FAIL_LEVELS[fail_on]
        return EXIT_FINDINGS if any(summary.verdicts[v] for v in failing) else EXIT_OK

    sys.exit(_run(go, debug=debug))


def _warn_waivers(waivers, unused) -> None:
    """Expired, expiring and unused waivers also go to standard error: they need action."""
    for line in waiver_warnings(waivers, unused):
        click.echo(safe(f"valuate: warning: {line}"), err=True)


@main.command()
@click.argument("catalog", type=click.Path())
@click.argument("service_id")
@rules_option
@as_of_option
@set_option
@profile_option
@waivers_option
@input_format_option
@mapping_option
@join_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@debug_option
def explain(catalog, service_id, fmt, debug, **opts) -> None:
    """Explain one service's verdict: criteria, rules, conditions, values, why not."""

    def go() -> int:
        options = RunOptions(conditions=True, only=service_id)
        current = run(RunRequest(_policy(opts), _inputs([catalog], opts), options))
        result = next(current.results(), None)
        if result is None:
            raise UserError(f"no service with id {service_id!r} in {catalog}", Location(file=str(catalog)))
        if fmt == "json":
            click.echo(explain_json(current.info, result))
        else:
            click.echo(explain_text(current.info, result), nl=False)
        return EXIT_OK

    sys.exit(_run(go, debug=debug))


@main.command()
@click.argument("catalogs", nargs=-1, required=True, type=click.Path())
@mapping_option
@join_option
@input_format_option
@click.option("--format", "fmt", type=click.Choice(FACT_FORMATS), default="yaml", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False), default=None,
              help="Write to FILE (atomically) instead of standard output.")
@debug_option
def facts(catalogs, fmt, output, debug, **opts) -> None:
    """Print the canonical facts a mapping makes of CATALOG exports, with provenance.

    Runs no rules: for checking a mapping. Exit 1 when a record has errors."""
    def go() -> int:
        doc = facts_document(_inputs(catalogs, opts))
        if output:
            with atomic_output(output, _inputs_of(catalogs, opts)) as fh:
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
def rules_list(fmt, debug, **opts) -> None:
    """List the rules of the packs with their criterion, severity and title."""

    def go() -> int:
        policy = load_policy(_policy(opts))
        if fmt == "json":
            click.echo(json.dumps([r.to_dict() for r in policy.rules], ensure_ascii=False, indent=2))
            return EXIT_OK
        for r in policy.rules:
            click.echo(safe(f"{r.id:<9} {r.criterion:<22} {r.severity:<8} {r.title}"))
        click.echo(f"\n{len(policy.rules)} rules in {', '.join(p.name for p in policy.packs)}")
        return EXIT_OK

    sys.exit(_run(go, debug=debug))


@rules_group.command("lint")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--profile", type=click.Path(dir_okay=False), default=None, help="Also check this profile.")
@click.option("--waivers", type=click.Path(dir_okay=False), default=None, help="Also check this waiver file.")
@as_of_option
@waiver_days_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@debug_option
def rules_lint(paths, profile, waivers, as_of, waiver_warning_days, fmt, debug) -> None:
    """Check rule packs: schema, fact paths, types, duplicates, conditions that never or always hold, limits.

    Exit 2 when there are errors; 0 when there are only warnings (printed)."""

    def go() -> int:
        result = lint(list(paths), profile, waivers, as_of, waiver_warning_days)
        if fmt == "json":
            click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        else:
            click.echo(_text(result.text()), nl=False)
        return EXIT_USAGE if result.errors else EXIT_OK

    sys.exit(_run(go, debug=debug))


@rules_group.command("test")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--cases", "case_files", multiple=True, type=click.Path(dir_okay=False),
              help="Test case file (repeatable; default: the pack's tests/*.yaml). One PATH only.")
@click.option("--min-coverage", type=click.FloatRange(0, 100), default=None,
              help="Fail (exit 1) when fewer than N percent of the rules' reachable statuses are exercised.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@debug_option
def rules_test(paths, case_files, min_coverage, fmt, debug) -> None:
    """Run the YAML rule test cases of packs; report failures with explanations, and coverage.

    Exit 1 when a case fails or coverage is below --min-coverage; 2 on a bad pack or case file."""

    def go() -> int:
        runs = run_tests(list(paths), list(case_files) or None)
        covered = coverage_percent(runs)
        if fmt == "json":
            click.echo(json.dumps(tests_json(runs, min_coverage), ensure_ascii=False, indent=2))
        else:
            click.echo(_text(tests_text(runs)), nl=False)
        failed = sum(len(r.failed) for r in runs)
        low = min_coverage is not None and covered < min_coverage
        if low:
            click.echo(f"valuate: coverage {covered:.1f}% is below --min-coverage {min_coverage:g}%", err=True)
        return EXIT_FINDINGS if failed or low else EXIT_OK

    sys.exit(_run(go, debug=debug))


@main.command()
@click.argument("catalogs", nargs=-1, required=True, type=click.Path())
@click.option("--base", default=None, metavar="RULES_OR_PROFILE",
              help="Rule pack (directory or file) or profile for the base side (default: --rules as is).")
@click.option("--head", default=None, metavar="RULES_OR_PROFILE",
              help="Rule pack (directory or file) or profile for the head side (default: --rules as is).")
@rules_option
@as_of_option
@set_option
@waivers_option
@input_format_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--fail-on-change", is_flag=True, help="Exit 1 when any service changed.")
@debug_option
def diff(catalogs, base, head, fmt, fail_on_change, debug, **opts) -> None:
    """Evaluate CATALOG under two policies and list every service whose verdict, criteria or findings changed."""

    def go() -> int:
        if base is None and head is None:
            raise UserError("diff needs --base and/or --head (a rule pack or a profile)")
        report = run_diff(_inputs(catalogs, opts), base, head, _policy(opts))
        click.echo(_dumps(report.to_dict()) if fmt == "json" else _text(diff_text(report)), nl=fmt == "json")
        return EXIT_FINDINGS if fail_on_change and report.changes else EXIT_OK

    sys.exit(_run(go, debug=debug))


@main.command()
@click.argument("catalogs", nargs=-1, required=True, type=click.Path())
@click.option("--param", "param", required=True, metavar="NAME", help="The parameter to try (name or pack.name).")
@click.option("--values", "values", required=True, metavar="V1,V2,...", help="Comma-separated values to try.")
@rules_option
@as_of_option
@set_option
@profile_option
@waivers_option
@input_format_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@debug_option
def tune(catalogs, param, values, fmt, debug, **opts) -> None:
    """For each value of a parameter: verdict counts and the services that change versus the current value."""

    def go() -> int:
        tried = [_value(v, f"--values {param}") for v in values.split(",")]
        report = run_tune(_inputs(catalogs, opts), param, tried, _policy(opts))
        click.echo(_dumps(report.to_dict()) if fmt == "json" else _text(tune_text(report)), nl=fmt == "json")
        return EXIT_OK

    sys.exit(_run(go, debug=debug))


if __name__ == "__main__":
    main()
