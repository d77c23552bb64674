"""The board portfolios of bench/portfolio.py, checked once per test session and shared.

``board(tmp_path_factory, n)`` writes the portfolio of ``n`` services, the
last review's JSON report, and this review's reports (HTML, JSON, Markdown
summary, CSV, text) into the session's temporary directory, once: a second
call (another test module) finds them there. Suggestions are left out of
the 5,000-service run only, to keep the suite short (its cards are not what
is checked).
"""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from conftest import bench_module

FORMATS = (("html", "board.html"), ("json", "now.json"), ("markdown-summary", "summary.md"), ("csv", "board.csv"),
           ("text", "board.txt"))


def valuate(*args: str) -> str:
    from valuate.cli import main

    result = CliRunner().invoke(main, list(map(str, args)), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def board(tmp_path_factory, n: int) -> dict:
    """Paths of the portfolio's inputs and reports, by name (bench.portfolio.write's, plus FORMATS)."""
    portfolio = bench_module("portfolio")
    where = Path(tmp_path_factory.getbasetemp()) / f"portfolio-{n}"
    paths = {name: where / file for name, file in FORMATS}
    done = where / "done.json"
    if done.exists():
        return {**{k: Path(v) for k, v in json.loads(done.read_text()).items()}, **paths}
    files = portfolio.write(where, n)
    valuate("check", files["previous_catalog"], "--as-of", portfolio.LAST_REVIEW, "--fail-on", "never",
            "--no-suggestions", "--format", f"json:{files['previous']}")
    outputs = [f"--format={fmt}:{paths[fmt]}" for fmt, _ in FORMATS]
    valuate("check", files["catalog"], "--as-of", portfolio.AS_OF, "--waivers", files["waivers"], "--compare",
            files["previous"], "--fail-on", "never", *(["--no-suggestions"] if n > 1000 else []), *outputs)
    done.write_text(json.dumps({k: str(v) for k, v in files.items()}))
    return {**files, **paths}
