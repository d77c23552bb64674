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


CURRENCIES = ("EUR", "USD", "GBP", "CHF", "SEK", "NOK", "DKK", "PLN", "JPY", "CAD", "AUD", "NZD")


def worst_case(path: Path, n: int = 1000) -> Path:
    """A catalog made to fill the executive print: a fifth of the services fail every criterion (six
    reasons each, long names), 40 providers, 60 owners, 12 currencies; the rest valuable."""
    services = []
    for i in range(n):
        svc = {"id": f"svc-{i:04d}", "name": f"A service with a long descriptive name number {i} for the board",
               "provider": f"Provider organisation {i % 40}", "owner": f"Owning team {i % 60}", "tier": 1 + i % 4,
               "outputs": ["reports"], "consumers": {"customer": "someone"},
               "budget": {"planned": 100000 + i, "actual": 120000 + 7 * i, "currency": CURRENCIES[i % 12]},
               "costs": {"removed": [], "imposed": [{"description": "licences", "impact": 2, "amount": 5000 + i}]},
               "risks": {"removed": [], "imposed": []}}
        if i % 5 == 0:  # fails utility, the four warranty dimensions and the value balance
            svc.update(outcomes=[{"description": "little", "effect": "negative", "impact": 3}],
                       utility={"performance_support": [], "constraints_removed": []},
                       warranty={"availability": {"target": 99.9, "measured": 97.0},
                                 "capacity": {"peak_demand": 99, "max_capacity": 100},
                                 "security": {"controls": [], "open_critical_findings": 3},
                                 "continuity": {"plan": False}})
        else:
            svc.update(outcomes=[{"description": "much", "effect": "positive", "impact": 3, "enabled_by": ["reports"]}],
                       utility={"performance_support": ["work"]},
                       warranty={"availability": {"target": 99.0, "measured": 99.5},
                                 "capacity": {"peak_demand": 10, "max_capacity": 100},
                                 "security": {"controls": ["sso"], "open_critical_findings": 0},
                                 "continuity": {"plan": True, "last_tested": "2026-10-01"}})
        services.append(svc)
    path.write_text(json.dumps({"services": services}), encoding="utf-8")
    return path
