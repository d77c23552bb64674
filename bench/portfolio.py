"""A review board's portfolio: a seeded catalog with a waiver file and the last review.

    .venv/bin/python -m bench.portfolio DIR [--services 300] [--seed 23]

writes DIR/catalog.yaml (this review, as of 2026-11-28), DIR/waivers.yaml,
DIR/previous.yaml (the catalog at the last review, 2026-10-28) and
DIR/previous.json (valuate's JSON report of it, for ``check --compare``).
The board pack is checked against it at 300 services (the size a meeting
reads) and at 5,000 (the size the HTML page must stay usable at).

Per 300 services (scaled to the size asked for, at least one of each): 5 not
valuable, 4 valuable only under a waiver, 40 indeterminate, 2 invalid
records, the rest valuable. Owners (some services name only a relationship
manager), providers, tiers and tags (a list: ``--group-by tags`` gives one
group per tag) vary; budgets are in EUR, USD and GBP, and some services
record no budget, only the amounts of the costs they impose. Since the last review two
services started failing, three were fixed, the waived ones were waived,
three were retired and two added. Everything follows from the seed.
"""
from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

AS_OF, LAST_REVIEW = "2026-11-28", "2026-10-28"
PER_300 = {"not_valuable": 5, "waived": 4, "indeterminate": 40, "invalid": 2}
WORDS = ("forms", "payroll", "ledger", "portal", "search", "billing", "docs", "chat", "mail", "backup", "maps",
         "crm", "vpn", "wiki", "print", "hr", "ci", "erp", "badge", "desk", "travel", "assets", "claims", "kiosk")
PROVIDERS = ("Corporate IT", "Data Platform", "Network Services", "Cloud Hosting Ltd", "Field Operations IT",
             "Security Office")
OWNERS = ("Finance Systems", "People Tech", "Customer Care", "Sales Operations", "Platform Engineering",
          "Records Office", "Facilities", "Legal Tech", "Risk and Audit", "Marketing Ops", "Supply Chain",
          "Research Computing")
CURRENCIES = ("EUR", "EUR", "EUR", "USD", "USD", "GBP")


@dataclass(frozen=True)
class Mix:
    """How many services of each kind a portfolio of ``services`` holds."""

    services: int
    not_valuable: int
    waived: int
    indeterminate: int
    invalid: int

    @property
    def valuable(self) -> int:
        return self.services - self.not_valuable - self.waived - self.indeterminate - self.invalid


def mix(services: int) -> Mix:
    scaled = {k: max(1, round(v * services / 300)) for k, v in PER_300.items()}
    return Mix(services, **scaled)


def _ident(i: int) -> str:
    return f"{WORDS[i % len(WORDS)]}-{i:03d}" if i < 1000 else f"{WORDS[i % len(WORDS)]}-{i}"


def healthy(i: int, rnd: random.Random) -> dict:
    """A valuable service, shaped like the bundled sample's payroll."""
    word = WORDS[i % len(WORDS)]
    currency = CURRENCIES[rnd.randrange(len(CURRENCIES))]
    planned = rnd.randrange(20, 900) * 1000
    target = rnd.choice((99.0, 99.5, 99.9))
    svc: dict = {
        "id": _ident(i), "name": f"{word.title()} service {i}", "provider": rnd.choice(PROVIDERS),
        "tier": rnd.randint(1, 4),
        "consumers": {"customer": f"Head of {rnd.choice(OWNERS)}", "user": "Staff", "sponsor": "CFO"},
        "outputs": [f"{word} records", f"{word} reports"],
        "outcomes": [{"description": f"{word} work done faster", "effect": "positive", "impact": rnd.randint(3, 5),
                      "enabled_by": [f"{word} reports"]},
                     {"description": "one more tool to learn", "effect": "negative", "impact": 1}],
        "costs": {"removed": [{"description": "manual re-keying", "impact": rnd.randint(2, 3),
                               "amount": rnd.randrange(10, 200) * 1000}],
                  "imposed": [{"description": "licences and hosting", "impact": rnd.randint(1, 2),
                               "amount": rnd.randrange(5, 90) * 1000}]},
        "risks": {"removed": [{"description": "errors in hand-kept records", "impact": 2}],
                  "imposed": [{"description": "vendor lock-in", "impact": 1}]},
        "utility": {"performance_support": [f"{word} handled in minutes instead of days"]},
        "warranty": {"availability": {"target": target, "measured": round(target + rnd.uniform(0.01, 0.09), 2)},
                     "capacity": {"peak_demand": rnd.randint(100, 600), "max_capacity": 1000},
                     "security": {"controls": ["sso", "mfa"], "open_critical_findings": 0},
                     "continuity": {"plan": True, "last_tested": f"2026-{rnd.randint(1, 10):02d}-{rnd.randint(1, 28):02d}",
                                    "rto_hours": 4, "rto_target_hours": 8}},
        "consumer_participation": {"requirements_defined": True, "csfs_communicated": True,
                                   "constraints_communicated": True, "resource_access_granted": True},
        "budget": {"planned": planned, "actual": round(planned * rnd.uniform(0.85, 1.08)), "currency": currency},
        "tags": [rnd.choice(("customer-facing", "internal", "regulated")), f"tier-{rnd.randint(1, 4)}-site"],
    }
    if i % 9 == 4:  # no owner recorded: the relationship manager answers for it
        svc["relationship"] = {"manager": rnd.choice(("Dana Whitfield", "Sam Okafor", "Ines Duarte"))}
    else:
        svc["owner"] = rnd.choice(OWNERS)
    if i % 17 == 5:  # a budget kept elsewhere: only the costs it imposes are recorded in money
        del svc["budget"]
    return svc


def failing(svc: dict, n: int, rnd: random.Random) -> dict:
    """Make ``svc`` not valuable, one of five ways (some with two failed criteria)."""
    w = svc["warranty"]
    way = n % 5
    if way == 0:  # below its availability target and far over budget (forms-151 in the issue)
        w["availability"]["measured"] = round(w["availability"]["target"] - rnd.uniform(0.1, 0.6), 2)
        planned = rnd.randrange(300, 1200) * 1000
        svc["budget"] = {"planned": planned, "actual": round(planned * rnd.uniform(1.1, 1.4), -3), "currency": "EUR"}
    elif way == 1:
        w["security"]["open_critical_findings"] = rnd.randint(1, 3)
    elif way == 2:  # legacy-fax: no longer useful, costs more than it brings, no budget line
        svc["utility"] = {"performance_support": [], "constraints_removed": []}
        svc["outcomes"] = [{"description": "an occasional use", "effect": "positive", "impact": 1},
                           {"description": "dedicated lines to maintain", "effect": "negative", "impact": 3}]
        svc["costs"] = {"removed": [], "imposed": [{"description": "line rental", "impact": 3, "amount": 18000}]}
        svc.pop("budget", None)
    elif way == 3:
        w["continuity"] = {"plan": False}
        svc["budget"]["currency"] = "USD"
    else:
        w["capacity"] = {"peak_demand": 990, "max_capacity": 1000}
        w["security"]["open_critical_findings"] = 1
    return svc


def waived(svc: dict) -> dict:
    """Below its availability target: valuable only under a waiver for WAR-001."""
    a = svc["warranty"]["availability"]
    a["measured"] = round(a["target"] - 0.12, 2)
    return svc


def waiting(svc: dict, n: int) -> dict:
    """A fact a deciding rule needs is not recorded: indeterminate (never a pass or a fail)."""
    w = svc["warranty"]
    if n % 4 == 0:
        del w["continuity"]["last_tested"]
    elif n % 4 == 1:
        del w["availability"]["measured"]
    elif n % 4 == 2:
        del svc["risks"]
    else:
        del w["security"]
    return svc


def broken(svc: dict, n: int) -> dict:
    """An invalid record: a field of the wrong type."""
    if n % 2 == 0:
        svc["outcomes"][0]["impact"] = "high"
    else:
        svc["tier"] = "gold"
    return svc


def kinds(m: Mix, rnd: random.Random) -> list:
    out = (["not_valuable"] * m.not_valuable + ["waived"] * m.waived + ["indeterminate"] * m.indeterminate
           + ["invalid"] * m.invalid + ["valuable"] * m.valuable)
    rnd.shuffle(out)
    return out


@dataclass(frozen=True)
class Portfolio:
    services: list  # this review's catalog
    previous: list  # the catalog at the last review
    waivers: list
    kinds: list  # the kind each of ``services`` was made as


def portfolio(services: int = 300, seed: int = 23) -> Portfolio:
    rnd = random.Random(seed)
    m = mix(services)
    kind = kinds(m, rnd)
    made, counters = [], {}
    for i, k in enumerate(kind):
        n = counters[k] = counters.get(k, -1) + 1
        svc = healthy(i, rnd)
        svc = {"not_valuable": lambda s: failing(s, n, rnd), "waived": waived,
               "indeterminate": lambda s: waiting(s, n), "invalid": lambda s: broken(s, n)}.get(k, lambda s: s)(svc)
        made.append(svc)
    return Portfolio(made, _previous(made, kind, rnd), _waivers(made, kind), kind)


def _previous(current: list, kind: list, rnd: random.Random) -> list:
    """The last review: two of today's failures were fine, three services failing then are
    valuable now, three were retired since and the last two were not there yet."""
    prev = [json.loads(json.dumps(s)) for s in current[:-2]]  # the two newest services were added since
    by_kind = {k: [i for i, x in enumerate(kind[:-2]) if x == k] for k in set(kind)}
    for i in by_kind.get("not_valuable", [])[:2]:
        prev[i] = healthy(i, random.Random(i))
        prev[i]["id"] = current[i]["id"]
    for n, i in enumerate(by_kind.get("valuable", [])[:3]):
        prev[i] = failing(json.loads(json.dumps(prev[i])), n + 1, rnd)
    for n in range(3):
        old = healthy(90000 + n, rnd)
        old["id"] = f"retired-{n + 1}"
        prev.append(failing(old, n, rnd) if n == 0 else old)
    return prev


def _waivers(current: list, kind: list) -> list:
    """A waiver per waived service (two expiring within 30 days), one lapsed on a failing
    service, and one for a service no longer in the catalog (it waives nothing)."""
    out = []
    expiries = ("2026-12-10", "2026-12-20", "2027-03-31", "2027-06-30")
    for n, i in enumerate(i for i, k in enumerate(kind) if k == "waived"):
        out.append({"service": current[i]["id"], "rule": "WAR-001",
                    "reason": "Database migration; availability recovers after the cut-over",
                    "approved_by": "Change Advisory Board (CAB-2026-%03d)" % (100 + n),
                    "expires": expiries[n % len(expiries)]})
    lapsed = next((i for i, k in enumerate(kind) if k == "not_valuable"), None)
    if lapsed is not None:
        out.append({"service": current[lapsed]["id"], "criterion": "warranty",
                    "reason": "Accepted until the new cluster was ready", "approved_by": "CIO",
                    "expires": "2026-10-31"})
    out.append({"service": "retired-2", "rule": "WAR-002", "reason": "Extra nodes were on order",
                "approved_by": "Head of Infrastructure", "expires": "2027-01-31"})
    return out


def write(directory: Path, services: int = 300, seed: int = 23) -> dict:
    """Write the portfolio's files into ``directory``; their paths by name."""
    import yaml

    p = portfolio(services, seed)
    directory.mkdir(parents=True, exist_ok=True)
    paths = {name: directory / file for name, file in (
        ("catalog", "catalog.yaml"), ("previous_catalog", "previous.yaml"), ("waivers", "waivers.yaml"),
        ("previous", "previous.json"))}
    head = f"# valuate board portfolio: {services} services, seed {seed} (bench/portfolio.py)\n"
    for name, data in (("catalog", {"services": p.services}), ("previous_catalog", {"services": p.previous}),
                       ("waivers", {"waivers": p.waivers})):
        paths[name].write_text(head + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=120),
                               encoding="utf-8")
    return paths


def previous_review(paths: dict, valuate=(sys.executable, "-m", "valuate")) -> Path:
    """The last review's JSON report (valuate run on previous.yaml as of the last review)."""
    subprocess.run([*valuate, "check", str(paths["previous_catalog"]), "--as-of", LAST_REVIEW, "--fail-on", "never",
                    "--no-suggestions", "--format", f"json:{paths['previous']}"], check=True)
    return paths["previous"]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.portfolio", description=__doc__.split("\n")[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--services", type=int, default=300)
    parser.add_argument("--seed", type=int, default=23)
    args = parser.parse_args(argv)
    paths = write(args.directory, args.services, args.seed)
    previous_review(paths)
    d = args.directory
    print(f"wrote {d}: {args.services} services ({mix(args.services)})\n"
          f"  valuate check {paths['catalog']} --as-of {AS_OF} --waivers {paths['waivers']} "
          f"--compare {paths['previous']} -f html:board.html")
    return 0


if __name__ == "__main__":
    sys.exit(main())
