"""Issue 16, hardening round 2: every case of the second adversarial pass through the
real CLI, in a subprocess with a timeout, each asserting its outcome: the exit code,
the records reported, that outputs parse in their format, and that no file other
than the requested output was created. Small inputs are in tests/adversarial/;
big or binary ones are generated (tests/hostile.py) into tmp_path.
"""
from __future__ import annotations

import json
import os
import re
import resource
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import hostile
from conftest import AS_OF, ROOT, bench_module
from procs import SESSION, live_processes

CORPUS = ROOT / "tests" / "adversarial"
SAMPLE = ROOT / "facts" / "samples" / "catalog.yaml"
MAPPING = CORPUS / "mapped.mapping.yaml"
TIMEOUT = 30  # the issue: every case ends within 30 s
FORMATS = ("text", "json", "jsonl", "markdown", "html", "junit", "sarif")


def valuate(*args, cwd: Path, timeout: float = TIMEOUT, **kwargs) -> subprocess.CompletedProcess:
    """The CLI in a subprocess: never an internal error (3), never a traceback."""
    proc = subprocess.run([sys.executable, "-m", "valuate", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, **kwargs)
    assert proc.returncode != 3, proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def refused(proc, *fragments) -> str:
    """Exit 2 with one line on standard error holding every fragment."""
    line = proc.stderr.strip()
    assert proc.returncode == 2, proc.stderr
    assert line.count("\n") == 0 and line.startswith("valuate: error: "), line
    for fragment in fragments:
        assert fragment in line, line
    return line


def strict_json(text: str):
    """JSON as the standard has it: a bare NaN or Infinity token is an error."""
    def bare(token):
        raise AssertionError(f"bare {token} in JSON output")
    return json.loads(text, parse_constant=bare)


def parses(fmt: str, text: str) -> int:
    """Check the output parses in its format; the number of service records it holds."""
    if fmt == "json":
        return len(strict_json(text)["services"])
    if fmt == "jsonl":
        lines = [strict_json(line) for line in text.splitlines()]
        assert lines[0]["type"] == "header" and lines[-1]["type"] == "summary"
        return sum(1 for line in lines if line["type"] == "service")
    if fmt == "junit":
        return len(list(ET.fromstring(text).iter("testcase")))
    if fmt == "sarif":
        return sum(1 for r in strict_json(text)["runs"][0]["results"] if r["ruleId"] == "valuate.verdict")
    if fmt == "html":
        return text.count('<section class="svc"')
    if fmt == "markdown":
        return text.count('<a id="service-')
    summary = next(line for line in text.splitlines() if re.match(r"\d+ services?:", line))
    return int(summary.split(" service")[0])


def check(catalog, *extra, cwd: Path, fmt: str = "json", code=(0, 1)):
    # SARIF holds every record's verdict result only when asked (by default, failures alone)
    every = ("--sarif-include", "unknown,met") if fmt == "sarif" else ()
    proc = valuate("check", catalog, "--format", fmt, "--as-of", AS_OF, "--no-suggestions", *every, *extra,
                   cwd=cwd)
    assert proc.returncode in code, proc.stderr
    return proc


def services(catalog, *extra, cwd: Path) -> list:
    return strict_json(check(catalog, *extra, cwd=cwd).stdout)["services"]


@pytest.fixture
def work(tmp_path):
    """The working directory of the CLI: no temporary output file may be left in it."""
    yield tmp_path
    leftovers = [p for p in tmp_path.rglob(".*.tmp")]
    assert not leftovers, f"temporary files left behind: {leftovers}"


# -- Records silently lost ---------------------------------------------------------------

@pytest.mark.parametrize("name,line,fragment", [
    ("two-arrays.json", 2, "a second JSON document after the end of the catalog"),
    ("duplicate-services.json", 2, "duplicate key 'services'"),
    ("trailing-garbage.json", 1, "more text after the end of the catalog"),
    ("truncated.json", 2, "invalid JSON"),
    ("unclosed-quote.csv", 2, "never closed"),
])
def test_a_catalog_that_would_lose_records_is_refused_at_its_line(work, name, line, fragment):
    proc = valuate("check", CORPUS / name, "--as-of", AS_OF, "--output", work / "out.json", cwd=work)
    refused(proc, f"{name}:{line}", fragment)
    assert list(work.iterdir()) == []  # no output, no temporary file
    streamed = valuate("check", CORPUS / name, "--as-of", AS_OF, "--jobs", "1", cwd=work)
    assert streamed.returncode == 2 and streamed.stdout == ""  # refused before any record went out


def test_duplicate_keys_in_mapped_exports_are_errors(work):
    got = services(CORPUS / "duplicate-keys-mapped.jsonl", "--mapping", MAPPING, cwd=work)
    assert [(s["id"], s["verdict"]) for s in got] == [(None, "error"), ("once", "indeterminate")]
    assert "duplicate key 'target'" in got[0]["message"]
    proc = valuate("check", CORPUS / "nan-mapped.json", "--mapping", MAPPING, "--format", "json",
                   "--as-of", AS_OF, cwd=work)
    assert proc.returncode == 1
    doc_level = CORPUS / "duplicate-document-mapped.json"
    mapping = work / "result.mapping.yaml"
    mapping.write_text("records: result[*]\nfields: {id: id, name: name}\n")
    refused(valuate("check", doc_level, "--mapping", mapping, cwd=work), "duplicate key 'result'", "refused")


def test_blank_rows_are_counted(work):
    text = check(CORPUS / "blank-rows.csv", cwd=work, fmt="text")
    summary_line = next(line for line in text.stdout.splitlines() if line.startswith("2 services:"))
    assert summary_line.endswith("; 3 blank rows skipped")
    assert "3 blank rows skipped" in text.stderr
    summary = strict_json(check(CORPUS / "blank-rows.csv", cwd=work).stdout)["summary"]
    assert summary["services"] == 2 and summary["blank_rows_skipped"] == 3
    book = hostile.xlsx(work / "blank.xlsx", hostile.sheet([["id", "name"], ["a", "A"], [""], ["b", "B"]]))
    assert strict_json(check(book, cwd=work).stdout)["summary"]["blank_rows_skipped"] == 1
    facts = strict_json(valuate("facts", CORPUS / "blank-rows.csv", "--format", "json", cwd=work).stdout)
    assert facts["summary"]["records"] == 2 and facts["summary"]["blank_rows_skipped"] == 3


def test_a_big_csv_cell_is_read_and_a_row_over_the_record_limit_is_an_error(work):
    path = work / "cell.csv"
    path.write_text("id,name\na," + "x" * 200_000 + "\nb,B\n")
    assert [s["verdict"] for s in services(path, cwd=work)] == ["indeterminate", "indeterminate"]
    got = services(path, "--limit", "max_record_bytes=100000", cwd=work)
    assert [s["verdict"] for s in got] == ["error", "indeterminate"]
    assert "over the record limit of 100,000" in got[0]["message"]


# -- Crashes on plausible input ---------------------------------------------------------

@pytest.mark.parametrize("fmt", FORMATS)
def test_half_characters_are_errors_in_every_format(work, fmt):
    proc = check(CORPUS / "surrogates.json", cwd=work, fmt=fmt)
    assert parses(fmt, proc.stdout) == 3
    if fmt == "json":
        got = strict_json(proc.stdout)["services"]
        assert [(s["id"], s["verdict"]) for s in got] == [("\\ud800", "error"), ("ok", "error"),
                                                           ("fine", "indeterminate")]
        assert "unpaired surrogate \\udc00" in got[1]["message"] and got[2]["name"] == "\U0001F600"


def test_impossible_yaml_dates_are_errors_on_their_field(work):
    got = services(CORPUS / "impossible-dates.yaml", cwd=work)
    assert [(s["id"], s["verdict"]) for s in got] == [("feb30", "error"), ("offset", "error"),
                                                       ("fine", "indeterminate")]
    assert "expected a date as YYYY-MM-DD, got a string ('2026-02-30')" in got[0]["message"]
    proc = valuate("check", SAMPLE, "--waivers", CORPUS / "impossible-date-waivers.yaml", cwd=work)
    assert proc.returncode == 2 and "impossible-date-waivers.yaml:2" in proc.stderr


def test_integers_too_long_for_python_are_error_records(work):
    big = "9" * 5000
    (work / "big.json").write_text(f'[{{"id": "a", "tier": {big}}}, {{"id": "b"}}]')
    (work / "big.yaml").write_text(f"- id: a\n  tier: {big}\n- id: b\n")
    (work / "big.jsonl").write_text(f'{{"id": "a", "tier": {big}}}\n{{"id": "b"}}\n')
    for name in ("big.json", "big.yaml", "big.jsonl"):
        got = services(work / name, cwd=work)
        assert [(s["id"], s["verdict"]) for s in got] == [("a", "error"), ("b", "indeterminate")], name
        assert "too large" in got[0]["message"] and "5,000-digit" in got[0]["message"]


def test_excel_durations_and_times(work):
    import datetime as dt
    rows = [["id", "name", "warranty.continuity.rto_hours", "warranty.continuity.last_tested"],
            ["a", "A", dt.timedelta(hours=2), "2026-06-01"],
            ["b", dt.timedelta(hours=3), dt.time(4, 30), dt.time(10, 0)]]
    book = hostile.xlsx_cells(work / "times.xlsx", rows, {"C2": "[h]:mm", "B3": "[h]:mm", "C3": "h:mm",
                                                          "D3": "h:mm"})
    for fmt in ("text", "json"):
        proc = check(book, cwd=work, fmt=fmt)
        assert parses(fmt, proc.stdout) == 2 and "datetime." not in proc.stdout
    got = strict_json(proc.stdout)["services"]
    assert got[0]["verdict"] != "error" and got[1]["verdict"] == "error"
    assert "got a time of day (10:00:00)" in got[1]["message"]  # a date field: not read as a date
    facts = strict_json(valuate("facts", book, "--format", "json", cwd=work).stdout)["services"]
    assert facts[0]["fact"]["warranty"]["continuity"]["rto_hours"] == 2  # an Excel duration: hours
    assert facts[1]["fact"]["warranty"]["continuity"]["rto_hours"] == 4.5  # a time in a duration field


def test_binary_and_set_values_in_a_mapped_yaml_export(work):
    for fmt in ("text", "json"):
        proc = check(CORPUS / "binary-set-mapped.yaml", "--mapping", MAPPING, cwd=work, fmt=fmt)
        assert parses(fmt, proc.stdout) == 2
    got = strict_json(proc.stdout)["services"]
    assert got[0]["verdict"] == "error" and "got binary data (5 bytes)" in got[0]["message"]
    facts = strict_json(valuate("facts", CORPUS / "binary-set-mapped.yaml", "--mapping", MAPPING,
                                "--format", "json", cwd=work).stdout)
    assert facts["services"][1]["fact"]["tags"] == ["x", "y"]


@pytest.mark.parametrize("case", ["entity", "bomb-entities", "broken-workbook"])
def test_hostile_xml_in_a_workbook_is_refused(work, case):
    if case == "entity":
        prolog = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        book = hostile.xlsx(work / "x.xlsx", hostile.sheet([["id", "name"], ["a", "&xxe;"]], prolog=prolog))
    elif case == "bomb-entities":
        lol = "".join(f'<!ENTITY l{i + 1} "{f"&l{i};" * 10}">' for i in range(8))
        book = hostile.xlsx(work / "x.xlsx", hostile.sheet([["id", "name"], ["a", "&l8;"]],
                                                           prolog=f'<!DOCTYPE x [<!ENTITY l0 "lol">{lol}]>'))
    else:
        book = hostile.xlsx(work / "x.xlsx", workbook="<workbook><sheets><sheet")
    fragment = "not a readable XLSX workbook"
    refused(valuate("check", book, "--as-of", AS_OF, cwd=work), "x.xlsx", fragment)


def test_floats_with_exponents_reach_durable_rules_spelled_out(work):
    proc = valuate("check", SAMPLE, "--set", "min_headroom=0.00001", "--as-of", AS_OF, "--format", "json",
                   cwd=work)
    assert proc.returncode == 1 and len(strict_json(proc.stdout)["services"]) == 15
    pack = CORPUS / "float-literals-pack.yaml"
    assert valuate("rules", "lint", pack, cwd=work).returncode == 0
    assert valuate("check", SAMPLE, "--rules", pack, "--as-of", AS_OF, "--fail-on", "never", cwd=work).returncode == 0


@pytest.mark.parametrize("pack,fragment", [
    ("huge-literal-pack.yaml", "out of range"),
    ("bad-minimum-pack.yaml", "minimum must be a number"),
    ("infinite-default-pack.yaml", "at most 1e+15"),
])
def test_pack_numbers_are_checked_at_load_time_by_check_and_lint(work, pack, fragment):
    proc = valuate("check", SAMPLE, "--rules", CORPUS / pack, "--as-of", AS_OF, cwd=work)
    assert proc.returncode == 2 and pack in proc.stderr and fragment in proc.stderr
    lint = valuate("rules", "lint", CORPUS / pack, cwd=work)
    assert lint.returncode == 2 and f"{pack}:" in lint.stdout and fragment in lint.stdout


@pytest.mark.parametrize("args,fragment", [
    (("--set", "weight_costs=1e300"), "weight_costs"),
    (("--set", "weight_costs=1.0e+300"), "at most 1e+15"),
    (("--set", "max_test_age_days=999999999"), "outside the calendar"),
    (("--as-of", "0001-01-01"), "outside the calendar"),
    (("--set", "x=[unclosed"), "--set x: cannot read the value"),
    (("--set", "min_headroom=2026-02-30"), "cannot read the value"),
    (("--limit", "max_depth=[1"), "--limit max_depth"),
    (("--limit", f"max_file_bytes={10 ** 30}"), "at most"),
])
def test_values_that_do_not_parse_or_leave_the_calendar_are_usage_errors(work, args, fragment):
    refused(valuate("check", SAMPLE, *(["--as-of", AS_OF] if "--as-of" not in args else []), *args, cwd=work),
            fragment)


def test_a_full_disk_is_a_usage_error_not_a_crash(work):
    with open("/dev/full", "w") as full:
        proc = subprocess.run([sys.executable, "-m", "valuate", "check", SAMPLE, "--as-of", AS_OF],
                              cwd=work, stdout=full, stderr=subprocess.PIPE, text=True, timeout=TIMEOUT)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip() == "valuate: error: cannot write to standard output: No space left on device"


def test_joins_and_exports_must_be_regular_files(work):
    proc = valuate("check", CORPUS / "crlf.json", "--mapping", CORPUS / "dev-zero-join.mapping.yaml", cwd=work)
    refused(proc, "/dev/zero", "not a regular file")
    refused(valuate("check", "/dev/zero", "--input-format", "json", cwd=work), "not a regular file")
    refused(valuate("check", CORPUS / "crlf.json", "--mapping", "/dev/zero", cwd=work))


def test_a_huge_json_lines_line_is_skipped_without_being_held(work):
    path = work / "huge.jsonl"
    with path.open("w") as fh:
        fh.write('{"id": "a"}\n{"id": "huge", "name": "' + "x" * (200 << 20) + '"}\n{"id": "b"}\n')
    probe = ("import resource, subprocess, sys; "
             "p = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, p.returncode); print(p.stdout)")
    proc = subprocess.run([sys.executable, "-c", probe, sys.executable, "-m", "valuate", "check", str(path),
                           "--format", "json", "--as-of", AS_OF, "--no-suggestions", "-j", "1"],
                          cwd=work, capture_output=True, text=True, timeout=TIMEOUT)
    head, _, body = proc.stdout.partition("\n")
    peak_kib, code = map(int, head.split())
    assert code == 1 and peak_kib < 150 * 1024, head  # the 200 MB line was never in memory
    got = strict_json(body)["services"]
    assert [s["verdict"] for s in got] == ["indeterminate", "error", "indeterminate"]
    assert "line 2 is 209,715,2" in got[1]["message"] and "over the record limit" in got[1]["message"]


# -- Hangs on tiny inputs ---------------------------------------------------------------

def test_a_workbook_whose_dimension_claims_the_whole_sheet(work):
    last = '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    book = hostile.xlsx(work / "dim.xlsx", hostile.sheet(dimension="A1:XFD1048576", extra=last))
    assert book.stat().st_size < 2000
    got = services(book, cwd=work)
    assert [(s["id"], s["verdict"]) for s in got] == [("a", "indeterminate"), ("b", "indeterminate"),
                                                       (None, "error")]
    assert "values beyond the 2 named columns" in got[2]["message"]


def test_a_workbook_that_unpacks_to_gigabytes_is_refused_unopened(work):
    book = hostile.xlsx_bomb(work / "bomb.xlsx", unpacked_mib=600)
    assert book.stat().st_size < 5 << 20
    started = time.monotonic()
    refused(valuate("check", book, cwd=work), "unpacks to", "over the limit", "max_xlsx_bytes")
    assert time.monotonic() - started < 10


def test_a_sheet_of_more_rows_than_excel_has_is_refused_unparsed(work):
    book = hostile.xlsx_many_rows(work / "rows.xlsx", rows=1_100_000)
    started = time.monotonic()
    refused(valuate("check", book, cwd=work), "more than 1,048,576 rows")
    assert time.monotonic() - started < 15


def test_money_text_that_used_to_backtrack(work):
    path = work / "money.csv"
    path.write_text("Service ID;Cost\nA;USD" + " " * 140 + "x\nB;\"USD;699.99\"\n")
    mapping = work / "money.mapping.yaml"
    mapping.write_text('input: {delimiter: ";"}\nfields:\n  id: Service ID\n  budget.actual: {from: Cost, parser: money}\n')
    got = services(path, "--mapping", mapping, cwd=work)
    assert [s["verdict"] for s in got] == ["error", "indeterminate"]


def test_every_parser_meets_10_kb_of_adversarial_text_quickly():
    from valuate.engine.ingest.mapping.parsers import PARSERS, ParseError, parse
    texts = ["USD" + " " * 10_000 + "x", "1" + " " * 10_000 + "x", " " * 10_000 + "%x", "1 " * 5_000 + "x",
             "9" * 10_000, "1," * 5_000, "P" + "1D" * 5_000, "1h" * 5_000, "01/02/" + "2" * 10_000,
             "1" + "\u00a0" * 10_000 + "x", "£" + "1 " * 5_000, "1e" + "9" * 10_000, "per cent " * 1_000,
             "1970-01-01 " + "0" * 10_000, "1 day " * 2_000, "x" * 10_000]
    for name in PARSERS:
        for text in texts:
            started = time.perf_counter()
            try:
                parse(name, text, {})
            except ParseError:
                pass
            assert time.perf_counter() - started < 0.5, (name, text[:20])


def test_a_hundred_thousand_columns(work):
    path = hostile.wide_csv(work / "wide.csv", 100_000)
    mapping = work / "wide.mapping.yaml"
    mapping.write_text("fields: {id: id, name: name}\n")
    started = time.monotonic()  # the unmapped-fields check took 42 s at 10,000 columns
    facts = strict_json(valuate("facts", path, "--mapping", mapping, "--format", "json", cwd=work).stdout)
    assert facts["summary"]["records"] == 3 and len(facts["unmapped_fields"][str(path)]) == 100_000
    assert time.monotonic() - started < 20


def test_profiles_extending_each_other_forty_times(work):
    profile = hostile.diamond_profiles(work)
    proc = valuate("check", SAMPLE, "--profile", profile, "--as-of", AS_OF, "--format", "json", cwd=work)
    assert proc.returncode == 1
    files = strict_json(proc.stdout)["profile"]["files"]
    assert [Path(f).name for f in files] == [f"p{i}.yaml" for i in (5, 4, 3, 2, 1)]  # each file once


def test_a_tiny_weight_gives_no_endless_suggestion(work):
    proc = valuate("check", SAMPLE, "--profile", CORPUS / "tiny-weight-profile.yaml", "--as-of", AS_OF,
                   "--format", "json", cwd=work)
    assert proc.returncode == 1 and len(strict_json(proc.stdout)["services"]) == 15


def test_ten_thousand_records_with_one_id_are_quick(work):
    path = hostile.jsonl(work / "same.jsonl", [{"id": "same", "provider": f"p{i}"} for i in range(10_000)])
    started = time.monotonic()  # 50 s before: each duplicate was judged, then thrown away
    proc = valuate("check", path, "--format", "json", "--as-of", AS_OF, "--fail-on", "never", cwd=work)
    summary = strict_json(proc.stdout)["summary"]
    assert summary["services"] == 10_000 and summary["error"] == 9_999
    assert time.monotonic() - started < 20


# -- Output and process -----------------------------------------------------------------

def test_output_writes_through_a_symlink_and_refuses_other_nodes(work):
    real = work / "reports" / "real.json"
    real.parent.mkdir()
    link = work / "latest.json"
    link.symlink_to(real)
    proc = valuate("check", SAMPLE, "--format", "json", "--as-of", AS_OF, "--output", link, cwd=work)
    assert proc.returncode == 1 and link.is_symlink() and len(strict_json(real.read_text())["services"]) == 15
    fifo = work / "fifo"
    os.mkfifo(fifo)
    catalog = work / "catalog.yaml"
    catalog.write_bytes(SAMPLE.read_bytes())
    for target, fragment in ((fifo, "over a FIFO"), ("/dev/null", "over a device"),
                             (catalog, "would overwrite an input")):
        refused(valuate("check", catalog, "--as-of", AS_OF, "--output", target, cwd=work), fragment)
    assert catalog.read_bytes() == SAMPLE.read_bytes() and Path("/dev/null").is_char_device()
    assert sorted(p.name for p in work.iterdir()) == ["catalog.yaml", "fifo", "latest.json", "reports"]


def _session_processes(sid: int) -> list:
    return live_processes(SESSION, sid)


@pytest.fixture(scope="module")
def big_jsonl(tmp_path_factory):
    return bench_module("synth").write_catalog(30_000, tmp_path_factory.mktemp("big") / "big.jsonl")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_timeout_leaves_no_temporary_file_and_no_process(work, big_jsonl):
    """`timeout 5 valuate check big.jsonl --jobs 2 --output out.json` (the issue's words)."""
    proc = subprocess.Popen(["timeout", "5", sys.executable, "-m", "valuate", "check", str(big_jsonl), "--jobs", "2",
                             "--output", "out.json", "--as-of", AS_OF], cwd=work, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, err = proc.communicate(timeout=TIMEOUT)
    assert proc.returncode == 124 and "valuate: terminated" in err, err
    deadline = time.monotonic() + 5
    while _session_processes(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _session_processes(proc.pid) == []
    assert list(work.iterdir()) == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL])
def test_workers_never_outlive_the_main_process(work, big_jsonl, signum):
    proc = subprocess.Popen([sys.executable, "-m", "valuate", "check", str(big_jsonl), "--jobs", "2",
                             "--format", "jsonl", "--as-of", AS_OF], cwd=work, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 20
    while len(_session_processes(proc.pid)) < 3 and time.monotonic() < deadline:  # main and two workers
        time.sleep(0.1)
    assert len(_session_processes(proc.pid)) >= 3
    os.kill(proc.pid, signum)  # the main process only, as kill(1) or an OOM killer would
    proc.wait(timeout=TIMEOUT)
    deadline = time.monotonic() + 5
    while _session_processes(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _session_processes(proc.pid) == []
    assert proc.returncode == (143 if signum == signal.SIGTERM else -signal.SIGKILL)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_what_kill_9_leaves_is_removed_by_the_next_run(work, big_jsonl):
    """SIGKILL runs no handler, so the temporary file stays; the next run writing the same
    target removes it (its writer is dead), and never a live writer's."""
    cmd = [sys.executable, "-m", "valuate", "check", str(big_jsonl), "--jobs", "2", "--format", "jsonl",
           "--output", "out.jsonl", "--as-of", AS_OF, "--fail-on", "never"]
    proc = subprocess.Popen(cmd, cwd=work, start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while not list(work.glob(".out.jsonl.*.tmp")) and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=TIMEOUT)
    (left,) = work.glob(".out.jsonl.*.tmp")
    live = work / left.name.replace(f"-{proc.pid}.", f"-{os.getpid()}.")  # as if this process wrote it
    live.write_text("")
    done = valuate("check", SAMPLE, "--format", "jsonl", "--output", "out.jsonl", "--as-of", AS_OF,
                   "--fail-on", "never", cwd=work)
    assert done.returncode == 0, done.stderr
    assert not left.exists() and live.exists()
    assert (work / "out.jsonl").read_text().count("\n") == 17  # header, the 15 services, summary
    live.unlink()


# -- Injection --------------------------------------------------------------------------

def test_text_output_keeps_one_line_per_line_and_obeys_no_escape(work):
    catalog = CORPUS / "text-injection.json"
    text = check(catalog, "--waivers", CORPUS / "escape-waivers.yaml", cwd=work, fmt="text")
    verdict_lines = [line for line in text.stdout.splitlines() if line[:3] in ("ok ", "NO ", "?? ", "ERR")]
    summaries = [line for line in text.stdout.splitlines() if line.split(" services: ")[0].isdigit()]
    assert len(verdict_lines) == 3 and summaries == [summaries[-1]] and summaries[0].startswith("3 services: ")
    assert "A\\nok  valuable" in text.stdout
    for stream in (text.stdout, text.stderr):
        assert "\x1b" not in stream and "\x07" not in stream and "\u202e" not in stream and "\x9b" not in stream
    assert "zz\\x1b[2J" in text.stderr
    explain = valuate("explain", catalog, "ansi\x1b[31m", "--as-of", AS_OF, cwd=work)
    assert explain.returncode == 0 and "\x1b" not in explain.stdout and "ansi\\x1b[31m" in explain.stdout
    missing = valuate("explain", catalog, "none\x1b]0;x\x07", "--as-of", AS_OF, cwd=work)
    assert missing.returncode == 2 and "\x1b" not in missing.stderr


def test_markdown_makes_no_links_of_catalog_text(work):
    page = check(CORPUS / "text-injection.json", cwd=work, fmt="markdown").stdout
    assert parses("markdown", page) == 3
    assert "https://" not in page and "www.evil" not in page and "bob@" not in page
    assert "https\u2060://evil.example/x" in page  # reads the same, links nowhere


def test_control_characters_in_pack_and_rule_names_keep_junit_well_formed(work):
    proc = check(SAMPLE, "--rules", CORPUS / "control-names-pack.yaml", cwd=work, fmt="junit")
    root = ET.fromstring(proc.stdout)
    assert len(list(root.iter("testcase"))) == 15


def test_nan_from_a_mapped_export_is_never_a_bare_token(work):
    for fmt in ("sarif", "json"):
        proc = check(CORPUS / "nan-mapped.json", "--mapping", MAPPING, cwd=work, fmt=fmt)
        assert parses(fmt, proc.stdout) == 3
    got = strict_json(proc.stdout)["services"]
    assert [s["verdict"] for s in got] == ["error", "error", "indeterminate"]
    facts = valuate("facts", CORPUS / "nan-mapped.json", "--mapping", MAPPING, "--format", "json", cwd=work)
    doc = strict_json(facts.stdout)
    assert doc["services"][0]["errors"][0]["provenance"]["raw"] == "NaN"
