"""The HTML report in a real browser: it renders, sorts, filters, runs no injected script.

Needs Debian's chromium (.ci/run installs it when missing); skipped, with the
reason shown by ``make test``, where it is absent. Screenshots are written to
tests/artifacts/ (report.png, report-hostile.png) for people to look at.
"""
from __future__ import annotations

import json

import pytest

from browser import Browser, find_chromium
from conftest import AS_OF, ROOT, SAMPLE

CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="browser test of the HTML report skipped: "
                                "chromium is not installed (apt-get install chromium; .ci/run does this)")
ARTIFACTS = ROOT / "tests" / "artifacts"
TRAP = "window.__alerts = []; window.alert = function (m) { window.__alerts.push(String(m)); };"


@pytest.fixture
def browser(tmp_path):
    b = Browser(CHROMIUM, tmp_path / "profile")
    yield b
    b.close()


def write_report(cli, tmp_path, catalog: str, name: str) -> str:
    out = tmp_path / name
    result = cli("check", catalog, "--as-of", AS_OF, "--format", "html", "--output", str(out), "--fail-on", "never")
    assert result.exit_code == 0, result.output
    return out.as_uri()


def visible_ids(browser) -> list:
    return browser.js("Array.from(document.querySelectorAll('#services tbody tr'))"
                      ".filter(r => !r.hidden).map(r => r.cells[1].textContent.split(' — ')[0])")


def test_report_renders_sorts_and_filters(cli, browser, tmp_path):
    browser.open(write_report(cli, tmp_path, SAMPLE, "report.html"))
    assert browser.js("document.title") == f"valuate report — as of {AS_OF}"
    assert browser.js("document.querySelectorAll('section.svc').length") == 15
    assert browser.js("document.querySelector('svg').getBoundingClientRect().width") > 100
    assert browser.js("document.getElementById('f-count').textContent") == "15 of 15 services shown"  # script ran

    browser.js("document.querySelector('#services thead th:nth-child(2) button').click()")
    ascending = visible_ids(browser)
    assert ascending == sorted(ascending) and len(ascending) == 15
    browser.js("document.querySelector('#services thead th:nth-child(2) button').click()")
    assert visible_ids(browser) == sorted(ascending, reverse=True)
    browser.js("document.querySelector('#services thead th:nth-child(3) button').click()")  # verdict: worst last
    assert visible_ids(browser)[0] in {"payroll", "email", "service-desk"}
    assert visible_ids(browser)[-1] == "analytics-sandbox"

    def choose(select: str, value: str) -> None:
        browser.js(f"(s => {{ s.value = {json.dumps(value)}; s.dispatchEvent(new Event('change')); }})"
                   f"(document.getElementById('{select}'))")

    choose("f-verdict", "not_valuable")
    assert sorted(visible_ids(browser)) == ["backup", "crm", "data-warehouse", "legacy-fax", "payslip-app", "print", "vpn"]
    assert browser.js("document.querySelectorAll('section.svc:not([hidden])').length") == 7
    assert browser.js("document.getElementById('f-count').textContent") == "7 of 15 services shown"
    choose("f-verdict", "")
    choose("f-criterion", "warranty:unknown")
    assert sorted(visible_ids(browser)) == ["expense-app", "hr-portal"]
    choose("f-criterion", "")
    browser.js("(s => { s.value = 'legacy'; s.dispatchEvent(new Event('input')); })(document.getElementById('f-search'))")
    assert visible_ids(browser) == ["legacy-fax"]
    browser.js("(s => { s.value = ''; s.dispatchEvent(new Event('input')); })(document.getElementById('f-search'))")

    requests = [r["request"]["url"] for r in browser.seen("Network.requestWillBeSent")]
    assert requests and all(u.startswith("file://") for u in requests)  # opens offline: nothing fetched
    problems = [m for m in browser.seen("Log.entryAdded") if m["entry"]["level"] == "error"]
    assert not problems and not browser.seen("Runtime.exceptionThrown")  # e.g. no CSP refusal of our own script
    browser.screenshot(ARTIFACTS / "report.png")
    assert (ARTIFACTS / "report.png").stat().st_size > 10_000


def test_hostile_service_names_run_no_script(cli, browser, tmp_path):
    names = ["<script>alert(1)</script>", '"><img src=x onerror=alert(2)>', "<svg onload=alert(3)>",
             "javascript:alert(4)", "</textarea><script>alert(5)</script>"]
    catalog = tmp_path / "hostile.json"
    catalog.write_text(json.dumps([{"id": f"h{i}", "name": n, "provider": n,
                                    "utility": {"performance_support": [n]},
                                    "outcomes": [{"description": n, "effect": "positive"}]}
                                   for i, n in enumerate(names)]))
    browser.open(write_report(cli, tmp_path, str(catalog), "hostile.html"), prelude=TRAP)
    assert browser.js("window.__alerts") == []
    assert not browser.seen("Page.javascriptDialogOpening")
    assert browser.js("document.scripts.length") == 1  # ours
    assert browser.js("document.images.length") == 0
    assert browser.js("document.querySelectorAll('[onerror],[onload]').length") == 0
    titles = browser.js("Array.from(document.querySelectorAll('section.svc h3 span:last-child')).map(s => s.textContent)")
    assert titles == [f"h{i} — {n}" for i, n in enumerate(names)]  # shown as text, exactly
    assert browser.js("document.getElementById('f-count').textContent") == "5 of 5 services shown"
    browser.screenshot(ARTIFACTS / "report-hostile.png")
