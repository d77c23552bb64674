"""The HTML report's services table: one row per service, every column sortable and filterable.

Columns: position, service, verdict, utility, warranty, value, owner,
provider, tier, money (what is at stake, engine/report/money.py), waiver and
its expiry, failing since (with ``--compare``), reason, source. The header
sticks while the table scrolls; a second header row holds one filter per
column (a choice for the verdict, the statuses and the tier, text for the
others, ``>100000`` style comparisons for numbers); the search box matches
every text column. report.js keeps the filter and the sort in the URL
fragment (``#?verdict=not_valuable&owner=Finance&sort=-money``), so a
filtered view can be sent to a colleague. At 480 px and below each row
becomes a card whose cells carry their column's name (report.css).
"""
from __future__ import annotations

from ..model import CRITERIA, Report, ServiceResult
from . import board, money, view
from .html_service import badge, e, rid, service_id, source_span, verdict_badge

# report.js sorts the choice columns by rank (RANK there): valuable, waived, indeterminate, not
# valuable, error; met, waived, unknown, not met. Empty cells sort last either way.
# (key, heading, filter kind): "choice" filters by the cell's data-value, "number" compares its
# data-sort, "text" looks for the words in the cell. report.css names the columns of a phone's
# cards in this order (tr > td:nth-child), so the two change together.
COLUMNS = (("n", "#", "number"), ("service", "service", "text"), ("verdict", "verdict", "choice"),
           ("utility", "utility", "choice"), ("warranty", "warranty", "choice"), ("value", "value", "choice"),
           ("owner", "owner", "text"), ("provider", "provider", "text"), ("tier", "tier", "choice"),
           ("money", "money", "number"), ("waiver", "waiver", "text"), ("since", "failing since", "text"),
           ("reason", "reason", "text"), ("source", "source", "text"))


def controls(report: Report) -> str:
    """Above the table: a criterion filter (waived apart from met with a waiver file), the search,
    the full-print switch and how many rows are shown."""
    crits = "".join(f'<option value="{c}:{st}">{e(c)} {e(st.replace("_", " "))}</option>'
                    for c in CRITERIA for st in view.status_keys(report.run))
    return ('<div class="controls"><label>criterion <select id="f-criterion"><option value="">any</option>'
            f'{crits}</select></label><label>search <input id="f-search" type="search" '
            'placeholder="any text: name, owner, provider, reason…"></label>'
            '<button type="button" id="f-clear">clear filters</button>'
            '<label title="print every service with every detail instead of the executive print">'
            '<input id="f-print-full" type="checkbox"> full print</label>'
            '<span id="f-count" class="note" aria-live="polite"></span></div>')


def _choice(key: str, values: list, words=None) -> str:
    words = words or (lambda v: v)
    ident = "f-verdict" if key == "verdict" else f"f-c-{key}"
    options = "".join(f'<option value="{e(v)}">{e(words(v))}</option>' for v in values)
    return (f'<select id="{ident}" data-col="{key}" aria-label="filter by {e(key)}"><option value="">all</option>'
            f"{options}</select>")


def _filters(report: Report) -> str:
    """The filter row: one control per column."""
    tiers = sorted({str(t) for t in (board.fact_at(r, "tier") for r in report.services) if t is not None},
                   key=lambda t: (len(t), t))
    statuses = list(view.status_keys(report.run))
    cells = []
    for key, heading, kind in COLUMNS:
        if key == "verdict":
            control = _choice(key, list(view.verdict_keys(report.run)), view.verdict_text)
        elif key in CRITERIA:
            control = _choice(key, statuses, lambda s: s.replace("_", " "))
        elif key == "tier":
            control = _choice(key, tiers + ["none"], lambda t: "not recorded" if t == "none" else f"tier {t}")
        else:
            hint = ">100000, <5000, =0" if kind == "number" else "contains…"
            control = (f'<input type="search" id="f-c-{key}" data-col="{key}" placeholder="{e(hint)}" '
                       f'aria-label="filter by {e(heading)}">')
        cells.append(f'<th data-kind="{kind}" data-label="{e(heading)}">{control}</th>')
    return f'<tr class="filters">{"".join(cells)}</tr>'


def _waiver_cell(r: ServiceResult) -> str:
    """The waivers that apply (rule, until when) and those that lapsed; sorted by the earliest expiry."""
    active = sorted((f.waiver.expires, f.rule) for f in r.findings if f.waived)
    lapsed = sorted((f.waiver.expires, f.rule) for f in r.findings if f.waiver is not None and not f.waiver.active)
    if not active and not lapsed:
        return "<td></td>"
    items = [f"{e(rule)} until {e(until)}" for until, rule in active]
    items += [f'<span class="t-not_met">{e(rule)} expired {e(until)}</span>' for until, rule in lapsed]
    first = (active or lapsed)[0][0]
    return f'<td data-sort="{e(first)}">{"; ".join(items)}</td>'


def _money_cell(r: ServiceResult) -> str:
    s = money.stake(r)
    if s is None:
        return '<td class="num"></td>'
    return f'<td class="num" data-sort="{s.amount}">{e(money.Total(s.currency, s.amount, 1).words(short=True))}</td>'


def _row(r: ServiceResult, anchored: bool = True) -> str:
    crit = {c.name: view.status_of(r, c.name) for c in r.criteria}
    key = view.verdict_key(r)
    tier = board.fact_at(r, "tier") if r.verdict != "error" else None
    since = r.change.first_failed() if r.change is not None else None
    cells = [f'<td class="num">{r.position}</td>',
             f'<td><a href="#{service_id(r)}">{e(view.title(r))}</a></td>',
             f'<td data-value="{e(key)}">{verdict_badge(key)}</td>']
    cells += [f'<td data-value="{e(crit[c])}">{badge(crit[c])}</td>' if c in crit else '<td data-value="">—</td>'
              for c in CRITERIA]
    owner, manager = board.fact_at(r, "owner"), board.fact_at(r, "relationship.manager")
    who = e(owner) if owner else f'{e(manager)} <span class="note" title="relationship manager">(manager)</span>' if manager else ""
    cells += [f"<td>{who}</td>", f"<td>{e(board.fact_at(r, 'provider') or '')}</td>",
              f'<td data-value="{e(tier if tier is not None else "none")}">{e(tier if tier is not None else "")}</td>',
              _money_cell(r), _waiver_cell(r), f"<td>{e(since or '')}</td>"]
    reasons = "".join(f"<li>{e(text)}{rid(rules)}</li>" for text, rules in view.reason_lines(r))
    cells += [f'<td class="reason"><ul class="reasons">{reasons}</ul></td>' if reasons else "<td></td>",
              f"<td>{source_span(r, short=True)}</td>"]
    # a service without a card (html.DETAIL_LIMIT) is reached at its row
    own = "" if anchored else f' id="{service_id(r)}"'
    data = "".join(f' data-{c}="{e(crit[c])}"' for c in CRITERIA if c in crit)
    return f'<tr{own} data-verdict="{e(key)}"{data} data-target="{service_id(r)}">' + "".join(cells) + "</tr>"


def services_table(report: Report, anchored: frozenset = None) -> str:
    """The table; ``anchored``: positions of the services that have a card (None: all)."""
    ths = "".join(f'<th scope="col" data-col="{key}"><button type="button">{e(h)}</button></th>'
                  for key, h, _ in COLUMNS)
    cols = "".join(f'<col class="c-{key}">' for key, _, _ in COLUMNS)  # fixed widths: report.css
    rows = "".join(_row(r, anchored is None or r.position in anchored) for r in report.services)
    return (f'<section id="services-part"><h2>Services ({report.summary.services:,})</h2>{controls(report)}'
            '<div class="scroll table-box"><table id="services">'
            f"<colgroup>{cols}</colgroup><thead><tr>{ths}</tr>{_filters(report)}</thead><tbody>{rows}</tbody>"
            "</table></div></section>")
