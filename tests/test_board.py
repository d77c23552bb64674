"""The board summary (HTML and Markdown): what needs a decision and why, the portfolio views,
money, waivers, what produced the report, human labels and relative paths; --group-by."""
from __future__ import annotations

import io
import json
import re

import pytest

from conftest import AS_OF, ROOT, SAMPLE
from conftest import check as run_check
from valuate.engine.report import board, money, render, view

WAIVERS = "examples/waivers.yaml"


@pytest.fixture(scope="module")
def sample():
    """The bundled sample, evaluated once for the module, from the repository root."""
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(ROOT)
        yield run_check([SAMPLE], as_of=AS_OF, conditions=True)


def rendered(fmt: str, report) -> str:
    out = io.StringIO()
    render(fmt, report, out)
    return out.getvalue()


def ids(services) -> list:
    return [r.id for r in services]


def test_needs_a_decision_gives_one_reason_per_failed_criterion(sample):
    assert ids(board.needs_decision(sample.services)) == ["crm", "data-warehouse", "vpn", "legacy-fax", "backup",
                                                          "print", "payslip-app"]
    fax = next(r for r in sample.services if r.id == "legacy-fax")
    assert [label for label, _, _ in view.reasons(fax)] == ["utility", "security", "continuity", "value balance"]
    assert ("continuity", "no continuity plan", "WAR-004") in view.reasons(fax)
    md = rendered("markdown", sample)
    section = md.split("### Needs a decision (7 not valuable)", 1)[1].split("###", 1)[0]
    # issue 23: the most money first, each with its money
    assert "2. [crm — Customer relationship management](#service-2) — EUR 171,000 actual against EUR 150,000 " \
           "planned (EUR 21,000 over, +14%); imposed costs EUR 96,000 — owner not recorded · provider Sales " \
           "Operations IT · tier 1 · waiver: no waiver" in section
    assert "7. [legacy-fax — Legacy fax gateway](#service-7) — imposed costs 18,000 (currency not recorded)" in section
    assert "   - **availability**: measured availability 99.82% is below the agreed target of 99.9% (WAR-001)" in section
    assert "   - also not judged (facts missing): value balance" in section  # print: value unknown
    # payslip-app: the value balance fails for its sponsor alone, and says so
    assert "   - **value balance**: not met for the sponsor: brings the user 4 against 1; costs the sponsor 3 " \
           "against 1 (VAL-001)" in section


def test_value_by_warranty_grid(sample):
    placed, unplaced, invalid = board.grid(sample.services)
    assert {k: ids(v) for k, v in placed.items()} == {
        "keep": ["payroll", "email", "service-desk"], "fix": ["crm", "data-warehouse", "vpn", "backup"],
        "retire": ["legacy-fax"], "invest": ["payslip-app"], "waived": []}
    assert ids(unplaced) == ["hr-portal", "intranet-wiki", "print", "expense-app", "canteen-booking"] and invalid == 1
    assert "| **value ✓** | **Fix 4**: [crm](#service-2)" in rendered("markdown", sample)


def test_the_grid_keeps_a_waived_warranty_apart(tmp_path):
    """A waived warranty is not met (issue 21): crm and vpn, valuable only under their waivers,
    are neither Keep nor Fix but their own group, saying where they go once the waiver ends."""
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(ROOT)
        waived = run_check([SAMPLE], as_of=AS_OF, waivers=WAIVERS)
    placed, unplaced, invalid = board.grid(waived.services)
    assert ids(placed["keep"]) == ["payroll", "email", "service-desk"]
    assert ids(placed["waived"]) == ["crm", "vpn"] and ids(placed["fix"]) == ["data-warehouse", "backup"]
    assert [board.without_waiver(r) for r in placed["waived"]] == ["fix", "fix"]
    assert board.axes(placed["waived"][0]) == ("met", "waived")
    assert "Placed only by a waiver, apart: **waived 2**: [crm](#service-2) (Fix without it)" in \
        rendered("markdown", waived)
    assert "<b>waived 2</b>: " in rendered("html", waived)


def test_verdicts_by_provider_and_tier_add_up(sample):
    for path in ("provider", "tier"):
        rows = board.groups(sample.services, path)
        assert sum(total for _, _, total in rows) == 15
    tiers = {label: counts for label, counts, _ in board.groups(sample.services, "tier")}
    assert list(tiers) == ["tier 1", "tier 2", "tier 3", "tier 4", "(invalid record)"]
    assert tiers["tier 1"]["valuable"] == 3 and tiers["tier 1"]["not_valuable"] == 3


def test_spend_by_verdict_in_money(sample):
    rows, without = money.spend(sample.services)
    assert [(s.verdict, s.currency, s.services, s.planned, s.actual, s.costed, s.imposed) for s in rows] == [
        ("valuable", None, 1, 450000, 447500, 0, 0), ("valuable", "EUR", 2, 160000, 154200, 0, 0),
        ("not_valuable", None, 2, 280000, 273000, 3, 112000), ("not_valuable", "EUR", 2, 186000, 207000, 0, 0)]  # payslip-app joins crm (issue 28)
    assert without == 5  # issue 23: services with only imposed cost amounts are money too (legacy-fax)
    page = rendered("html", sample)
    assert "EUR 171,000 actual against EUR 150,000 planned (EUR 21,000 over, +14%)" in page
    assert "imposed costs 18,000 (currency not recorded)" in page
    assert "| not valuable | EUR | 2 | EUR 186,000 | EUR 207,000 | EUR 21,000 over (+11%) |" in rendered("markdown", sample)


def test_heatmap_has_every_service_and_criterion(sample):
    page = rendered("html", sample)
    heat = page.split('<table class="heatmap">', 1)[1].split("</table>", 1)[0]
    assert heat.count('class="hrow"') == 15
    for col in ("utility", "availability", "capacity", "security", "continuity", "value balance"):
        assert f"<th>{col}</th>" in heat
    assert board.heat(next(r for r in sample.services if r.id == "data-warehouse"))[2] == ("capacity", "not_met", False)


def test_waivers_are_visible_in_the_summary_and_the_card(repo):
    report = run_check([SAMPLE], as_of=AS_OF, waivers=WAIVERS, conditions=True)
    crm = next(r for r in report.services if r.id == "crm")
    assert view.verdict_key(crm) == "waived" and view.verdict_text("waived") == "valuable (waived)"
    page = rendered("html", report)
    assert '<span class="badge v-waived"><i class="sym" aria-hidden="true">✓</i> valuable (waived)</span>' in page
    panel = [(state, w.service) for state, w in board.waiver_panel(report.run, report.summary.unused_waivers)]
    assert panel == [("expired", "data-warehouse"), ("expiring within 30 days", "crm"), ("active", "vpn")]
    assert board.waiver_state(next(r for r in report.services if r.id == "data-warehouse")) == \
        "waiver for WAR-002 expired on 2026-10-31"
    md = rendered("markdown", report)
    assert "**Verdict: ✓ valuable (waived)**" in md
    assert "> **Waived until 2026-12-15 (in 17 days)**: WAR-001 (availability): Database cluster migration; " \
           "availability recovers after the cut-over — approved by Change Advisory Board (CAB-2026-114)" in md
    assert "| expired | data-warehouse | WAR-002 | Extra nodes were on order |" in md
    assert "waived: availability until 2026-12-15 (WAR-001)" in md  # the services table's reason


def written(cli, tmp_path, *args: str) -> str:
    out = tmp_path / "report"
    assert cli(*args, "--output", str(out)).exit_code == 0
    return out.read_text(encoding="utf-8")


def test_header_names_packs_profile_and_waiver_file_with_digests(cli, tmp_path):
    args = ("check", SAMPLE, "--as-of", AS_OF, "--fail-on", "never", "--profile", "examples/profiles/tiered.yaml",
            "--waivers", WAIVERS)
    inputs = json.loads(written(cli, tmp_path, *args, "--format", "json"))["inputs"]
    page = written(cli, tmp_path, *args, "--format", "html")
    policy = page.split('<dl class="policy">', 1)[1].split("</dl>", 1)[0]
    for name in ("tiered", "examples/profiles/tiered.yaml", "examples/profiles/corporate.yaml", WAIVERS,
                 "itil4", SAMPLE):
        assert name in policy
    for key in ("rules", "profile", "waivers", "facts", "digest"):
        assert f'title="{inputs[key]}">{inputs[key][:19]}…' in policy
    head = written(cli, tmp_path, *args, "--format", "markdown").splitlines()[2]
    assert f"waivers {WAIVERS} `{inputs['waivers'][:19]}…`" in head and "profile tiered (" in head


def test_balance_rows_read_as_effects_not_paths(sample):
    page = rendered("html", sample)
    balance = page.split('id="service-1"', 1)[1].split('id="service-2"', 1)[0]
    assert "<td>in-house payroll clerks</td>" not in balance  # it has a tooltip with its path
    assert '<td title="costs.removed[0]">in-house payroll clerks</td><td>cost removed</td>' in balance
    assert ">costs.removed[0]<" not in page
    assert '<td class="num">EUR 180,000</td>' in balance  # the effect's amount, in the budget's currency
    assert "| positive | in-house payroll clerks | cost removed | 3 | 1 | 3 |" in rendered("markdown", sample)


def test_source_paths_are_relative_with_the_full_path_in_a_tooltip(cli):
    absolute = str(ROOT / SAMPLE)
    page = cli("check", absolute, "--as-of", AS_OF, "--format", "html", "--fail-on", "never").output
    card = page.split('id="service-2"', 1)[1].split("</header>", 1)[0]
    assert f'<span class="src" title="{absolute}:43">{SAMPLE}:43</span>' in card
    row = page.split('<table id="services">', 1)[1].split('data-target="service-2"', 1)[1].split("</tr>", 1)[0]
    assert f'<span class="src" title="{absolute}:43">catalog.yaml:43</span>' in row
    assert f"| {SAMPLE}:43 |" in cli("check", absolute, "--as-of", AS_OF, "--format", "markdown",
                                     "--fail-on", "never").output


def test_legend_says_what_indeterminate_means(sample):
    page = rendered("html", sample)
    legend = page.split('<ul class="legend"', 1)[1].split("</ul>", 1)[0]
    assert "could not be judged because facts it needs are not recorded" in legend
    assert re.findall(r'class="badge v-(\w+)"', legend) == ["valuable", "waived", "not_valuable", "indeterminate",
                                                           "error"]


def test_group_by_adds_a_grouping_and_is_checked_against_the_fact_schema(cli):
    base = ("check", SAMPLE, "--as-of", AS_OF, "--fail-on", "never")
    page = cli(*base, "--format", "html", "--group-by", "relationship.manager").output
    assert "<h3>Verdicts by relationship.manager</h3>" in page and "<td>Dana Whitfield</td>" in page
    assert "### Verdicts by lifecycle" in cli(*base, "--format", "markdown", "--group-by", "lifecycle").output
    wrong = cli(*base, "--group-by", "ownr")
    assert wrong.exit_code == 2 and "--group-by 'ownr' is not a fact path of the fact schema (did you mean " \
                                   "'owner'?)" in wrong.output
    objects = cli(*base, "--group-by", "budget")
    assert objects.exit_code == 2 and "'budget' is an object, not a value" in objects.output
    records = cli(*base, "--group-by", "outcomes")
    assert records.exit_code == 2 and "'outcomes' is a list of records, not a value" in records.output


def test_markdown_board_summary_sections_in_order(sample):
    text = rendered("markdown", sample)
    heads = [line for line in text.splitlines() if line.startswith(("## ", "### "))][:12]
    assert heads == ["## Board summary", "### Needs a decision (7 not valuable)", "### Waiting for data (4 indeterminate)",
                     "### Value × warranty", "### Criteria across the catalog", "### Verdicts by provider",
                     "### Verdicts by tier", "### Spend by verdict", "## Data coverage", "## Services",
                     "### payroll — Payroll processing", "### crm — Customer relationship management"]
    assert "| # | service | verdict | utility | warranty | value | reason | source |" in text


def test_verdicts_then_and_now_count_the_waived_apart(cli, tmp_path):
    """Since the last review: the two services valuable only under a waiver are their own count, then
    and now, in every format (JSON carries comparison.valuable_waived beside the verdicts)."""
    then, now = tmp_path / "then.json", tmp_path / "now.json"
    cli("check", SAMPLE, "--as-of", AS_OF, "-f", f"json:{then}", "--fail-on", "never")
    args = ("check", SAMPLE, "--as-of", AS_OF, "--waivers", WAIVERS, "--compare", str(then), "--fail-on", "never")
    cli(*args, "-f", f"json:{now}")
    c = json.loads(now.read_text())["comparison"]
    assert c["verdicts"]["valuable"] == {"then": 3, "now": 5} and c["valuable_waived"] == {"then": 0, "now": 2}
    line = "valuable 3 → 3, valuable (waived) 0 → 2, not valuable 7 → 5"
    assert line in cli(*args).output and line in cli(*args, "-f", "markdown-summary").output
    assert "| valuable (waived) | 0 | 2 | +2 |" in cli(*args, "-f", "markdown").output
    html = cli(*args, "-f", "html").output
    assert "valuable 3 → 3 · valuable (waived) 0 → 2" in html
    assert '<tr><td>valuable (waived)</td><td class="num">0</td><td class="num">2</td>' in html
    back = cli("check", SAMPLE, "--as-of", AS_OF, "--compare", str(now), "--fail-on", "never").output
    assert "valuable 3 → 3, valuable (waived) 2 → 0, not valuable 5 → 7" in back  # the waivers are gone
