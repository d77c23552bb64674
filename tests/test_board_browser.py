"""The review-board pack in a real browser: phone width, the executive print, the waived chip,
verdicts under simulated colour blindness, and screenshots for people to look at.

Needs Debian's chromium (skipped, with the reason, without it). Screenshots go to
tests/artifacts/: summary-1280.png, summary-390.png, card-1280.png, card-390.png,
board-1280.png (the whole board summary), summary-deuteranopia.png,
summary-protanopia.png, comparison-1280.png and comparison-390.png (since the
last review, with --compare), and executive-print.pdf.
"""
from __future__ import annotations

import json
import re

import pytest

from browser import OVERFLOW, Browser, find_chromium, pages
from conftest import AS_OF, ROOT, SAMPLE

CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="browser test of the board pack skipped: "
                                "chromium is not installed (apt-get install chromium; .ci/run does this)")
ARTIFACTS = ROOT / "tests" / "artifacts"
WAIVERS = "examples/waivers.yaml"
PHONE = 390


@pytest.fixture
def browser(tmp_path):
    b = Browser(CHROMIUM, tmp_path / "profile")
    yield b
    b.close()


def report(cli, tmp_path, *extra: str) -> str:
    out = tmp_path / "board.html"
    result = cli("check", SAMPLE, "--as-of", AS_OF, "--format", "html", "--output", str(out), "--fail-on", "never",
                 *extra)
    assert result.exit_code == 0, result.output
    return out.as_uri()


def choose(browser, select: str, value: str) -> None:
    browser.js(f"(s => {{ s.value = {json.dumps(value)}; s.dispatchEvent(new Event('change')); }})"
               f"(document.getElementById('{select}'))")


def test_phone_width_nothing_wider_than_the_viewport(cli, browser, tmp_path):
    browser.open(report(cli, tmp_path, "--waivers", WAIVERS), width=PHONE, height=900)
    assert browser.js("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    assert browser.js(OVERFLOW) == []
    # the tables scroll inside their own box, the charts scale down to it
    assert browser.js("document.querySelector('#services').closest('.scroll').getBoundingClientRect().width") <= PHONE
    widths = browser.js("Array.from(document.querySelectorAll('.chart svg.cbar')).map(s => s.getBoundingClientRect().right)")
    assert widths and max(widths) <= PHONE
    browser.screenshot(ARTIFACTS / "summary-390.png")
    browser.js("document.getElementById('service-2').scrollIntoView()")
    browser.screenshot(ARTIFACTS / "card-390.png")


def test_executive_print_fits_six_a4_pages(cli, browser, tmp_path):
    browser.open(report(cli, tmp_path))
    pdf = browser.print_pdf()
    (ARTIFACTS / "executive-print.pdf").write_bytes(pdf)
    assert 1 <= pages(pdf) <= 6
    browser.media("print")
    shown = "(s => getComputedStyle(document.querySelector(s)).display !== 'none')"
    assert browser.js(f"{shown}('#board')") and not browser.js(f"{shown}('#services-part')")
    # issue 23: the decisions list is the short block per service (one line per failed criterion and its
    # money); the cards, the heatmap and every list of names stay out, and the print says where they are
    assert not browser.js(f"{shown}('#cards')") and not browser.js(f"{shown}('.heat-part')")
    assert browser.js(f"{shown}('#decisions')") and browser.js(f"{shown}('.pointer')")
    crm = browser.js("document.querySelector('#decisions [data-target=service-2]').textContent")
    assert "availability: measured availability 99.82%" in crm and "EUR 171,000 actual" in crm
    # badges never wrap, rule ids never break
    assert browser.js("Array.from(document.querySelectorAll('#board .badge, #board code.rid'))"
                      ".filter(b => b.offsetParent !== null && b.getClientRects().length > 1).length") == 0
    assert browser.js("Array.from(document.querySelectorAll('.badge'))"
                      ".every(b => b.getBoundingClientRect().height < 2 * parseFloat(getComputedStyle(b).fontSize))")


def test_filtered_print_says_so_at_the_top(cli, browser, tmp_path):
    browser.open(report(cli, tmp_path))
    assert browser.js("document.getElementById('f-banner').hidden")
    choose(browser, "f-verdict", "not_valuable")
    banner = browser.js("document.getElementById('f-banner').textContent")
    assert banner.startswith("filtered: 7 of 15 services (not valuable)")
    browser.media("print")
    assert browser.js("getComputedStyle(document.getElementById('f-banner')).display") != "none"
    top = browser.js("document.getElementById('f-banner').getBoundingClientRect().top")
    assert top < browser.js("document.getElementById('board').getBoundingClientRect().top")
    hidden = browser.js("Array.from(document.querySelectorAll('#board .hrow')).filter(r => r.hidden).length")
    assert hidden == 8  # the heatmap follows the filter too
    # no indeterminate service is left, so "Waiting for data" goes, heading and all
    assert browser.js("document.querySelector('#board .waiting-block').hidden")
    choose(browser, "f-verdict", "indeterminate")
    assert not browser.js("document.querySelector('#board .waiting-block').hidden")
    choose(browser, "f-verdict", "not_valuable")
    assert pages(browser.print_pdf()) <= 6


def test_waived_service_shows_the_waived_chip_and_its_waiver(cli, browser, tmp_path):
    browser.open(report(cli, tmp_path, "--waivers", WAIVERS))
    chip = browser.js("(b => [b.className, b.textContent])(document.querySelector('#service-2 h3 .badge'))")
    assert chip == ["badge v-waived", "✓ valuable (waived)"]
    plain = browser.js("document.querySelector('#service-1 h3 .badge').className")
    assert plain == "badge v-valuable"
    assert browser.js("getComputedStyle(document.querySelector('#service-2 h3 .badge')).borderStyle") == "dashed"
    card = browser.js("document.querySelector('#service-2 ul.waivers').textContent")
    assert "waived until 2026-12-15 (in 17 days)" in card and "Change Advisory Board (CAB-2026-114)" in card
    assert "Database cluster migration" in card
    states = browser.js("Array.from(document.querySelectorAll('#board table.waiver-panel tbody tr'))"
                        ".map(r => r.cells[0].textContent + ' ' + r.cells[1].textContent)")
    assert states == ["expired data-warehouse", "expiring within 30 days crm", "active vpn"]
    policy = browser.js("document.querySelector('dl.policy').textContent")
    assert "examples/waivers.yaml" in policy and "sha256:" in policy
    browser.js("document.getElementById('service-2').scrollIntoView()")
    browser.screenshot(ARTIFACTS / "card-1280.png")


@pytest.mark.parametrize("deficiency", ["deuteranopia", "protanopia"])
def test_verdicts_stay_distinguishable_without_colour(cli, browser, tmp_path, deficiency):
    browser.open(report(cli, tmp_path, "--waivers", WAIVERS))
    browser.vision(deficiency)
    # every verdict carries its own symbol and words, in the legend, the chips and the heatmap
    legend = browser.js("Array.from(document.querySelectorAll('ul.legend .badge')).map(b => b.textContent)")
    assert len(legend) == 5 and len(set(legend)) == 5 and len({x.split()[0] for x in legend}) == 4
    cells = browser.js("Object.fromEntries(['met', 'waived', 'not_met', 'unknown'].map(s => [s, Array.from("
                       "document.querySelectorAll('td.h-' + s)).map(c => c.textContent)]))")
    assert {k: set(v) for k, v in cells.items()} == {"met": {"✓"}, "waived": {"⚑ waived"}, "not_met": {"✗"},
                                                     "unknown": {"?"}}
    # chart segments: a different fill pattern per status, and every segment listed in words
    fills = browser.js("['met', 'waived', 'not_met', 'unknown', 'error'].map(k => "
                       "document.getElementById('p-' + k).innerHTML)")
    assert len(set(fills)) == 5
    for row in browser.js("Array.from(document.querySelectorAll('.crow')).map(r => "
                          "[r.querySelectorAll('svg.cbar rect').length, r.querySelector('.clist').textContent])"):
        assert row[0] <= len(re.findall(r"\d+ ", row[1]))  # each drawn segment has its count in words
    browser.screenshot(ARTIFACTS / f"summary-{deficiency}.png", "#board")


def test_summary_screenshots_at_1280(cli, browser, tmp_path):
    browser.open(report(cli, tmp_path, "--waivers", WAIVERS), height=1000)
    assert browser.js(OVERFLOW) == []
    browser.screenshot(ARTIFACTS / "summary-1280.png")
    browser.screenshot(ARTIFACTS / "board-1280.png", "#board")
    assert (ARTIFACTS / "board-1280.png").stat().st_size > 50_000


def test_the_comparison_with_the_last_review_reads_on_screen_and_phone(cli, browser, tmp_path):
    yesterday = tmp_path / "yesterday.json"
    done = cli("check", SAMPLE, "--as-of", AS_OF, "-f", f"json:{yesterday}", "--fail-on", "never")
    assert done.exit_code == 0, done.output
    text = (ROOT / SAMPLE).read_text(encoding="utf-8")
    today = tmp_path / "today.yaml"
    today.write_text(text.replace("open_critical_findings: 2}", "open_critical_findings: 0}")
                     .replace("measured: 99.99}", "measured: 99.5}"), encoding="utf-8")
    out = tmp_path / "compared.html"
    done = cli("check", str(today), "--as-of", AS_OF, "--compare", str(yesterday), "-f", f"html:{out}",
               "--fail-on", "never")
    assert done.exit_code == 0, done.output
    for width, name in ((1280, "comparison-1280.png"), (PHONE, "comparison-390.png")):
        browser.open(out.as_uri(), width=width, height=1100)
        assert browser.js("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
        assert browser.js(OVERFLOW) == []
        browser.js("document.getElementById('since-last-review').scrollIntoView()")
        browser.screenshot(ARTIFACTS / name)
    heads = browser.js("Array.from(document.querySelectorAll('#board h4')).map(h => h.textContent)")
    assert heads[0] == "Newly failing (1)" and "Fixed (1)" in heads
    # the rows follow the filter: showing only valuable services hides email's row, keeps vpn's
    choose(browser, "f-verdict", "valuable")
    shown = ("Array.from(document.querySelectorAll('table.changes tr[data-target]'))"
             ".filter(r => r.offsetParent !== null).map(r => r.querySelector('a').textContent)")
    visible = browser.js(shown)
    assert any(v.startswith("vpn") for v in visible) and not any(v.startswith("email") for v in visible)


def test_a_filtered_page_counts_what_it_shows_in_its_headings(cli, browser, tmp_path):
    """Issue 21 item 7: the headings of a filtered view give the filtered counts, not the whole catalog's."""
    october = tmp_path / "october.json"
    done = cli("check", SAMPLE, "--as-of", "2026-10-28", "-f", f"json:{october}", "--fail-on", "never")
    assert done.exit_code == 0, done.output
    text = (ROOT / SAMPLE).read_text(encoding="utf-8")
    start = text.index("  - id: backup")
    today = tmp_path / "today.yaml"  # backup is not in this review; email fails now
    today.write_text((text[:start] + text[text.index("\n  - id:", start + 1) + 1:])
                     .replace("measured: 99.99}", "measured: 99.5}"), encoding="utf-8")
    out = tmp_path / "compared.html"
    done = cli("check", str(today), "--as-of", AS_OF, "--compare", str(october), "-f", f"html:{out}",
               "--fail-on", "never")
    assert done.exit_code == 0, done.output
    browser.open(out.as_uri(), width=1280, height=1000)
    heads = ("Object.fromEntries(Array.from(document.querySelectorAll('#board h3, #board h4'))"
             ".filter(h => h.querySelector('.count')).map(h => [h.textContent.split(' (')[0], h.textContent]))")
    whole = browser.js(heads)
    assert whole["Newly failing"] == "Newly failing (1)" and whole["Removed"] == "Removed (1)"
    assert whole["Still waiting for data"] == "Still waiting for data (5)"
    assert whole["Still invalid"] == "Still invalid (1)"
    assert whole["Needs a decision"] == "Needs a decision (7 not valuable)"
    choose(browser, "f-verdict", "indeterminate")
    part = browser.js(heads)
    assert part["Newly failing"] == "Newly failing (0 of 1)"  # email is not valuable: filtered out
    assert part["Removed"] == "Removed (0 of 1)"  # not in this review: no filter chooses it
    assert part["Still waiting for data"] == "Still waiting for data (4 of 5)"  # print is not valuable
    assert part["Still invalid"] == "Still invalid (0 of 1)"
    assert part["Needs a decision"] == "Needs a decision (0 of 7 not valuable)"
    assert part["Waiting for data"] == "Waiting for data (4 of 4 indeterminate)"
    rows = browser.js("Array.from(document.querySelectorAll('table.changes tr[data-item]'))"
                      ".filter(r => r.offsetParent !== null).length")
    assert rows == 4  # the four still waiting for data, nothing else
    assert "the headings of lists count what the filter leaves" in browser.js(
        "document.getElementById('f-banner').textContent")
    choose(browser, "f-verdict", "")
    assert browser.js(heads) == whole
