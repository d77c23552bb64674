"""The board at portfolio scale (issue 23), without a browser: the 300-service portfolio of
bench/portfolio.py, text grouped and wrapped, the Markdown summary within a comment's size, CSV
for a spreadsheet, money per currency, --group-by on lists. The browser half is
test_board_scale_browser.py. Sizes of the Markdown summary go to tests/artifacts/summary-sizes.json."""
from __future__ import annotations

import csv
import dataclasses
import io
import json
import re

import pytest

from conftest import AS_OF, ROOT, SAMPLE, bench_module
from conftest import check as run_check
from gitlab_sample import CATALOG as GITLAB
from portfolios import board
from valuate.engine.report import board as figures
from valuate.engine.report import markdown_summary, money, render

ARTIFACTS = ROOT / "tests" / "artifacts"


@pytest.fixture(scope="module")
def pf(tmp_path_factory):
    return board(tmp_path_factory, 300)


@pytest.fixture(scope="module")
def now(pf):
    return json.loads(pf["json"].read_text(encoding="utf-8"))


def test_the_portfolio_is_the_one_the_issue_describes(pf, now):
    s = now["summary"]
    assert (s["services"], s["valuable"], s["valuable_waived"], s["not_valuable"], s["indeterminate"], s["error"]) == \
        (300, 253, 4, 5, 40, 2)
    facts = bench_module("portfolio").portfolio(300)
    assert facts == bench_module("portfolio").portfolio(300)  # the same every time
    assert len({svc["budget"]["currency"] for svc in facts.services if "budget" in svc}) >= 3
    assert any("budget" not in svc and any("amount" in c for c in svc["costs"]["imposed"]) for svc in facts.services)
    assert len({svc.get("owner") for svc in facts.services}) > 10 and len({svc["provider"] for svc in facts.services}) > 3
    waivers = now["waivers"]
    assert len(waivers["expiring"]) == 2 and len(waivers["expired"]) == 1 and len(waivers["unused"]) == 1
    c = now["comparison"]
    assert len(c["added"]) == 2 and len(c["removed"]) == 3
    assert bench_module("portfolio").mix(5000).not_valuable == 83


def test_text_puts_the_decisions_first_and_counts_the_valuable(pf):
    text = pf["text"].read_text(encoding="utf-8")
    marks = [line[:3] for line in text.splitlines() if re.match(r"(ok |NO |\?\? |ERR) ", line)]
    assert marks[:5] == ["NO "] * 5 and marks[5:45] == ["?? "] * 40 and marks[45:47] == ["ERR"] * 2
    assert marks[47:] == ["ok "] * 4  # the four valuable under a waiver, named as such
    assert len(re.findall(r"^ok  valuable \(waived\) ", text, re.M)) == 4
    assert "valuable (249): utility, warranty and the value balance met; not listed (--verbose lists them)" in text
    assert text.index("not valuable (5): the board decides") < text.index("indeterminate (40):")


def test_verbose_lists_the_valuable_and_width_wraps_with_a_hanging_indent(cli, pf):
    base = ("check", str(pf["catalog"]), "--as-of", AS_OF, "--waivers", str(pf["waivers"]), "--fail-on", "never",
            "--no-suggestions")
    verbose = cli(*base, "--verbose").stdout
    assert len(re.findall(r"^ok  valuable      ", verbose, re.M)) == 249
    wrapped = cli(*base, "--width", "80").stdout
    lines = wrapped.splitlines()
    assert max(map(len, lines)) <= 80
    for before, line in zip(lines, lines[1:]):
        if before.startswith("      warranty.") and line.startswith(" ") and not line.lstrip().startswith(
                ("warranty.", "utility", "value", "to pass", "since")):
            assert line.startswith(" " * 10)  # goes on under its finding, never from the margin
    one_line = cli(*base).stdout  # a pipe or a file is not wrapped: each finding stays one line for grep
    assert any(len(line) > 80 for line in one_line.splitlines())
    small = cli("check", SAMPLE, "--as-of", AS_OF, "--fail-on", "never", "--width", "80").stdout
    first = next(line for line in small.splitlines() if line.startswith(("ok ", "NO ")))
    assert first.startswith("ok  valuable      payroll")  # 13 services: in catalog order


def test_markdown_summary_names_every_decision_with_reasons_and_money(pf, now):
    text = pf["markdown-summary"].read_text(encoding="utf-8")
    assert len(text) <= markdown_summary.LIMIT
    for svc in now["services"]:
        if svc["verdict"] == "not_valuable":
            assert f"**{svc['id']}**" in text
    assert "EUR" in text and "USD" in text and "(WAR-001)" in text and "**The full report**" in text
    assert "- waiting for data: 40 indeterminate" in text and "- valuable: 249, and 4 only under a waiver" in text


def test_markdown_summary_fits_a_comment_for_any_catalog(repo):
    """Thousands of failing services with long names: the reasons shorten, then the list stops, saying so."""
    sample = run_check([SAMPLE], as_of=AS_OF)
    failing = [r for r in sample.services if r.verdict == "not_valuable"]
    many = tuple(dataclasses.replace(failing[i % len(failing)], position=i + 1, id=f"svc-{i}-" + "x" * 90,
                                     name="A service with a long name " * 4) for i in range(6000))
    text = markdown_summary.summary(dataclasses.replace(sample, services=many))
    assert len(text) <= markdown_summary.LIMIT
    assert re.search(r"^- … and [\d,]+ more \(the full report lists them all\)$", text, re.M)
    few = tuple(many[:60])
    shorter = markdown_summary.summary(dataclasses.replace(sample, services=few))
    assert len(shorter) <= markdown_summary.LIMIT and shorter.count("**svc-") == 60


def test_markdown_summary_sizes(pf, cli, tmp_path):
    """The sizes the issue asks for: the sample, GitLab.com, 300 services (5,000: the browser module)."""
    sizes = {"300 services": len(pf["markdown-summary"].read_text(encoding="utf-8"))}
    sizes["sample"] = len(cli("check", SAMPLE, "--as-of", AS_OF, "-f", "markdown-summary", "--fail-on", "never").output)
    sizes["GitLab.com"] = len(cli("check", str(GITLAB), "--mapping", "gitlab", "--as-of", AS_OF, "-f",
                                  "markdown-summary", "--fail-on", "never").output)
    assert all(n <= markdown_summary.LIMIT for n in sizes.values())
    record(sizes)


def record(sizes: dict) -> None:
    path = ARTIFACTS / "summary-sizes.json"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    known = json.loads(path.read_text()) if path.exists() else {}
    path.write_text(json.dumps({**known, **sizes}, indent=1) + "\n")


def test_csv_is_one_row_per_service_for_a_spreadsheet(pf):
    raw = pf["csv"].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    head, body = rows[0], rows[1:]
    assert len(body) == 300 and len({r[1] for r in body}) == 300
    for column in ("id", "name", "owner", "provider", "tier", "verdict", "utility", "availability", "value",
                   "at stake", "currency", "waivers", "waiver expires", "failing since"):
        assert column in head
    col = {name: i for i, name in enumerate(head)}
    verdicts = [r[col["verdict"]] for r in body]
    assert verdicts.count("valuable (waived)") == 4 and verdicts.count("not valuable") == 5
    waived = next(r for r in body if r[col["verdict"]] == "valuable (waived)")
    assert waived[col["availability"]] == "waived" and waived[col["waiver expires"]].startswith("20")


def test_csv_cells_never_run_as_formulas(cli, tmp_path):
    catalog = tmp_path / "hostile.yaml"
    catalog.write_text("- {id: '=1+1', name: '+SUM(A1)', owner: '-2', provider: '@cmd', lifecycle: x}\n"
                       "- {id: b, name: \"\\tTAB\", owner: \"\\rCR\"}\n", encoding="utf-8")
    text = cli("check", str(catalog), "--as-of", AS_OF, "-f", "csv", "--fail-on", "never").output
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    first, second = rows[1], rows[2]
    assert first[1:6] == ["'=1+1", "'+SUM(A1)", "'-2", "", "'@cmd"]
    assert second[2] == "'\tTAB" and second[3] == "'\rCR"
    for r in rows[1:]:
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in r)


def test_money_at_stake_is_per_currency_with_waived_apart(pf, repo):
    report = run_check([pf["catalog"]], as_of=AS_OF, waivers=pf["waivers"], suggest=False)
    decide = figures.needs_decision(report.services)
    rows, _ = money.totals(decide)
    assert len({t.currency for t in rows}) == len(rows) >= 2  # one total per currency, never one sum
    waived = money.totals([r for r in report.services if r.valuable_by_waiver])[0]
    assert sum(t.services for t in waived) == 4
    ranked = money.by_money(decide)
    amounts = [money.amount_of(r) for r in ranked]
    assert amounts == sorted(amounts, key=lambda a: (a is None, -(a or 0)))
    page = pf["html"].read_text(encoding="utf-8")
    first = page.split('<ol class="decisions"', 1)[1].split("</li>", 1)[0]
    assert ranked[0].id in first and "actual</b> against" in first  # the most money first, with its budget
    legacy = run_check([SAMPLE], as_of=AS_OF)
    fax = next(r for r in legacy.services if r.id == "legacy-fax")
    assert money.stake(fax).line() == "imposed costs 18,000 (currency not recorded)"


def test_group_by_a_list_gives_one_group_per_element(pf, repo):
    gitlab = run_check([GITLAB], mapping="gitlab", as_of=AS_OF, suggest=False)
    owners = {label: total for label, _, total in figures.groups(gitlab.services, "owner")}
    api = next(r for r in gitlab.services if r.id == "api")
    for team in ("create", "distribution_deploy", "geo", "gitaly", "manage", "plan"):
        assert team in figures.group_values(api, "owner") and owners[team] >= 1
    assert not any(", " in label for label in owners)  # no group is a list joined into one text
    report = run_check([pf["catalog"]], as_of=AS_OF, suggest=False)
    tags = figures.groups(report.services, "tags")
    assert sum(total for label, _, total in tags if not label.startswith("(")) == 2 * 298  # two tags each
    page = render_html(report, group_by=("tags",))
    assert "<h3>Verdicts by tags</h3>" in page and "services with several values of tags count in each" in page


def render_html(report, group_by=()) -> str:
    out = io.StringIO()
    render("html", dataclasses.replace(report, run=dataclasses.replace(report.run, group_by=group_by)), out)
    return out.getvalue()


def test_heatmap_and_keep_show_what_needs_attention(pf, now):
    page = pf["html"].read_text(encoding="utf-8")
    heat = page.split('<table class="heatmap">', 1)[1].split("</table>", 1)[0]
    assert heat.count('class="hrow"') == 300
    green = heat.count("data-all-met")
    assert green == now["summary"]["valuable"] - now["summary"]["valuable_waived"]  # waived is not all met
    assert 'id="heat-all"' in page  # the toggle shows all
    keep = page.split('<div class="q q-keep', 1)[1].split('<div class="q ', 1)[0]
    assert '<details class="names"><summary>list 249</summary>' in keep  # a count, the list on request
    # the four valuable only under a waiver are not kept: apart, with where they go when it ends
    assert "Placed only by a waiver, apart: <b>waived 4</b>: " in page and page.count("(Fix without it)") == 4
