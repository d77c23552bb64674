"""The HTML report of a real catalog (GitLab.com, 55 services): complete, offline, one screen per
service, nothing wider than a phone, and a short executive print."""
from __future__ import annotations

import re

import pytest

from browser import OVERFLOW, Browser, find_chromium, pages
from conftest import AS_OF, ROOT, SAMPLE
from gitlab_sample import CATALOG

SCREEN = 900  # px: a laptop screen at 1280 px wide


@pytest.fixture
def gitlab_html(cli, tmp_path):
    out = tmp_path / "gitlab.html"
    result = cli("check", str(CATALOG), "--mapping", "gitlab", "--as-of", AS_OF, "--format", "html",
                 "--output", str(out), "--fail-on", "never")
    assert result.exit_code == 0, result.output
    return out


def test_gitlab_report_is_complete_and_offline(gitlab_html):
    page = gitlab_html.read_text(encoding="utf-8")
    assert page.count('<section class="svc"') == 55
    assert page.count('<tr data-verdict=') == 55
    assert not re.search(r'\b(src|href|action)\s*=\s*"(https?:|//)', page)  # nothing to fetch
    assert "default-src 'none'" in page


@pytest.mark.skipif(find_chromium() is None, reason="browser check of the GitLab report skipped: chromium not installed")
@pytest.mark.parametrize("which", ["gitlab", "sample"])
def test_each_service_fits_one_screen(cli, gitlab_html, tmp_path, which):
    if which == "gitlab":
        path = gitlab_html
    else:
        path = tmp_path / "sample.html"
        assert cli("check", SAMPLE, "--as-of", AS_OF, "--format", "html", "--output", str(path),
                   "--fail-on", "never").exit_code == 0
    browser = Browser(find_chromium(), tmp_path / "profile")
    try:
        browser.open(path.as_uri(), width=1280, height=SCREEN)
        heights = browser.js("Array.from(document.querySelectorAll('section.svc'))"
                             ".map(s => [s.id, Math.round(s.getBoundingClientRect().height)])")
        assert len(heights) == (55 if which == "gitlab" else 15)
        too_tall = [h for h in heights if h[1] > SCREEN]
        assert not too_tall, f"services taller than one screen: {too_tall}"
        if which == "gitlab":
            browser.js("document.getElementById('service-1').scrollIntoView()")
            browser.screenshot(ROOT / "tests" / "artifacts" / "gitlab-report.png")
    finally:
        browser.close()


@pytest.mark.skipif(find_chromium() is None, reason="browser check of the GitLab report skipped: chromium not installed")
def test_gitlab_report_fits_a_phone_and_prints_short(gitlab_html, tmp_path):
    browser = Browser(find_chromium(), tmp_path / "profile")
    try:
        browser.open(gitlab_html.as_uri(), width=390, height=900)
        assert browser.js("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
        assert browser.js(OVERFLOW) == []
        assert pages(browser.print_pdf()) <= 15  # was 173 when every collapsed block opened
    finally:
        browser.close()
