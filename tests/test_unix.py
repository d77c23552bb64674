"""Unix habits: stdin and stdout as files, directories, several outputs in one pass, --quiet,
short flags, colour, and progress that stays out of the report."""
from __future__ import annotations

import io
import json
import os
import pty
import re
import subprocess
import sys

from conftest import AS_OF, ROOT, SAMPLE
from valuate.engine.progress import Progress, wanted


def test_stdin_to_three_outputs_in_one_run(tmp_path):
    """cat catalog.yaml | valuate check - --input-format yaml -f html:r.html -f sarif:r.sarif -f text"""
    command = (f"cat {ROOT / SAMPLE} | {sys.executable} -m valuate check - --input-format yaml "
               f"-f html:r.html -f sarif:r.sarif -f text --as-of {AS_OF}")
    env = {k: v for k, v in os.environ.items() if not k.startswith("VALUATE_")}
    done = subprocess.run(["bash", "-c", command], cwd=tmp_path, capture_output=True, text=True, env=env,
                          timeout=120)
    assert done.returncode == 1, done.stderr  # the sample has not-valuable services
    assert done.stdout.startswith("valuate 0.1.0 · rules itil4")
    assert "NO  not_valuable  crm — Customer relationship management" in done.stdout
    assert "15 services: 3 valuable, 7 not valuable, 4 indeterminate, 1 error" in done.stdout
    assert (tmp_path / "r.html").read_text().count('<section class="svc"') == 15
    sarif = json.loads((tmp_path / "r.sarif").read_text())
    assert sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] \
        == "%3Cstdin%3E"
    assert "valuate: wrote r.html (15 services)" in done.stderr and "\r" not in done.stderr


def test_stdin_needs_an_input_format(cli):
    done = cli("check", "-", input="- id: x\n")
    assert done.exit_code == 2
    assert done.output == ("valuate: error: <stdin>: a catalog on standard input (-) needs --input-format "
                           "(yaml, json, jsonl, csv, xlsx), or a --stdin-filename with a catalog extension\n")
    ok = cli("check", "-", "--input-format", "jsonl", "--as-of", AS_OF, input='{"id": "x"}\n')
    assert ok.exit_code == 0 and "??  indeterminate x" in ok.output and "(<stdin>:1)" not in ok.output


def test_output_dash_is_standard_output(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    done = cli("check", str(ROOT / SAMPLE), "--format", "json", "--output", "-", "--as-of", AS_OF,
               "--fail-on", "never")
    assert json.loads(done.output)["summary"]["services"] == 15
    assert not (tmp_path / "-").exists()
    both = cli("check", str(ROOT / SAMPLE), "-f", "json", "-f", "text")
    assert both.exit_code == 2 and "only one report can go to standard output" in both.output
    typo = cli("check", str(ROOT / SAMPLE), "-f", "sarf")
    assert typo.exit_code == 2 and "did you mean 'sarif'" in typo.output


def test_a_directory_is_its_catalog_files_in_sorted_order(cli, tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "b" / "two.yaml").write_text("- id: two\n")
    (tmp_path / "a.json").write_text('[{"id": "one"}]')
    (tmp_path / "c.jsonl").write_text('{"id": "three"}\n')
    (tmp_path / ".hidden" / "x.yaml").write_text("- id: hidden\n")
    (tmp_path / "notes.txt").write_text("not a catalog")
    done = cli("check", str(tmp_path), "--format", "json", "--as-of", AS_OF)
    assert [s["id"] for s in json.loads(done.output)["services"]] == ["one", "two", "three"]
    empty = tmp_path / "empty"
    empty.mkdir()
    refused = cli("check", str(empty))
    assert refused.exit_code == 2 and "no catalog files" in refused.output


def test_quiet_lists_only_failures_and_the_summary(cli):
    done = cli("check", SAMPLE, "--as-of", AS_OF, "-q")
    assert done.exit_code == 1
    listed = [line.split()[2] for line in done.output.splitlines() if line[:3] in ("ok ", "NO ", "?? ", "ERR")]
    assert listed == ["crm", "data-warehouse", "vpn", "legacy-fax", "backup", "print", "analytics-sandbox",
                      "payslip-app"]
    assert "15 services: 3 valuable, 7 not valuable, 4 indeterminate, 1 error" in done.output
    assert "data coverage" not in done.output
    strict = cli("check", SAMPLE, "--as-of", AS_OF, "-q", "--fail-on", "indeterminate")
    assert "hr-portal" in strict.output


def test_short_flags(cli, tmp_path):
    out = tmp_path / "r.json"
    done = cli("check", SAMPLE, "-f", "json", "-o", str(out), "-r", "rules/itil4", "-p",
               "examples/profiles/tiered.yaml", "--as-of", AS_OF)
    assert done.exit_code == 1 and json.loads(out.read_text())["profile"]["name"] == "tiered"
    mapped = cli("check", "tests/data/small-export.csv", "-m", "tests/data/small-export.mapping.yaml",
                 "--as-of", AS_OF, "-q", "--fail-on", "never")
    assert mapped.exit_code == 0 and "4 services" in mapped.output


def test_colour_follows_the_terminal_no_color_and_the_option(cli, monkeypatch):
    always = cli("check", SAMPLE, "--as-of", AS_OF, "--color", "always")
    assert "\x1b[31mNO  not_valuable " in always.output and "\x1b[32mok  valuable" in always.output
    assert "\x1b[" not in cli("check", SAMPLE, "--as-of", AS_OF).output  # not a terminal
    from valuate.engine.outputs import OutputSpec, options_for
    from valuate.engine.report import PLAIN

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    text = OutputSpec("text")
    assert options_for(text, PLAIN, "auto", Terminal(), env={}).color
    assert not options_for(text, PLAIN, "auto", Terminal(), env={"NO_COLOR": "1"}).color
    assert options_for(text, PLAIN, "always", io.StringIO(), env={"NO_COLOR": "1"}).color
    assert not options_for(OutputSpec("json"), PLAIN, "always", Terminal(), env={}).color


def test_progress_only_on_a_terminal_that_is_not_showing_the_report(tmp_path):
    main, side = pty.openpty()
    other_main, other_side = pty.openpty()
    try:
        tty = os.fdopen(side, "w", closefd=False)
        other = os.fdopen(other_side, "w", closefd=False)
        with open(tmp_path / "report.txt", "w") as file:
            assert wanted(tty, file, report_on_stdout=True)  # report redirected to a file
            assert not wanted(tty, tty, report_on_stdout=True)  # same terminal: it would garble the report
            assert wanted(tty, tty, report_on_stdout=False)  # the report goes to -o FILE
            assert wanted(tty, other, report_on_stdout=True)  # another terminal
            assert not wanted(file, tty, report_on_stdout=False)  # stderr not a terminal
    finally:
        for fd in (main, side, other_main, other_side):
            os.close(fd)


def test_progress_shows_total_rate_and_eta():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    out = Terminal()
    progress = Progress(total=1000, stream=out, enabled=True)
    progress.every = 0
    progress.start -= 10  # ten seconds in
    progress.tick(1)
    progress.bar.start -= 10  # click works its ETA out at most once a second: as if time had passed
    progress.bar.last_eta -= 10
    for done in (250, 500):
        progress.tick(done)
    progress.finish(1000)
    drawn = out.getvalue()
    assert re.search(r"500/1000\s+50%\s+00:00:\d\d\s+500 services, 50/s", drawn), drawn  # ETA hh:mm:ss
    assert "500 services, 50/s" in drawn and "1 service," in drawn
    silent = Terminal()
    Progress(total=10, stream=silent, enabled=False).tick(5)
    assert silent.getvalue() == ""
