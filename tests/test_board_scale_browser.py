"""The board at portfolio scale (issue 23) in headless Chromium: the 300- and 5,000-service
portfolios of bench/portfolio.py on a laptop and a phone, the filters in the URL fragment, and
the executive print measured from its PDF (pages, text sizes with pdftotext -bbox, headings).

Artifacts (tests/artifacts/): board-300-1280.png, board-300-390.png, board-5000-1280.png,
board-5000-390.png, print-300-N.png, print-5000-N.png, print-sample-N.png, print-gitlab-N.png,
print.json (pages and the smallest printed text per report), summary-sizes.json (5,000 added),
board-5000.json (how long the page took to become usable in this run, the page's data-ready:
a figure recorded, never asserted; how fast is for benchmarks to measure).
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import pdftext
from browser import Browser, find_chromium, pages
from conftest import AS_OF, ROOT, SAMPLE
from gitlab_sample import CATALOG as GITLAB
from portfolios import board, worst_case
from test_board_scale import record
from valuate.engine.report.html_glance import PRINTED

CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(CHROMIUM is None or not pdftext.poppler(),
                                reason="board browser test skipped: needs chromium and poppler-utils (apt-get "
                                       "install chromium poppler-utils; .ci/run does this)")
ARTIFACTS = ROOT / "tests" / "artifacts"
LAPTOP, PHONE, SCREEN = 1280, 390, 900
PAGE_WIDTH = 703  # CSS px between the margins of an A4 page (210 mm - 2 x 12 mm)
# content-visibility: auto keeps what is off screen from being laid out, closed <details> too: a check
# of boxes sets them visible and opens the blocks first, so that every box is real
ALL_LAID_OUT = ("document.querySelectorAll('.part, .table-box, .heat-box, #cards, .svc')"
                ".forEach(e => e.style.contentVisibility = 'visible')")
# The font sizes (CSS px) of the printed body text: paragraphs, list items and cells that hold text of
# their own and are not notes, chips, rule ids or code
BODY = ("Array.from(document.querySelectorAll('#board p, #board li, #board td, #board dd')).filter(e => "
        "e.offsetParent && !e.closest('.note, .meta, .badge, .chip, code, .clist, .policy, .facts') && "
        "Array.from(e.childNodes).some(n => n.nodeType === 3 && n.textContent.trim()))"
        ".map(e => parseFloat(getComputedStyle(e).fontSize))")
# Nothing sideways: the page itself does not scroll sideways, and no box scrolls sideways inside it
# (``boxes``). On a page of 150,000 elements asking each its box takes minutes, so the check asks
# the page and its scroll boxes, which hold every element and clip none.
SIDEWAYS = ("(boxes => [document.documentElement.scrollWidth - document.documentElement.clientWidth].concat("
            "boxes ? Array.from(document.querySelectorAll('.scroll, .table-box')).filter(b => b.offsetParent)"
            ".map(b => b.scrollWidth - b.clientWidth) : []).filter(d => d > 1))")


@pytest.fixture
def browser(tmp_path):
    b = Browser(CHROMIUM, tmp_path / "profile", timeout=120)
    yield b
    b.close()


@pytest.fixture(scope="module")
def pf(tmp_path_factory):
    return board(tmp_path_factory, 300)


@pytest.fixture(scope="module")
def per_point(tmp_path_factory):
    """pdftotext box height per point of font size, measured in this browser (pdftext.ratio)."""
    where = tmp_path_factory.mktemp("calibration")
    page = where / "calibration.html"
    page.write_text(pdftext.calibration_page(), encoding="utf-8")
    b = Browser(CHROMIUM, where / "profile")
    try:
        b.open(page.as_uri())
        (where / "calibration.pdf").write_bytes(b.print_pdf())
    finally:
        b.close()
    return pdftext.ratio(where / "calibration.pdf")


def in_first_screen(browser, selector: str) -> bool:
    return browser.js(f"(e => !!e && e.getBoundingClientRect().top < {SCREEN} && e.offsetParent !== null)"
                      f"(document.querySelector({json.dumps(selector)}))")


def first_screen_answers(browser, n: int) -> None:
    """Counts with waived apart, money at stake, the decisions, the changes, the waivers, the jump bar."""
    cards = browser.js("Array.from(document.querySelectorAll('.cards .card')).map(c => c.textContent)")
    assert cards[0] == f"services{n:,}" and any("valuable (waived)" in c for c in cards)
    for selector in (".cards", "p.stake", "#needs-decision", "#decisions > li", ".answers .answer h3",
                     "nav.jump"):
        assert in_first_screen(browser, selector), selector
    heads = browser.js("Array.from(document.querySelectorAll('.answer h3')).map(h => h.textContent)")
    assert heads[0] == "Since the last review" and heads[1].startswith("Waivers expiring soon (")
    assert "EUR" in browser.js("document.querySelector('p.stake').textContent")
    targets = browser.js("Array.from(document.querySelectorAll('nav.jump a')).map(a => a.getAttribute('href'))")
    assert len(targets) >= 8 and all(browser.js(f"!!document.getElementById({json.dumps(t[1:])})") for t in targets)


def test_300_services_at_1280_the_first_screen_answers_the_board(pf, browser):
    browser.open(pf["html"].as_uri(), width=LAPTOP, height=SCREEN)
    first_screen_answers(browser, 300)
    assert browser.js("document.querySelectorAll('#decisions > li').length") == 5
    browser.screenshot(ARTIFACTS / "board-300-1280.png")
    # the keep quadrant is a count with its list one click away; the heatmap shows what is not all met
    assert not browser.js("document.querySelector('.q-keep details').open")
    shown = "Array.from(document.querySelectorAll('table.heatmap tbody tr')).filter(r => r.offsetParent).length"
    assert browser.js(shown) == 300 - 249
    browser.js("document.getElementById('heat-all').click()")
    assert browser.js(shown) == 300
    # the services table: its header stays in view while its rows scroll
    browser.js("document.getElementById('services-part').scrollIntoView()")
    browser.js("document.querySelector('.table-box').scrollTop = 4000")
    top = browser.js("document.querySelector('#services thead').getBoundingClientRect().top - "
                     "document.querySelector('.table-box').getBoundingClientRect().top")
    assert abs(top) < 2
    browser.js(ALL_LAID_OUT)
    assert browser.js(f"{SIDEWAYS}(false)") == []  # the services table may scroll in its own box


def test_300_services_on_a_phone_tables_are_cards(pf, browser):
    browser.open(pf["html"].as_uri(), width=PHONE, height=SCREEN)
    browser.screenshot(ARTIFACTS / "board-300-390.png")
    browser.js(ALL_LAID_OUT)
    assert browser.js(f"{SIDEWAYS}(true)") == []
    # every table is a stack of cards, each cell within the screen: the waiver panel's expiry and approver too
    assert browser.js("getComputedStyle(document.querySelector('#services tbody tr')).display") == "flex"
    cells = browser.js("Array.from(document.querySelectorAll('table.waiver-panel td')).map(td => "
                       "[td.getAttribute('data-label'), Math.round(td.getBoundingClientRect().right)])")
    assert {label for label, _ in cells} >= {"expires", "approved by"} and max(r for _, r in cells) <= PHONE
    sample = browser.js("Array.from(document.querySelectorAll('#services tbody tr')).slice(0, 40).flatMap(tr => "
                        "Array.from(tr.cells)).map(td => td.getBoundingClientRect().right)")
    assert max(sample) <= PHONE


def visible_ids(browser) -> list:
    return browser.js("Array.from(document.querySelectorAll('#services tbody tr')).filter(r => !r.hidden)"
                      ".map(r => r.cells[1].textContent.split(' — ')[0])")


def test_filters_and_sort_live_in_the_url_fragment(pf, browser):
    url = pf["html"].as_uri()
    browser.open(url + "#?verdict=not_valuable&sort=-money", width=LAPTOP, height=SCREEN)
    ids = visible_ids(browser)
    money = browser.js("Array.from(document.querySelectorAll('#services tbody tr')).filter(r => !r.hidden)"
                       ".map(r => Number(r.cells[9].getAttribute('data-sort') || -1))")
    assert len(ids) == 5 and money == sorted(money, reverse=True)
    assert browser.js("document.getElementById('f-verdict').value") == "not_valuable"
    assert browser.js("document.getElementById('f-count').textContent") == "5 of 300 services shown"
    # a column filter and the search go into the fragment as they are typed, so the view can be sent on
    provider = browser.js("document.querySelector('#services tbody tr:not([hidden])').cells[7].textContent")
    browser.js(f"(i => {{ i.value = {json.dumps(provider)}; i.dispatchEvent(new Event('input')); }})"
               "(document.getElementById('f-c-provider'))")
    shared = browser.js("location.hash")
    assert shared.startswith("#?") and "verdict=not_valuable" in shared and "provider=" in shared
    narrowed = visible_ids(browser)
    assert 1 <= len(narrowed) <= 5
    # a colleague opening that address sees the same rows in the same order
    browser.open("about:blank")  # (the same page with another fragment would not load anew)
    browser.open(url + shared, width=LAPTOP, height=SCREEN)
    assert visible_ids(browser) == narrowed
    assert "filtered:" in browser.js("document.getElementById('f-banner').textContent")
    # a jump link keeps the filter in the address; the search matches owner and provider text
    browser.js("document.querySelector('nav.jump a[href=\"#money\"]').click()")
    assert browser.js("location.hash") == shared
    browser.js("document.getElementById('f-clear').click()")
    assert browser.js("location.hash") == "#?sort=-money" and len(visible_ids(browser)) == 300  # the sort stays
    browser.js(f"(i => {{ i.value = {json.dumps(provider.lower())}; i.dispatchEvent(new Event('input')); }})"
               "(document.getElementById('f-search'))")
    assert all(provider in row for row in browser.js(
        "Array.from(document.querySelectorAll('#services tbody tr')).filter(r => !r.hidden).map(r => r.textContent)"))
    # a number column compares, a choice column matches, the address changes with the back button
    browser.js("location.hash = '#?money=%3E500000&tier=1'")
    browser.js("new Promise(r => setTimeout(r, 50))")
    rows = browser.js("Array.from(document.querySelectorAll('#services tbody tr')).filter(r => !r.hidden)"
                      ".map(r => [Number(r.cells[9].getAttribute('data-sort')), r.cells[8].textContent])")
    assert rows and all(m > 500000 and tier == "1" for m, tier in rows)
    assert browser.js("document.getElementById('f-c-tier').value") == "1"


def executive_print(browser, url: str, name: str, per_point: float, tmp: Path) -> dict:
    """Print ``url`` (A4, the executive print), keep its pages as PNG, and check it reads on paper."""
    browser.open(url, width=LAPTOP, height=SCREEN)
    pdf = tmp / f"{name}.pdf"
    pdf.write_bytes(browser.print_pdf())
    n = pages(pdf.read_bytes())
    pdftext.images(pdf, ARTIFACTS / f"print-{name}")
    found = pdftext.sizes(pdf, per_point)
    smallest = found[0][0]
    assert n <= 6, f"{name}: {n} pages"
    assert smallest >= 7.95, f"{name}: '{found[0][1].text}' prints at {smallest} pt"
    # body text (what is not a note, a rule id or a chip) at 9 pt or more: 12 CSS px
    browser.media("print")
    browser.js(ALL_LAID_OUT)
    body = browser.js(BODY)
    assert body and min(body) >= 12, f"{name}: body text prints at {min(body) * 0.75} pt"
    heads = set(browser.js("Array.from(document.querySelectorAll('#board h2, #board h3, #board h4'))"
                           ".filter(h => h.offsetParent).map(h => h.textContent.trim())"))
    orphans = [(page, line) for page, line in pdftext.last_lines(pdf).items() if line in heads]
    assert not orphans, f"{name}: headings at the foot of a page: {orphans}"
    browser.call("Emulation.setDeviceMetricsOverride", width=PAGE_WIDTH, height=1000, deviceScaleFactor=1,
                 mobile=False)
    assert browser.js(f"{SIDEWAYS}(true)") == [], f"{name}: something is wider than the page, or scrolls"
    closed = browser.js("Array.from(document.querySelectorAll('details')).filter(d => d.offsetParent && !d.open)"
                        ".length")
    assert closed == 0
    histogram = {}
    for size, _ in found:
        histogram[str(size)] = histogram.get(str(size), 0) + 1
    return {"pages": n, "smallest_pt": smallest, "smallest_word": found[0][1].text, "body_pt": min(body) * 0.75,
            "words_by_pt": histogram}


def test_the_executive_print_is_at_most_six_readable_pages(pf, browser, per_point, cli, tmp_path):
    results = {"300 services": executive_print(browser, pf["html"].as_uri(), "300", per_point, tmp_path)}
    sample = tmp_path / "sample.html"
    yesterday = tmp_path / "yesterday.json"
    cli("check", SAMPLE, "--as-of", "2026-10-28", "-f", f"json:{yesterday}", "--fail-on", "never")
    cli("check", SAMPLE, "--as-of", AS_OF, "--waivers", "examples/waivers.yaml", "--compare", str(yesterday),
        "-f", f"html:{sample}", "--fail-on", "never")
    results["sample, waivers and compare"] = executive_print(browser, sample.as_uri(), "sample", per_point, tmp_path)
    gitlab = tmp_path / "gitlab.html"
    cli("check", str(GITLAB), "--mapping", "gitlab", "--as-of", AS_OF, "-f", f"html:{gitlab}", "--fail-on", "never")
    results["GitLab.com"] = executive_print(browser, gitlab.as_uri(), "gitlab", per_point, tmp_path)
    # the full print stays: every card, every block opened
    browser.open(sample.as_uri(), width=LAPTOP, height=SCREEN)
    browser.js("document.getElementById('f-print-full').click()")
    assert browser.js("Array.from(document.querySelectorAll('details')).every(d => d.open)")
    browser.media("print")
    assert browser.js("getComputedStyle(document.getElementById('cards')).display") != "none"
    results["sample, full print"] = {"pages": pages(browser.print_pdf())}
    assert results["sample, full print"]["pages"] > results["sample, waivers and compare"]["pages"]
    write_print(results)


def pdf_text(pdf: Path) -> str:
    """The PDF's words, one space apart."""
    return " ".join(w.text for w in pdftext.words(pdf))


def write_print(results: dict) -> None:
    path = ARTIFACTS / "print.json"
    known = json.loads(path.read_text()) if path.exists() else {}
    path.write_text(json.dumps({**known, **results}, indent=1) + "\n")


def test_the_executive_print_stays_six_pages_when_every_list_is_full(browser, per_point, cli, tmp_path):
    """A catalog made to fill the print (portfolios.worst_case): 80 decisions failing all six criteria
    with long names, 40 providers, 60 owners grouped by, 12 currencies. The print holds fewer decisions
    when each has many reasons, the first rows of each money and group table, and counts the rest."""
    html = tmp_path / "worst.html"
    cli("check", str(worst_case(tmp_path / "worst.json", 400)), "--as-of", AS_OF, "--group-by", "owner",
        "--no-suggestions", "-f", f"html:{html}", "--fail-on", "never")
    write_print({"400 services, every list full": executive_print(browser, html.as_uri(), "worst", per_point,
                                                                    tmp_path)})
    cap = int(browser.js("document.getElementById('decisions').getAttribute('data-cap')"))
    assert 5 <= cap < PRINTED
    assert browser.js("Array.from(document.querySelectorAll('#decisions > li')).filter(li => li.offsetParent)"
                      ".length") == cap
    text = pdf_text(tmp_path / "worst.pdf")
    assert f"and {80 - cap} more in the full report" in text and "more rows of spend by verdict" in text
    assert "and 50 more groups in the full report." in text  # 60 owners, 10 printed


def test_5000_services_board_phone_print_and_summary(tmp_path_factory, browser, per_point, tmp_path):
    """One test for the 5,000-service portfolio (its run is the slow part): the first screen, the
    phone, the filters, the print, the Markdown summary's size, and how long the page took here."""
    pf5 = board(tmp_path_factory, 5000)
    summary = pf5["markdown-summary"].read_text(encoding="utf-8")
    assert len(summary) <= 60_000 and summary.count("\n- **") == 83  # every decision named
    record({"5,000 services": len(summary)})
    url = pf5["html"].as_uri()
    browser.open(url, width=LAPTOP, height=SCREEN)
    ready = browser.js("Number(document.documentElement.getAttribute('data-ready'))")
    first_screen_answers(browser, 5000)
    browser.screenshot(ARTIFACTS / "board-5000-1280.png")
    assert browser.js("document.querySelectorAll('#decisions > li:not(.folded)').length") == 10
    browser.js("document.querySelector('.show-all').click()")
    assert browser.js("document.querySelectorAll('#decisions > li:not(.folded)').length") == 83
    browser.js("(s => { s.value = 'not_valuable'; s.dispatchEvent(new Event('change')); })"
               "(document.getElementById('f-verdict'))")
    assert browser.js("document.getElementById('f-count').textContent") == "83 of 5000 services shown"
    assert browser.js("location.hash") == "#?verdict=not_valuable"
    (ARTIFACTS / "board-5000.json").write_text(json.dumps({"usable_ms": ready, "html_bytes": pf5["html"].stat().st_size},
                                                          indent=1) + "\n")
    browser.open(url, width=PHONE, height=SCREEN)
    browser.screenshot(ARTIFACTS / "board-5000-390.png")
    assert browser.js("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    printed = executive_print(browser, url, "5000", per_point, tmp_path)
    write_print({"5,000 services": printed})
    # on paper: the first PRINTED decisions (folded on screen or not), and how many more the full report has
    shown = browser.js("Array.from(document.querySelectorAll('#decisions > li')).filter(li => li.offsetParent)"
                       ".map(li => li.getAttribute('data-target'))")
    assert len(shown) == PRINTED and len(set(shown)) == PRINTED
    assert browser.js("document.querySelector('.more-note[data-for=decisions]').textContent") == \
        f"and {83 - PRINTED} more in the full report"
    assert f"and {83 - PRINTED} more in the full report" in pdf_text(tmp_path / "5000.pdf")
    assert pf5["csv"].read_bytes().decode("utf-8-sig").count("\r\n") == 5001  # a header and a row per service
