"""The HTML report's section for one service: the explanation tree.

verdict (with its symbol; "valuable (waived)" has its own chip) -> owner,
provider, tier and budget in money -> the waivers that apply, with reason,
approver and expiry -> utility / warranty (four dimensions) / value (the
balance with its arithmetic, each effect by its description) -> rules ->
conditions with their values, thresholds and where each value came from;
what would make it pass; advisory findings apart. A print-only list gives
the reasons in short, since the executive print leaves the tree out. Every
piece of catalog text goes through ``e``.
"""
from __future__ import annotations

from html import escape

from ..model import WAIVED, ServiceResult
from . import board, changes, money, view

# Past this many services the page keeps to what a board reads, so that it opens quickly: a card
# for each service that is not plainly valuable (a valuable one is its row in the services table),
# rule trees only for those not valuable or waived, and a heatmap of the rows not all met.
DETAIL_LIMIT = 1000


def e(text) -> str:
    return escape(str(text), quote=True)


def badge(status: str, text: str = "") -> str:
    return f'<span class="badge s-{e(status)}">{e(text or status.replace("_", " "))}</span>'


def counted(heading: str, n: int, unit: str = "") -> str:
    """A heading's count (``heading`` is HTML) that a filter of the page rewrites to 'shown of n'
    (report.js counts the ``data-item`` elements of the heading's ``count-block`` left shown)."""
    return f'{heading} (<span class="count" data-total="{n}">{n}</span>{" " + unit if unit else ""})'


def verdict_badge(key: str) -> str:
    """A verdict chip: symbol and words, so it never rests on colour (key: a verdict or 'waived')."""
    return (f'<span class="badge v-{e(key)}"><i class="sym" aria-hidden="true">{view.verdict_symbol(key)}</i> '
            f"{e(view.verdict_text(key))}</span>")


def rid(rules: str) -> str:
    return f' <code class="rid">{e(rules)}</code>' if rules else ""


def source_span(r: ServiceResult, short: bool = False) -> str:
    shown, full = view.source_paths(r, short)
    return f'<span class="src" title="{e(full)}">{e(shown)}</span>' if shown else ""


def service_id(result: ServiceResult) -> str:
    return f"service-{result.position}"


def section(r: ServiceResult, detail: bool = True, advisory: bool = True, trend: str = "") -> str:
    """The service's card; without ``detail`` it leaves out the rule tree, without ``advisory`` the
    advisory findings (past DETAIL_LIMIT services; ``valuate explain`` shows them); ``trend``: its row
    of last verdicts (html_trend.card_row), under the title."""
    attrs = f'class="svc" id="{service_id(r)}" data-verdict="{e(r.verdict)}"'
    title = f"<h3>{verdict_badge(view.verdict_key(r))} <span>{e(view.title(r))}</span></h3>"
    if view.errors(r):
        items = "".join(f"<li>{e(x)}</li>" for x in view.errors(r))
        return (f'<section {attrs}><header>{title}{_line([source_span(r)])}{trend}</header>'
                f'<ul class="errors">{items}</ul></section>')
    head = f"<header>{title}{_line([e(board.who(r)), e(money.budget_line(r)), source_span(r)])}{trend}"
    if view.perspectives(r):  # effects name whom they affect: who the value balance holds for
        head += (f'<div class="facts perspectives"><b>{e(view.valuable_to(r))}</b>: '
                 f"{e(view.perspective_line(r))}</div>")
    note = changes.service_note(r.change)
    head += (f'<div class="facts since">since the last review: {e(note)}</div>' if note else "") + "</header>"
    parts = [head, _criteria_strip(r), _waivers(r), _reasons(r), _to_pass(r)]
    parts += [_tree(r), _advisory(r) if advisory else ""] if detail else [_left_out(r)]
    return f"<section {attrs}>" + "".join(parts) + "</section>"


def _left_out(r: ServiceResult) -> str:
    file = r.source.file if r.source is not None else "CATALOG"
    return (f'<p class="note">Rules and conditions: <code>valuate explain {e(file)} {e(r.id or "")}</code> '
            f"(this page leaves them out past {DETAIL_LIMIT:,} services).</p>")


def _line(parts: list) -> str:
    return '<div class="facts">' + " · ".join(p for p in parts if p) + "</div>"


def _waivers(r: ServiceResult) -> str:
    """The waivers that apply or have lapsed, in full: they change what the verdict means."""
    items = []
    for f in r.findings:
        w = f.waiver
        if w is None:
            continue
        state = (f"waived until {w.expires} ({w.when()})" if f.waived else
                 f"waiver expired on {w.expires} ({w.when()}), no longer applies")
        items.append(f'<li class="{"wv-active" if f.waived else "wv-expired"}"><b>{e(state)}</b>{rid(f.rule)} '
                     f"({e(view.label_of(f))}): {e(w.reason)} — approved by {e(w.approved_by)} "
                     f'<span class="note">{e(w.source)}</span></li>')
    return f'<ul class="waivers">{"".join(items)}</ul>' if items else ""


def _reasons(r: ServiceResult) -> str:
    """Why it is not valuable, one line per criterion: printed in place of the tree."""
    lines = view.reason_lines(r)
    items = "".join(f"<li>{e(text)}{rid(rules)}</li>" for text, rules in lines)
    return f'<ul class="reasons print-only">{items}</ul>' if items else ""


def _criteria_strip(r: ServiceResult) -> str:
    def chip(name: str) -> str:
        status = view.status_of(r, name)  # waived: met only under a waiver, its own status
        mark = " (waived)" if status == WAIVED else ""
        return f'<span class="t-{e(status)}">{view.symbol(status)} {e(name)}{mark}</span>'

    spans = []
    for c in r.criteria:
        spans.append(chip(c.name))
        if c.name == "warranty":
            spans += [chip(d) for d, _ in c.dimensions]
    return f'<div class="crit">{"".join(spans)}</div>'


def _to_pass(r: ServiceResult) -> str:
    tp = r.to_pass
    if tp is None:
        return ""
    if not tp.verified:
        return (f'<div class="topass none"><b>What would make it pass:</b> no verified change found '
                f'<span class="note">({e(tp.note)})</span></div>')
    groups = "".join(_to_pass_group(heading, items) for heading, items in view.to_pass_groups(tp))
    advice = f'<div class="advice">{e(tp.advice)}</div>' if tp.advice else ""
    return ('<div class="topass"><b>What would make it pass</b> '
            '<span class="note">(verified by re-evaluating the changed facts)</span>'
            f"{groups}{advice}</div>")


def _to_pass_group(heading: str, items: list) -> str:
    """One kind of change; a long list of facts to record folds away behind its count."""
    listed = "<ol>" + "".join(f'<li>{e(text)} <span class="note">{e(rules)}</span></li>'
                              for text, rules in items) + "</ol>"
    if len(items) <= 3:
        return f'<div class="kind">{e(heading)}</div>{listed}'
    return f'<details class="kind-list"><summary class="kind">{e(heading)}: {len(items)} changes</summary>{listed}</details>'


def _tree(r: ServiceResult) -> str:
    findings = {f.rule: f for f in r.findings}
    items = []
    for c in r.criteria:
        inner = []
        if c.name == "warranty":  # each dimension's rules, labelled with it (one line saved per dimension)
            for dim, status in c.dimensions:
                rules = [_finding(findings[rid], r, dim) for rid in c.findings if findings[rid].dimension == dim]
                inner += rules or [f"<li>{view.symbol(status)} {e(dim)}: {badge(status)} (no rule decides it)</li>"]
        else:
            if c.name == "value":
                inner.append(f"<li>{_balance(r)}</li>")
            inner += [_finding(findings[rid], r) for rid in c.findings]
        items.append(f"<li><b>{view.symbol(c.status)} {e(c.name)}</b> {badge(c.status)}<ul>{''.join(inner)}</ul></li>")
    is_open = " open" if r.verdict != "valuable" else ""
    return (f'<details class="why"{is_open}><summary>Why: criteria → rules → conditions</summary>'
            f'<ul class="tree">{"".join(items)}</ul></details>')


def _finding(f, r: ServiceResult, dimension: str = "") -> str:
    """A rule: one line, its message when it decides against the service, then (one
    click away, opened for printing) its conditions with values, thresholds and evidence."""
    waived = view.waiver(f)
    mark = f' <span class="badge waived" title="{e(waived)}">waived</span>' if waived else ""
    if not f.in_force:  # decided, reported, not counted until its day
        mark += f' <span class="badge">enforced from {e(f.effective)}</span>'
    is_open = " open" if f.failing and f.deciding else ""
    conds = "".join(_row(row) for row in view.rows(f.condition))
    dim = f'<b>{e(dimension)}</b> · ' if dimension else ""
    return (f'<li><details{is_open}><summary>{view.symbol(f.status)} {dim}<code>{e(f.rule)}</code> {e(f.title)} '
            f'{badge(f.status)}{mark}</summary><div class="msg">{e(f.message)}</div>'
            f'<details class="conds"><summary>conditions, values and evidence</summary>'
            f'<ul class="cond">{conds}</ul>{_evidence(f, r)}</details></details></li>')


def _row(row: view.Row) -> str:
    detail = f' <span class="detail">— {e(row.detail)}</span>' if row.detail else ""
    indent = "&nbsp;&nbsp;&nbsp;" * row.depth
    return f'<li>{indent}<span class="t-{e(row.status)}">{view.symbol(row.status)}</span> {e(row.description)}{detail}</li>'


def _evidence(f, r: ServiceResult) -> str:
    """Where each value came from: the catalog record, a derived fact, or a pack parameter."""
    if not f.evidence:
        return ""
    where = view.source_paths(r)[0] or "the catalog"
    parts = []
    for path, value in f.evidence:
        origin = ("pack parameter" if path.startswith("param.") else
                  "derived" if path.startswith("derived.") else where)
        parts.append(f"<code>{e(path)}</code> = {e(view.show(value) if not isinstance(value, list) else _items(value))}"
                     f" <i>({e(origin)})</i>")
    return f'<div class="evidence">evidence: {"; ".join(parts)}</div>'


def _items(value: list) -> str:
    return f"{len(value)} item{'s' if len(value) != 1 else ''}" if any(isinstance(v, (dict, list)) for v in value) \
        else view.show(value)


def _balance(r: ServiceResult) -> str:
    value = r.criterion("value")
    if value is None:
        return ""
    amounts = [board.amount(r, t) for t in value.balance]
    priced = any(a is not None for a in amounts)
    named = any(t.affects for t in value.balance)  # a 'for' column only when some effect names whom
    rows = "".join(
        f'<tr><td>{e(t.side)}</td><td title="{e(t.list)}[{t.index}]">{e(t.description or view.effect_kind(t))}</td>'
        f"<td>{e(view.effect_kind(t))}</td>"
        + (f"<td>{e(view.affects(t) or 'everyone')}</td>" if named else "")
        + (f'<td class="num">{e(money.money(a, board.fact_at(r, "budget.currency")) if a is not None else "")}</td>'
           if priced else "")
        + f'<td class="num">{e(view.show(t.impact))}</td><td class="num">{e(view.show(t.weight))}</td>'
        f'<td class="num">{e(view.show(t.points))}</td></tr>' for t, a in zip(value.balance, amounts))
    table = ('<div class="scroll"><table class="balance"><thead><tr><th>side</th><th>effect</th><th>kind</th>'
             + ("<th>for</th>" if named else "") + ('<th class="num">amount</th>' if priced else "")
             + '<th class="num">impact</th><th class="num">weight</th><th class="num">points</th></tr></thead>'
             f"<tbody>{rows}</tbody></table></div>" if rows else "")
    return (f"value balance: positives {e(view.arithmetic(r, 'positive'))}; "
            f"negatives {e(view.arithmetic(r, 'negative'))}{table}")


def _advisory(r: ServiceResult) -> str:
    adv = view.advisory(r)
    if not adv:
        return ""
    not_met = sum(1 for f in adv if f.failing)
    items = "".join(_finding(f, r) for f in adv)
    return (f'<details class="advisory"><summary>Advisory findings: {not_met} of {len(adv)} not met '
            f'(never change the verdict)</summary><ul class="tree">{items}</ul></details>')
