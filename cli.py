"""valuate's command line: a thin face over the library in ``engine``.

Commands take their options from the one settings table (engine/config),
hand what the command line gave to the library, which resolves it against
the environment and the config file into typed requests, call the library
and turn results into exit codes; the codes and the one handler that prints
user errors as a single line live here.
"""
from __future__ import annotations

import datetime as _dt
import json
import os
import signal
import sys
from typing import Any

import click
from click.core import ParameterSource

from .engine.atomic import WRITE_ERRORS, atomic_output
from .engine.checkjob import CheckJob
from .engine.compare import dump_baseline
from .engine.config import BY_NAME, for_command, parameter_value, resolve
from .engine.config.settings import (BASELINE, CHECK, DIFF, EXPLAIN, FACTS, HISTORY_EXPORT, HISTORY_LIST,
                                     HISTORY_MIGRATE, HISTORY_PRUNE, HISTORY_SHOW, HISTORY_TREND, RULES_SHOW, SERVE,
                                     TUNE)
from .engine.config.show import show_json, show_text
from .engine.errors import Location, UserError, did_you_mean
from .engine.evaluate import default_jobs
from .engine.governance.baseline import create_baseline
from .engine.governance.diff import diff_text, run_diff
from .engine.governance.lint import lint
from .engine.governance import show as rule_view
from .engine.governance.scaffold import next_steps, scaffold
from .engine.governance.testing import percent as coverage_percent
from .engine.governance.testing import run_tests, tests_json, tests_text
from .engine.governance.tune import run_tune, split_values, tune_text
from .engine.history import SCHEMA, open_history
from .engine.history import text as history_text
from .engine.history.show import ShowOptions
from .engine.history.show import show as show_run
from .engine.ingest.mapping.facts import FACT_FORMATS
from .engine.ingest.mapping.facts import render as render_facts
from .engine.pipeline import facts_document, run
from .engine.policy import load_policy
from .engine.report.explanation import explain_json, explain_rule, explain_text
from .engine.request import RunOptions, RunRequest
from .engine.report.terminal import safe
from .engine.serve import ServeConfig, read_token
from .engine.serve.history import check as check_store
from .engine.serve.run import serve_forever
from .engine.version import VERSION
from .engine.watch import watch_and_run

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a tool whose reader closed the pipe
EXIT_TERMINATED = 143  # 128 + SIGTERM


class DateType(click.ParamType):
    name = "date"

    def convert(self, value: Any, param, ctx) -> _dt.date:
        if isinstance(value, _dt.date):
            return value
        try:
            return _dt.date.fromisoformat(value)
        except ValueError:
            self.fail(f"{value!r} is not a date in the form YYYY-MM-DD", param, ctx)


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
        for line in err.lines():
            _error(f"valuate: error: {line}")
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


# --- options from the settings table (engine/config/settings.py) ----------

def _click_option(s):
    decls = [f"--{s.name}", *([s.short] if s.short else []), s.dest]
    if s.kind == "bool":
        if s.default:  # on unless switched off: a --x/--no-x pair
            return click.option(f"--{s.name}/--no-{s.name}", s.dest, default=True, help=s.help)
        return click.option(*decls, is_flag=True, default=False, help=s.help)
    kinds = {"path": click.Path(), "paths": click.Path(), "int": click.IntRange(min=s.minimum),
             "date": DateType(), "choice": click.Choice(s.choices)}
    default = s.default if s.kind in ("choice", "int") and s.default is not None else None
    return click.option(*decls, type=kinds.get(s.kind, str), multiple=s.multiple, default=default,
                        show_default=default is not None, metavar=s.metavar, help=s.help)


def settings(command: str):
    """The options a command takes from the settings table, plus --config and --no-config."""
    def decorate(fn):
        for s in reversed(for_command(command)):
            if s.dest != "catalogs":
                fn = _click_option(s)(fn)
        fn = click.option("--no-config", is_flag=True, help="Ignore valuate.toml and [tool.valuate].")(fn)
        fn = click.option("--config", "config_file", type=click.Path(dir_okay=False), default=None,
                          metavar="FILE", help="Read settings from FILE instead of the nearest "
                                               "valuate.toml or pyproject.toml [tool.valuate].")(fn)
        return click.pass_context(fn)
    return decorate


def _resolved(ctx, command: str, opts: dict, catalogs=()):
    """The command's settings: what its command line gave, over environment, file and defaults."""
    opts = dict(opts)  # a --watch loop resolves again on every run
    config, no_config = opts.pop("config_file", None), opts.pop("no_config", False)
    given = {k: v for k, v in opts.items() if k in BY_NAME
             and ctx.get_parameter_source(k) == ParameterSource.COMMANDLINE}
    if catalogs:
        given["catalogs"] = tuple(catalogs)
    resolved = resolve(command, given, config, no_config)
    for line in resolved.warnings:
        _warn(line)
    return resolved


def _warn(line: str) -> None:
    _error(f"valuate: warning: {line}")


def _dumps(doc: Any) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2, default=str)


def _debug(opts: dict) -> bool:
    return bool(opts.get("debug"))


watch_option = click.option("--watch", is_flag=True,
                            help="Run again whenever one of the files read changes (Ctrl-C stops).")
debug_option = click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")


def _watching(paths, once) -> int:
    """Run ``once`` now and again on every change under ``paths`` (engine/watch.py)."""
    return watch_and_run([p for p in paths if p], once, lambda line: click.echo(line, err=True))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(VERSION, prog_name="valuate")
def main() -> None:
    """Judge IT services the way ITIL 4 does: valuable, not valuable or indeterminate."""


@main.command()
@click.argument("catalogs", nargs=-1, type=click.Path())
@settings(CHECK)
@watch_option
def check(ctx, catalogs, watch, **opts) -> None:
    """Evaluate every service in CATALOG files (or directories, or - for standard input) and report.

    Settings also come from VALUATE_* variables and valuate.toml (valuate config show)."""

    def go() -> int:
        job = CheckJob(_resolved(ctx, CHECK, opts, catalogs))
        summary = job.execute(on_warning=_warn)
        for kind, line in job.notices(summary):
            _error(f"valuate: {kind + ': ' if kind == 'warning' else ''}{line}")
        if job.store_failure is not None:  # the reports are written; the run is not in the store
            raise job.store_failure
        return EXIT_FINDINGS if job.failed(summary) else EXIT_OK

    if not watch:
        sys.exit(_run(go, debug=_debug(opts)))
    # the files the run reads, as resolved (command line, environment or config file)
    resolved = _resolved(ctx, CHECK, opts, catalogs)
    watched = [*resolved["catalogs"], *resolved["rules"], resolved["profile"], resolved["waivers"],
               resolved["mapping"], resolved["baseline"]]
    sys.exit(_watching(watched, lambda: _run(go, debug=_debug(opts))))


@main.command()
@click.argument("catalog", type=click.Path())
@click.argument("service_id")
@settings(EXPLAIN)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--rule", "rule", default=None, metavar="RULE", help="Print only this rule's finding and tree.")
def explain(ctx, catalog, service_id, fmt, rule, **opts) -> None:
    """Explain one service's verdict: criteria, rules, conditions, values, why not."""

    def go() -> int:
        resolved = _resolved(ctx, EXPLAIN, opts)
        current = run(RunRequest(resolved.policy(), resolved.inputs((catalog,)),
                                 RunOptions(conditions=True, only=service_id,
                                                                               suggest=rule is None)))
        result = next(current.results(), None)
        if result is None:
            raise UserError(f"no service with id {service_id!r} in {catalog}", Location(file=str(catalog)))
        if rule is not None:
            if result.finding(rule) is None:
                what = "is invalid" if result.errors else f"has no finding for rule {rule!r}"
                raise UserError(f"service {service_id!r} {what}{did_you_mean(rule, [f.rule for f in result.findings])}")
            click.echo(explain_rule(current.info, result, rule, fmt), nl=False)
        elif fmt == "json":
            click.echo(explain_json(current.info, result))
        else:
            click.echo(explain_text(current.info, result), nl=False)
        return EXIT_OK

    sys.exit(_run(go, debug=_debug(opts)))


@main.command()
@click.argument("catalogs", nargs=-1, type=click.Path())
@settings(FACTS)
@click.option("--format", "fmt", type=click.Choice(FACT_FORMATS), default="yaml", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None,
              help="Write to FILE (atomically) instead of standard output.")
def facts(ctx, catalogs, fmt, output, **opts) -> None:
    """Print the canonical facts a mapping makes of CATALOG exports, with provenance.

    Runs no rules: for checking a mapping. Exit 1 when a record has errors.
    The output is itself a catalog: valuate check reads it as it is."""
    def go() -> int:
        resolved = _resolved(ctx, FACTS, opts, catalogs)
        doc = facts_document(resolved.inputs())
        if output and output != "-":
            with atomic_output(output, resolved.files_read()) as fh:
                render_facts(doc, fmt, fh)
        else:
            render_facts(doc, fmt, sys.stdout)
        return EXIT_FINDINGS if doc["summary"]["errors"] else EXIT_OK

    sys.exit(_run(go, debug=_debug(opts)))


@main.group("baseline")
def baseline_group() -> None:
    """Accept today's findings: fail CI only on what is new (check --baseline FILE)."""


@baseline_group.command("create")
@click.argument("catalogs", nargs=-1, type=click.Path())
@settings(BASELINE)
@click.option("--output", "-o", type=click.Path(dir_okay=False), default="valuate-baseline.json",
              show_default=True, help="The baseline file to write (atomically).")
def baseline_create(ctx, catalogs, output, **opts) -> None:
    """Record the open findings of CATALOG (by service id and rule id, with an evidence fingerprint)."""

    def go() -> int:
        resolved = _resolved(ctx, BASELINE, opts, catalogs)
        doc, summary = create_baseline(resolved.request(suggest=False), output)
        # the earlier baseline at OUTPUT is read (for its dates) and replaced, as intended
        with atomic_output(output, [f for f in resolved.files_read() if f != output]) as fh:
            dump_baseline(doc, fh)
        left_out = (f"; {summary.waived} waived findings left out (each is new once its waiver ends)"
                    if summary.waived else "")
        _error(f"valuate: wrote {output}: {doc['entries']} findings of {summary.services} services{left_out}")
        return EXIT_OK

    sys.exit(_run(go, debug=_debug(opts)))


@main.group("config")
def config_group() -> None:
    """The settings in force: command line > VALUATE_* environment > config file > default."""


@config_group.command("show")
@click.argument("catalogs", nargs=-1, type=click.Path())
@settings(CHECK)
@click.option("--json", "as_json", is_flag=True, help="Print the settings as JSON.")
def config_show(ctx, catalogs, as_json, **opts) -> None:
    """Print every setting of valuate check, its value and where it came from.

    Takes check's options too, to show what a command line would change."""

    def go() -> int:
        resolved = _resolved(ctx, CHECK, opts, catalogs)
        click.echo(_dumps(show_json(resolved)) if as_json else show_text(resolved), nl=as_json)
        return EXIT_OK

    sys.exit(_run(go))


@main.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False))
@click.option("--pack", "pack", default="team", show_default=True, help="The name of the new pack.")
@click.option("--force", is_flag=True, help="Overwrite files that exist.")
@debug_option
def init(directory, pack, force, debug) -> None:
    """Scaffold a policy in DIRECTORY: a pack with one rule and its tests, a profile, waivers, valuate.toml."""

    def go() -> int:
        for path in scaffold(directory, pack, force):
            click.echo(f"created {path}")
        click.echo("next:")
        for line in next_steps(directory, pack):
            click.echo(f"  {line}")
        return EXIT_OK

    sys.exit(_run(go, debug=debug))


@main.group("rules")
def rules_group() -> None:
    """Inspect rule packs."""


@rules_group.command("list")
@click.option("--rules", "-r", "rules", multiple=True, type=click.Path(),
              help="Rule pack directory or file (repeatable; default: the ITIL 4 pack).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
def rules_list(rules, fmt, debug) -> None:
    """List the rules of the packs with their criterion, severity and title."""

    def go() -> int:
        policy = load_policy(resolve("rules list", {"rules": rules} if rules else {}).policy())
        if fmt == "json":
            click.echo(json.dumps([r.to_dict() for r in policy.rules], ensure_ascii=False, indent=2))
            return EXIT_OK
        for r in policy.rules:
            click.echo(safe(f"{r.id:<9} {r.criterion:<22} {r.severity:<8} {r.title}"))
        click.echo(f"\n{len(policy.rules)} rules in {', '.join(p.name for p in policy.packs)}")
        return EXIT_OK

    sys.exit(_run(go, debug=debug))


@rules_group.command("show")
@click.argument("rule_id", metavar="RULE")
@settings(RULES_SHOW)
@click.option("--compiled", is_flag=True,
              help="Print the durable-rules rules it compiles into, with the ruleset that holds them.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def rules_show(ctx, rule_id, compiled, fmt, **opts) -> None:
    """Print one rule as loaded: its metadata, its condition in the rule language and the
    parameters it reads (under --profile and --set); with --compiled, the durable-rules
    rules it becomes, as durable-rules registers them."""

    def go() -> int:
        policy = load_policy(_resolved(ctx, RULES_SHOW, opts).policy())
        if compiled:
            view = rule_view.compiled(policy, rule_id)
            text, doc = (rule_view.compiled_text(view), None) if fmt == "text" else ("", view.to_dict())
        else:
            doc = rule_view.loaded(policy, rule_id)
            text, doc = (rule_view.loaded_text(doc), None) if fmt == "text" else ("", doc)
        click.echo(_dumps(doc) if doc is not None else _text(text), nl=doc is not None)
        return EXIT_OK

    sys.exit(_run(go, debug=_debug(opts)))


as_of_option = click.option("--as-of", type=DateType(), default=None,
                            help="Evaluation date, YYYY-MM-DD (default: today).")


@rules_group.command("lint")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--profile", "-p", type=click.Path(dir_okay=False), default=None, help="Also check this profile.")
@click.option("--waivers", type=click.Path(dir_okay=False), default=None, help="Also check this waiver file.")
@as_of_option
@click.option("--waiver-warning-days", type=click.IntRange(min=0), default=30, show_default=True,
              help="Warn about waivers expiring within this many days.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
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
              help="Fail (exit 1) when fewer than N percent of the rules' reachable statuses are asserted.")
@click.option("--profile", type=click.Path(dir_okay=False), default=None,
              help="Judge every case under this profile (a case's params refine it).")
@click.option("--rules-of", "rules_of", multiple=True, metavar="PACK",
              help="Coverage over every rule of this pack (repeatable; default: the rules the cases target).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@watch_option
@debug_option
def rules_test(paths, case_files, min_coverage, profile, rules_of, fmt, watch, debug) -> None:
    """Run the YAML rule test cases of packs; report failures with explanations, and coverage.

    Exit 1 when a case fails or coverage is below --min-coverage; 2 on a bad pack or case file."""

    def go() -> int:
        runs = run_tests(list(paths), list(case_files) or None, profile, list(rules_of) or None)
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

    watched = [*paths, *case_files, *([profile] if profile else [])]
    sys.exit(_watching(watched, lambda: _run(go, debug=debug)) if watch else _run(go, debug=debug))


@main.command()
@click.argument("catalogs", nargs=-1, type=click.Path())
@click.option("--base", multiple=True, metavar="PACKS+PROFILE",
              help="The base side: packs and/or a profile, joined with + or repeated (default: --rules as is).")
@click.option("--head", multiple=True, metavar="PACKS+PROFILE",
              help="The head side: packs and/or a profile, joined with + or repeated (default: --rules as is).")
@settings(DIFF)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--fail-on-change", is_flag=True, help="Exit 1 when any service changed.")
def diff(ctx, catalogs, base, head, fmt, fail_on_change, **opts) -> None:
    """Evaluate CATALOG under two policies and list every service whose verdict, criteria or findings changed."""

    def go() -> int:
        if not base and not head:
            raise UserError("diff needs --base and/or --head (rule packs and/or a profile)")
        resolved = _resolved(ctx, DIFF, opts, catalogs)
        report = run_diff(resolved.inputs(), base, head, resolved.policy())
        click.echo(_dumps(report.to_dict()) if fmt == "json" else _text(diff_text(report)), nl=fmt == "json")
        return EXIT_FINDINGS if fail_on_change and report.changes else EXIT_OK

    sys.exit(_run(go, debug=_debug(opts)))


@main.command()
@click.argument("catalogs", nargs=-1, type=click.Path())
@click.option("--param", "param", required=True, metavar="NAME", help="The parameter to try (name or pack.name).")
@click.option("--values", "values", required=True, metavar="V1,V2,...", help="Comma-separated values to try; a list parameter's as [a,b] (value_perspectives: '[user],[user,sponsor]').")
@click.option("--case", "case", default=None, metavar="WHEN",
              help="Sweep only this case of a fact-dependent parameter: its 'when' as YAML "
                   "('{fact: tier, eq: 1}') or 'default'.")
@settings(TUNE)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def tune(ctx, catalogs, param, values, case, fmt, **opts) -> None:
    """For each value of a parameter: verdict counts and the services that change versus the current value."""

    def go() -> int:
        tried = [parameter_value(v, f"--values {param}") for v in split_values(values)]
        resolved = _resolved(ctx, TUNE, opts, catalogs)
        report = run_tune(resolved.inputs(), param, tried, resolved.policy(), case)
        click.echo(_dumps(report.to_dict()) if fmt == "json" else _text(tune_text(report)), nl=fmt == "json")
        return EXIT_OK

    sys.exit(_run(go, debug=_debug(opts)))


@main.command()
@settings(SERVE)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (localhost by default).")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True)
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Evaluation processes, each with its own durable-rules engine (default: the number of cores).")
@click.option("--token-file", type=click.Path(dir_okay=False, exists=True), default=None,
              help="Require 'Authorization: Bearer TOKEN' on /v1/*, TOKEN being this file's content.")
@click.option("--decision-log", type=click.Path(dir_okay=False), default=None,
              help="Append one JSON line per evaluation (request id, rules digest, verdicts).")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=30.0, show_default=True,
              help="Seconds an evaluation may take before the request gets a 504.")
@click.option("--max-pending", type=click.IntRange(min=1), default=None,
              help="Requests evaluated at once at most; beyond, 503 (default: 4 per worker).")
@click.option("--max-services", type=click.IntRange(min=1), default=10_000, show_default=True,
              help="Services (or export records) in one request at most; beyond, 413.")
@click.option("--max-body-bytes", type=click.IntRange(min=1), default=8 << 20, show_default=True,
              help="Bytes in one request body at most, checked while it arrives; beyond, 413.")
@click.option("--read-timeout", type=click.FloatRange(min=0.1), default=10.0, show_default=True,
              help="Seconds a request's head, then its body, may take to arrive; beyond, 408.")
@click.option("--max-connections", type=click.IntRange(min=1), default=256, show_default=True,
              help="Open connections at most; one more is answered 503 and closed.")
def serve(ctx, host, port, workers, token_file, decision_log, timeout, max_pending, max_services, max_body_bytes,
          read_timeout, max_connections, **opts) -> None:
    """Evaluate services on request over HTTP (docs/guides/serve.md).

    --mapping is the mapping /v1/evaluate/raw uses when a request names none
    (presets are always allowed)."""

    def go() -> int:
        resolved = _resolved(ctx, SERVE, opts)
        store = resolved.values.get("store")
        check_store(store)
        token = read_token(token_file) if token_file else None
        inputs = tuple(str(p) for p in (token_file, resolved.file) if p)
        serve_forever(ServeConfig(resolved.policy(), host, port, workers or default_jobs(),
                                  mapping=resolved.values.get("mapping"), token=token, decision_log=decision_log,
                                  timeout=timeout, max_pending=max_pending or 0, max_services=max_services,
                                  max_body_bytes=max_body_bytes, read_timeout=read_timeout,
                                  max_connections=max_connections, inputs=inputs, store=store))
        return EXIT_OK

    sys.exit(_run(go, debug=_debug(opts)))


# --- valuate history: the run store (engine/history) ------------------------

@main.group("history")
def history_group() -> None:
    """The run store: recorded runs, their reports, trends (valuate check --store URL records each run).

    Runs are named last, first, by id (7) or by evaluation date (2026-05-28)."""


def _history(ctx, command: str, opts: dict, write: bool = False):
    resolved = _resolved(ctx, command, opts)
    if not resolved["store"]:
        raise UserError(f"{command} needs a run store: --store URL (sqlite:///reviews.db, postgresql://...), "
                        "store in valuate.toml, or VALUATE_STORE")
    return resolved, open_history(resolved["store"], write)


last_option = click.option("--last", type=click.IntRange(min=1), default=None, metavar="N",
                           help="Only the last N runs.")
json_format = click.option("--format", "-f", "fmt", type=click.Choice(["text", "json"]), default="text",
                           show_default=True)


@history_group.command("list")
@settings(HISTORY_LIST)
@last_option
@json_format
def history_list(ctx, last, fmt, **opts) -> None:
    """List the recorded runs: when, evaluation date, verdict counts, rules and input digests."""
    def go() -> int:
        _, history = _history(ctx, HISTORY_LIST, opts)
        runs = history.runs(last)
        click.echo(history_text.runs_json(runs) if fmt == "json" else history_text.runs_text(runs, history.shown), nl=False)
        return EXIT_OK

    sys.exit(_run(go, debug=_debug(opts)))


@history_group.command("show")
@click.argument("run_name", metavar="RUN", default="last")
@settings(HISTORY_SHOW)
def history_show(ctx, run_name, **opts) -> None:
    """Print a recorded run's report in any --format, byte for byte what check wrote (or would have)."""
    def go() -> int:
        resolved, history = _history(ctx, HISTORY_SHOW, opts)
        options = ShowOptions(resolved["format"], resolved["output"], resolved["quiet"], resolved["fail_on"],
                              resolved["color"], resolved["sarif_include"])
        shown = show_run(history, run_name, options, sys.stdout)
        for line in shown.warnings:
            _warn(line)
        for file in shown.files:
            _error(f"valuate: note: wrote {file} ({shown.run.label}, {shown.services} services)")
        return EXIT_OK

    sys.exit(_run(go, debug=_debug(opts)))


@history_group.command("trend")
@settings(HISTORY_TREND)
@click.option("--service", default=None, metavar="ID", help="One service's timeline: verdict, criteria, "
              "failing findings and since when.")
@click.option("--criterion", default=None, metavar="C", help="Counts of one criterion or warranty dimension "
              "(utility, warranty, value, availability, ...) instead of verdicts.")
@click.option("--last", type=click.IntRange(min=1), default=12, show_default=True, metavar="N",
              help="The last N runs.")
@json_format
def history_trend(ctx, service, criterion, last, fmt, **opts) -> None:
    """Verdict counts per review (or one criterion's), or one service's timeline (--service)."""
    def go() -> int:
        _, history = _history(ctx, HISTORY_TREND, opts)
        if service is not None:
            moments = history.timeline(service, last)
            out = history_text.timeline_json(service, moments) if fmt == "json" else \
                history_text.timeline_text(service, moments, history.shown)
        else:
            columns, rows = history.counts(last, criterion)
            out = history_text.counts_json(columns, rows, criterion) if fmt == "json" else \
                history_text.counts_text(columns, rows, history.shown, criterion)
        click.echo(out, nl=False)
        return EXIT_OK

    sys.exit(_run(go, debug=_debug(opts)))


@history_group.command("prune")
@settings(HISTORY_PRUNE)
@click.option("--keep", type=click.IntRange(min=0), default=None, metavar="N", help="Keep the last N runs.")
@click.option("--before", type=DateType(), default=None, help="Remove the runs evaluated before this date.")
def history_prune(ctx, keep, before, **opts) -> None:
    """Remove old runs (--keep N or --before DATE); later runs keep their 'failing since' dates."""
    def go() -> int:
        _, history = _history(ctx, HISTORY_PRUNE, opts, write=True)
        removed, findings = history.prune(keep, before.isoformat() if before else None)
        names = ", ".join(str(r.id) for r in removed)
        click.echo(f"removed {len(removed)} run{'s' * (len(removed) != 1)}" + (f" ({names})" if names else "")
                   + f" and {findings} finding{'s' * (findings != 1)} no run refers to any more from {history.shown}")
        return EXIT_OK

    sys.exit(_run(go, debug=_debug(opts)))


@history_group.command("export")
@click.argument("runs", nargs=-1, metavar="[RUN]...")
@settings(HISTORY_EXPORT)
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None,
              help="Write to FILE (atomically) instead of standard output.")
def history_export(ctx, runs, output, **opts) -> None:
    """Write runs (default: all) as JSON Lines: a run line, then one line per service with its findings."""
    def go() -> int:
        _, history = _history(ctx, HISTORY_EXPORT, opts)
        if output and output != "-":
            with atomic_output(output, [history.store.url.file] if history.store.url.file else []) as fh:
                lines = history.export(fh, tuple(runs))
            _error(f"valuate: note: wrote {output} ({lines} lines)")
        else:
            history.export(sys.stdout, tuple(runs))
        return EXIT_OK

    sys.exit(_run(go, debug=_debug(opts)))


@history_group.command("migrate")
@settings(HISTORY_MIGRATE)
def history_migrate(ctx, **opts) -> None:
    """Upgrade a store made by an older valuate to this valuate's schema (check --store does it too)."""
    def go() -> int:
        _, history = _history(ctx, HISTORY_MIGRATE, opts, write=True)
        click.echo("\n".join(history.store.notes) or f"the store {history.shown} has schema version {SCHEMA} already")
        return EXIT_OK

    sys.exit(_run(go, debug=_debug(opts)))


if __name__ == "__main__":
    main()
