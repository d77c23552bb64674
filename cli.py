"""valuate's command line: a thin face over the library in ``engine``.

Commands take their options from the one settings table (engine/config),
hand what the command line gave to the library, which resolves it against
the environment and the config file into typed requests, call the library
and turn results into exit codes; the codes and the one handler that prints
user errors as a single line live here.
"""
from __future__ import annotations

import json
import os
import signal
import sys
from typing import Any

import click

from .engine.atomic import WRITE_ERRORS, atomic_output
from .engine.checkjob import CheckJob
from .engine.compare import dump_baseline
from .engine.config import DEFAULT, baseline_file, parameter_value, resolve
from .engine.config.options import given, settings
from .engine.config.settings import (BASELINE, CHECK, CONFIG_SHOW, DIFF, EXPLAIN, FACTS, HISTORY_EXPORT, HISTORY_LIST,
                                     HISTORY_MIGRATE, HISTORY_PRUNE, HISTORY_SHOW, HISTORY_TREND, INIT, RULES_LINT,
                                     RULES_LIST, RULES_SCHEMA, RULES_SHOW, RULES_TEST, SERVE, TUNE)
from .engine.config.show import gather, show_json, show_text
from .engine.outputs import output_specs
from .engine.errors import Location, UserError, did_you_mean
from .engine.evaluate import default_jobs
from .engine.model import counted
from .engine.governance.baseline import create_baseline
from .engine.governance.diff import diff_text, run_diff
from .engine.governance.lint import lint
from .engine.governance.pack_schema import pack_schemas, target_dir
from .engine.governance import show as rule_view
from .engine.governance.scaffold import next_steps, scaffold
from .engine.governance.testing import percent as coverage_percent
from .engine.governance.testing import run_tests, tests_json, tests_text
from .engine.governance.ranges import expand as expand_ranges
from .engine.governance.tune import run_tune, split_values, tune_text
from .engine.history import SCHEMA, open_history, parse_store
from .engine.history import text as history_text
from .engine.history.show import ShowOptions
from .engine.history.show import show as show_run
from .engine.ingest.mapping.facts import render as render_facts
from .engine.pipeline import facts_document, run
from .engine.policy import load_policy
from .engine.reads import run_inputs
from .engine.report.explanation import explain_json, explain_rule, explain_text
from .engine.request import RunOptions, RunRequest
from .engine.report.terminal import safe
from .engine.serve import ServeConfig, read_token
from .engine.serve.run import serve_forever
from .engine.version import VERSION
from .engine.watch import watch_and_run

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a tool whose reader closed the pipe
EXIT_TERMINATED = 143  # 128 + SIGTERM


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
    """Call into the library, mapping errors to one line and an exit code.

    ``read``: a dict that gets the files the call read (engine/reads.py), for --watch."""
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


def _call(fn, debug: bool, *args, read=None, **kwargs) -> int:
    try:
        with run_inputs() as inputs:  # what the command reads: no output of it may replace one
            if read is not None:
                read["last"] = inputs
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


# --- every option comes from the settings table (engine/config/settings.py) ----

def _resolved(ctx, command: str, opts: dict, catalogs=()):
    """The command's settings: what its command line gave, over environment, file and defaults."""
    explicit = given(ctx, opts)
    if catalogs:
        explicit["catalogs"] = tuple(catalogs)
    resolved = resolve(command, explicit)
    for line in resolved.warnings:
        _warn(line)
    return resolved


def _warn(line: str) -> None:
    _error(f"valuate: warning: {line}")


def _dumps(doc: Any) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2, default=str)


def _debug(opts: dict) -> bool:
    return bool(opts.get("debug"))


def _once_or_watching(go, opts: dict, watched, written=lambda: []) -> int:
    """Run ``go`` once, or with --watch now and again on every change to the ``watched()``
    files or to any file a run read (engine/watch.py), never on a change of the ``written()``
    ones; a bad setting met while finding them is a user error too."""
    debug = _debug(opts)
    if not opts["watch"]:
        return _run(go, debug=debug)
    paths: list = []
    outputs: list = []
    code = _run(lambda: paths.extend(p for p in watched() if p) or outputs.extend(written()) or EXIT_OK,
                debug=debug)
    if code != EXIT_OK:
        return code
    return _watching(paths, go, debug, outputs)


def _watching(named, go, debug: bool, outputs=()) -> int:
    """Run ``go`` now and again whenever a file it read, or one of ``named``, changes
    (engine/watch.py); never on a change of its own ``outputs``. Ctrl-C or SIGTERM, during a
    run or between runs, ends the watch."""
    if "-" in named:  # read once: a change to it can never be seen, the watch would wait forever
        _error("valuate: error: --watch cannot watch standard input (-): name the catalog file")
        return EXIT_USAGE
    seen: dict = {}

    def paths() -> list:
        last = seen.get("last")
        return [p for p in named if p] + (last.watched() if last is not None else [])

    def say(line: str) -> None:
        click.echo(line, err=True)

    def terminate(signum, frame) -> None:
        # between runs the watcher turns any signal into KeyboardInterrupt: remember which
        seen["terminated"] = True
        _terminate(signum, frame)

    previous = {s: signal.signal(s, terminate) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        code = watch_and_run(paths, lambda: _run(go, debug=debug, read=seen), say, outputs=outputs,
                             stop_codes=(EXIT_INTERRUPTED, EXIT_TERMINATED))
        return EXIT_TERMINATED if seen.get("terminated") else code
    except Terminated:
        say("valuate: stopped watching")
        return EXIT_TERMINATED
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(VERSION, prog_name="valuate")
def main() -> None:
    """Judge IT services the way ITIL 4 does: valuable, not valuable or indeterminate."""


@main.command()
@click.argument("catalogs", nargs=-1, type=click.Path())
@settings(CHECK)
def check(ctx, catalogs, **opts) -> None:
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

    def watched() -> list:  # the files the settings name (also those not there yet), besides those each run reads
        return _resolved(ctx, CHECK, opts, catalogs).files_read()

    def written() -> list:  # its reports and its run store: never a change
        s = _resolved(ctx, CHECK, opts, catalogs)
        return [o.file for o in output_specs(s["format"], s["output"]) if o.file] + s.files_changed_by_run()

    sys.exit(_once_or_watching(go, opts, watched, written))


@main.command()
@click.argument("catalog", type=click.Path())
@click.argument("service_id")
@settings(EXPLAIN)
def explain(ctx, catalog, service_id, **opts) -> None:
    """Explain one service's verdict: criteria, rules, conditions, values, why not."""

    def go() -> int:
        resolved = _resolved(ctx, EXPLAIN, opts)
        rule, fmt = resolved["rule"], resolved["format"]
        current = run(RunRequest(resolved.policy(), resolved.inputs((catalog,)),
                                 RunOptions(conditions=True, only=service_id, suggest=rule is None)))
        result = next(current.results(), None)
        if result is None:
            raise UserError(f"no service with id {service_id!r} in {catalog}", Location(file=str(catalog)))
        if rule is not None:
            rule = current.policy.current_id(rule)  # a former id (aliases:) names the rule it became
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
def facts(ctx, catalogs, **opts) -> None:
    """Print the canonical facts a mapping makes of CATALOG exports, with provenance.

    Runs no rules: for checking a mapping. Exit 1 when a record has errors.
    The output is itself a catalog: valuate check reads it as it is."""
    def go() -> int:
        resolved = _resolved(ctx, FACTS, opts, catalogs)
        doc, output = facts_document(resolved.inputs()), resolved["output"]
        if output and output != "-":
            with atomic_output(output, resolved.files_read()) as fh:
                render_facts(doc, resolved["format"], fh)
        else:
            render_facts(doc, resolved["format"], sys.stdout)
        return EXIT_FINDINGS if doc["summary"]["errors"] else EXIT_OK

    sys.exit(_run(go, debug=_debug(opts)))


@main.group("baseline")
def baseline_group() -> None:
    """Accept today's findings: fail CI only on what is new (check --baseline FILE)."""


@baseline_group.command("create")
@click.argument("catalogs", nargs=-1, type=click.Path())
@settings(BASELINE)
def baseline_create(ctx, catalogs, **opts) -> None:
    """Record the open findings of CATALOG: by service id and rule id, each with a fingerprint of its
    status and of the recorded facts the finding depends on (so a change in them is news)."""

    def go() -> int:
        resolved = _resolved(ctx, BASELINE, opts, catalogs)
        if resolved.origins["output"] != DEFAULT:  # -o, [baseline-create] output or its variable
            target, origin = resolved["output"], resolved.origins["output"]
        else:  # the baseline check reads, so that the next check finds what was written
            explicit = given(ctx, opts)
            target, origin = baseline_file(None, explicit.get("config"), bool(explicit.get("no_config")))
        doc, summary, advisory = create_baseline(resolved.request(suggest=False), target,
                                                 resolved["include_advisory"])
        # the earlier baseline at the target is read (for its dates) and replaced, as intended
        with atomic_output(target, [f for f in resolved.files_read() if f != target]) as fh:
            dump_baseline(doc, fh)
        left_out = (f"; {counted(summary.waived, 'waived finding')} left out (each is new once its waiver ends)"
                    if summary.waived else "")
        if advisory:
            left_out += (f"; {counted(advisory, 'advisory finding')} left out (they never fail a job; "
                         "--include-advisory keeps them)")
        named = f" (the baseline of {origin})" if origin not in ("command line", "default") else ""
        _error(f"valuate: wrote {target}{named}: {counted(doc['entries'], 'finding')} of {counted(summary.services, 'service')}{left_out}")
        return EXIT_OK

    sys.exit(_run(go, debug=_debug(opts)))


@main.group("config")
def config_group() -> None:
    """The settings in force: command line > VALUATE_* environment > config file > default."""


@config_group.command("show")
@click.argument("catalogs", nargs=-1, type=click.Path())
@settings(CONFIG_SHOW)
def config_show(ctx, catalogs, **opts) -> None:
    """Print every setting, its value and where it came from: the shared ones (as valuate
    check reads them), then each command's own table ([serve], [rules-lint], ...).

    Takes check's options too, to show what a command line would change."""

    def go() -> int:
        explicit = given(ctx, opts)
        if catalogs:
            explicit["catalogs"] = tuple(catalogs)
        shown = gather(explicit)
        for line in shown.warnings:
            _warn(line)
        click.echo(_dumps(show_json(shown)) if shown.as_json else show_text(shown), nl=shown.as_json)
        return EXIT_OK

    sys.exit(_run(go))


@main.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False))
@settings(INIT)
def init(ctx, directory, **opts) -> None:
    """Scaffold a policy in DIRECTORY: a pack with one rule and its tests, a profile, waivers, valuate.toml."""

    def go() -> int:
        resolved = _resolved(ctx, INIT, opts)
        pack = resolved["pack"]
        for path in scaffold(directory, pack, resolved["force"]):
            click.echo(f"created {path}")
        click.echo("next:")
        for line in next_steps(directory, pack):
            click.echo(f"  {line}")
        return EXIT_OK

    sys.exit(_run(go, debug=_debug(opts)))


@main.group("rules")
def rules_group() -> None:
    """Inspect rule packs."""


@rules_group.command("list")
@settings(RULES_LIST)
def rules_list(ctx, **opts) -> None:
    """List the rules of the packs with their criterion, severity and title."""

    def go() -> int:
        resolved = _resolved(ctx, RULES_LIST, opts)
        policy = load_policy(resolved.policy())
        if resolved["format"] == "json":
            click.echo(json.dumps([r.to_dict() for r in policy.rules], ensure_ascii=False, indent=2))
            return EXIT_OK
        for r in policy.rules:
            click.echo(safe(f"{r.id:<9} {r.criterion:<22} {r.severity:<8} {r.title}"))
        click.echo(f"\n{counted(len(policy.rules), 'rule')} in {', '.join(p.name for p in policy.packs)}")
        return EXIT_OK

    sys.exit(_run(go, debug=_debug(opts)))


@rules_group.command("show")
@click.argument("rule_id", metavar="RULE")
@settings(RULES_SHOW)
def rules_show(ctx, rule_id, **opts) -> None:
    """Print one rule as loaded: its metadata, its condition in the rule language and the
    parameters it reads (under --profile and --set); with --compiled, the durable-rules
    rules it becomes, as durable-rules registers them."""

    def go() -> int:
        resolved = _resolved(ctx, RULES_SHOW, opts)
        policy, fmt = load_policy(resolved.policy()), resolved["format"]
        if resolved["compiled"]:
            view = rule_view.compiled(policy, rule_id)
            text, doc = (rule_view.compiled_text(view), None) if fmt == "text" else ("", view.to_dict())
        else:
            doc = rule_view.loaded(policy, rule_id)
            text, doc = (rule_view.loaded_text(doc), None) if fmt == "text" else ("", doc)
        click.echo(_dumps(doc) if doc is not None else _text(text), nl=doc is not None)
        return EXIT_OK

    sys.exit(_run(go, debug=_debug(opts)))


@rules_group.command("lint")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@settings(RULES_LINT)
def rules_lint(ctx, paths, **opts) -> None:
    """Check rule packs: schema, fact paths, types, duplicates, conditions that never or always hold, limits.

    Exit 2 when there are errors; 0 when there are only warnings (printed)."""

    def go() -> int:
        resolved = _resolved(ctx, RULES_LINT, opts)
        result = lint(list(paths), resolved["profile"], resolved["waivers"], resolved["as_of"],
                      resolved["waiver_warning_days"])
        if resolved["format"] == "json":
            click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        else:
            click.echo(_text(result.text()), nl=False)
        return EXIT_USAGE if result.errors else EXIT_OK

    sys.exit(_run(go, debug=_debug(opts)))


@rules_group.command("schema")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@settings(RULES_SCHEMA)
def rules_schema(ctx, paths, **opts) -> None:
    """Write editor schemas that know the packs' own derived facts and parameters.

    PATHS are the packs (required ones first). The condition schema's fact paths are the
    catalog's and those the packs declare, nothing else; the rule file and rule test schemas
    are copied beside it. Point a rule file at it: '# yaml-language-server:
    $schema=../schemas/rule-file.schema.json'."""

    def go() -> int:
        output = _resolved(ctx, RULES_SCHEMA, opts)["output"]
        files = pack_schemas(list(paths))
        where = target_dir(list(paths), output)
        for name, text in files.items():
            with atomic_output(str(where / name)) as fh:
                fh.write(text)
        _error(f"valuate: wrote {', '.join(files)} to {where}")
        return EXIT_OK

    sys.exit(_run(go, debug=_debug(opts)))


@rules_group.command("test")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@settings(RULES_TEST)
def rules_test(ctx, paths, **opts) -> None:
    """Run the YAML rule test cases of packs; report failures with explanations, and coverage.

    Exit 1 when a case fails or coverage is below --min-coverage; 2 on a bad pack or case file."""

    def go() -> int:
        resolved = _resolved(ctx, RULES_TEST, opts)
        minimum = resolved["min_coverage"]
        runs = run_tests(list(paths), list(resolved["cases"]) or None, resolved["profile"],
                         list(resolved["rules_of"]) or None)
        covered = coverage_percent(runs)
        if resolved["format"] == "json":
            click.echo(json.dumps(tests_json(runs, minimum), ensure_ascii=False, indent=2))
        else:
            click.echo(_text(tests_text(runs)), nl=False)
        failed = sum(len(r.failed) for r in runs)
        low = minimum is not None and covered < minimum
        if low:
            click.echo(f"valuate: coverage {covered:.1f}% is below --min-coverage {minimum:g}%", err=True)
        return EXIT_FINDINGS if failed or low else EXIT_OK

    def watched() -> list:
        s = _resolved(ctx, RULES_TEST, opts)
        return [*paths, *s["cases"], s["profile"]]

    sys.exit(_once_or_watching(go, opts, watched))


@main.command()
@click.argument("catalogs", nargs=-1, type=click.Path())
@settings(DIFF)
def diff(ctx, catalogs, **opts) -> None:
    """Evaluate CATALOG under two policies and list every service whose verdict, criteria or findings changed."""

    def go() -> int:
        resolved = _resolved(ctx, DIFF, opts, catalogs)
        base, head, fmt = resolved["base"], resolved["head"], resolved["format"]
        head_as_of = resolved["head_as_of"]
        if not base and not head and head_as_of is None:
            raise UserError("diff needs --base and/or --head (rule packs and/or a profile), or --head-as-of")
        report = run_diff(resolved.inputs(), base, head, resolved.policy(), head_as_of)
        click.echo(_dumps(report.to_dict()) if fmt == "json" else _text(diff_text(report)), nl=fmt == "json")
        return EXIT_FINDINGS if resolved["fail_on_change"] and report.changes else EXIT_OK

    sys.exit(_run(go, debug=_debug(opts)))


@main.command()
@click.argument("catalogs", nargs=-1, type=click.Path())
@settings(TUNE)
def tune(ctx, catalogs, **opts) -> None:
    """For each value of a parameter: verdict counts and the services that change versus the current value."""

    def go() -> int:
        resolved = _resolved(ctx, TUNE, opts, catalogs)
        param, fmt = resolved["param"], resolved["format"]
        tried = expand_ranges(split_values(resolved["values"]), lambda v: parameter_value(v, f"--values {param}"),
                              f"--values {param}")
        report = run_tune(resolved.inputs(), param, tried, resolved.policy(), resolved["case"])
        click.echo(_dumps(report.to_dict()) if fmt == "json" else _text(tune_text(report)), nl=fmt == "json")
        return EXIT_OK

    sys.exit(_run(go, debug=_debug(opts)))


@main.command()
@settings(SERVE)
def serve(ctx, **opts) -> None:
    """Evaluate services on request over HTTP (docs/guides/serve.md).

    --mapping is the mapping /v1/evaluate/raw uses when a request names none
    (presets are always allowed)."""

    def go() -> int:
        s = _resolved(ctx, SERVE, opts)
        store = s["store"]
        if store:
            parse_store(store)  # at start-up a store URL must at least read as one (exit 2 otherwise)
        token = read_token(s["token_file"]) if s["token_file"] else None
        inputs = tuple(str(p) for p in (s["token_file"], s.file) if p)
        serve_forever(ServeConfig(s.policy(), s["host"], s["port"], s["workers"] or default_jobs(),
                                  mapping=s["mapping"], token=token, decision_log=s["decision_log"],
                                  timeout=s["timeout"], max_pending=s["max_pending"] or 0,
                                  max_services=s["max_services"], max_body_bytes=s["max_body_bytes"],
                                  read_timeout=s["read_timeout"], max_connections=s["max_connections"],
                                  inputs=inputs, store=store))
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


@history_group.command("list")
@settings(HISTORY_LIST)
def history_list(ctx, **opts) -> None:
    """List the recorded runs: when, evaluation date, verdict counts, rules and input digests."""
    def go() -> int:
        resolved, history = _history(ctx, HISTORY_LIST, opts)
        runs, fmt = history.runs(resolved["last"]), resolved["format"]
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
                              resolved["color"], resolved["sarif_include"], resolved["include_advisory"])
        shown = show_run(history, run_name, options, sys.stdout)
        for line in shown.warnings:
            _warn(line)
        for file in shown.files:
            _error(f"valuate: note: wrote {file} ({shown.run.label}, {shown.services} services)")
        return EXIT_OK

    sys.exit(_run(go, debug=_debug(opts)))


@history_group.command("trend")
@settings(HISTORY_TREND)
def history_trend(ctx, **opts) -> None:
    """Verdict counts per review (or one criterion's), or one service's timeline (--service)."""
    def go() -> int:
        resolved, history = _history(ctx, HISTORY_TREND, opts)
        service, criterion, last, fmt = (resolved[k] for k in ("service", "criterion", "last", "format"))
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
def history_prune(ctx, **opts) -> None:
    """Remove old runs (--keep N or --before DATE); later runs keep their 'failing since' dates."""
    def go() -> int:
        resolved, history = _history(ctx, HISTORY_PRUNE, opts, write=True)
        keep, before = resolved["keep"], resolved["before"]
        removed, findings = history.prune(keep, before.isoformat() if before else None)
        names = ", ".join(str(r.id) for r in removed)
        click.echo(f"removed {counted(len(removed), 'run')}" + (f" ({names})" if names else "")
                   + f" and {counted(findings, 'finding')} no run refers to any more from {history.shown}")
        return EXIT_OK

    sys.exit(_run(go, debug=_debug(opts)))


@history_group.command("export")
@click.argument("runs", nargs=-1, metavar="[RUN]...")
@settings(HISTORY_EXPORT)
def history_export(ctx, runs, **opts) -> None:
    """Write runs (default: all) as JSON Lines: a run line, then one line per service with its findings."""
    def go() -> int:
        resolved, history = _history(ctx, HISTORY_EXPORT, opts)
        output = resolved["output"]
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
