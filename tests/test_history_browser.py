"""The board's trend in a real browser: on screen at 1280 px, printed (the executive print's page
budget holds), and readable without colour.

Needs Debian's chromium (skipped, with the reason, without it); the printed page is turned
into a PNG with poppler's pdftoppm where it is installed. Artifacts in tests/artifacts/:
trend-1280.png (the trend section), trend-card-1280.png (a card with its row of last
verdicts), trend-print.pdf and trend-print.png (the printed page that holds the trend),
trend-deuteranopia.png.
"""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from browser import Browser, find_chromium, pages
from conftest import ROOT, SAMPLE
from test_history import ok
from test_history_cli import twelve_reviews

CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="browser test of the board's trend skipped: chromium "
                                "is not installed (apt-get install chromium; .ci/run does this)")
ARTIFACTS = ROOT / "tests" / "artifacts"


@pytest.fixture
def browser(tmp_path):
    b = Browser(CHROMIUM, tmp_path / "profile")
    yield b
    b.close()


@pytest.fixture
def board(cli, tmp_path):
    """The twelfth monthly review's board, its trend over all twelve."""
    out = tmp_path / "board.html"
    twelve_reviews(cli, tmp_path / "reviews", f"sqlite:///{tmp_path / 'reviews.db'}", ("-f", f"html:{out}"))
    return out


def test_the_trend_on_screen_with_every_count_printed(browser, board):
    browser.open(board.as_uri(), width=1280, height=1000)
    bars = browser.js("Array.from(document.querySelectorAll('svg.trend text.tot')).map(t => +t.textContent)")
    assert len(bars) == 12 and bars[0] == 24 and bars[-1] == 25
    table = browser.js("Array.from(document.querySelectorAll('table.trend tbody tr')).map(r => "
                       "Array.from(r.cells).map(c => c.textContent))")
    assert [row[0].lstrip("✓✗?! ") for row in table] == ["valuable", "not valuable", "indeterminate", "error",
                                                          "services"]
    assert [int(n) for n in table[-1][1:]] == bars  # the chart's totals are the table's
    # each drawn segment is a count of the table, its pattern that verdict's
    segments = browser.js("Array.from(document.querySelectorAll('svg.trend rect')).map(r => "
                          "[r.getAttribute('class'), r.querySelector('title').textContent])")
    fills = {"valuable": "f-met", "not valuable": "f-not_met", "indeterminate": "f-unknown", "error": "f-error"}
    for cls, title in segments:
        words = re.match(r"\d{4}-\d\d-\d\d: (\d+) (.+)$", title)
        assert words and fills[words.group(2)] == cls
    browser.screenshot(ARTIFACTS / "trend-1280.png", ".trend-block")
    row = browser.js("document.querySelector('.svc .trend-row').textContent")
    assert row.startswith("last 12 reviews, oldest first: ") and len(row.split(": ")[1].replace(" ", "")) == 12
    browser.js("document.querySelector('.svc[data-verdict=\"not_valuable\"]').scrollIntoView()")
    browser.screenshot(ARTIFACTS / "trend-card-1280.png")


def test_the_trend_reads_without_colour(browser, board):
    browser.open(board.as_uri(), width=1280, height=1000)
    browser.vision("deuteranopia")
    patterns = browser.js("['met', 'not_met', 'unknown', 'error'].map(k => document.getElementById('p-' + k)"
                          ".innerHTML)")
    assert len(set(patterns)) == 4  # solid, hatched, dotted, crossed
    symbols = browser.js("Array.from(document.querySelectorAll('.trend-row .tv')).map(s => s.textContent)")
    assert set(symbols) <= {"✓", "✗", "?", "!", "·"} and len(set(symbols)) >= 3
    browser.screenshot(ARTIFACTS / "trend-deuteranopia.png", ".trend-block")


def test_the_trend_prints_within_the_executive_print(browser, board, tmp_path):
    browser.open(board.as_uri())
    browser.media("print")
    shown = "(s => getComputedStyle(document.querySelector(s)).display !== 'none')"
    assert browser.js(f"{shown}('.trend-block')") and browser.js(f"{shown}('.svc[data-verdict=\"not_valuable\"] "
                                                                 f".trend-row')")
    browser.media("")
    pdf = browser.print_pdf()
    (ARTIFACTS / "trend-print.pdf").write_bytes(pdf)
    if shutil.which("pdftoppm") and shutil.which("pdftotext"):
        (tmp_path / "p.pdf").write_bytes(pdf)
        page = next(i for i in range(1, pages(pdf) + 1) if "Trend over the last 12 reviews" in subprocess.run(
            ["pdftotext", "-f", str(i), "-l", str(i), str(tmp_path / "p.pdf"), "-"], capture_output=True,
            text=True, check=True).stdout)
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", str(page), "-l", str(page), "-singlefile",
                        str(tmp_path / "p.pdf"), str(ARTIFACTS / "trend-print")], check=True)
        assert (ARTIFACTS / "trend-print.png").stat().st_size > 20_000


def test_the_sample_board_with_a_years_trend_fits_six_a4_pages(cli, browser, tmp_path):
    store = f"sqlite:///{tmp_path / 'sample.db'}"
    for month in range(1, 12):
        ok(cli, "check", SAMPLE, "--as-of", f"2026-{month:02d}-28", "--store", store, "--fail-on", "never",
           "-f", "jsonl:-")
    out = tmp_path / "sample.html"
    ok(cli, "check", SAMPLE, "--as-of", "2026-12-28", "--store", store, "--fail-on", "never", "-f", f"html:{out}")
    browser.open(out.as_uri())
    assert browser.js("document.querySelectorAll('svg.trend rect').length") >= 12
    assert 1 < pages(browser.print_pdf()) <= 6
