"""Twelve monthly reviews of a changing catalog, for the run store's tests, transcript and bench.

    .venv/bin/python -m bench.reviews DIR [--store URL]

writes DIR/2026-01.json ... DIR/2026-12.json (a seeded catalog of about 24
services that changes every month: failing services get fixed, some that
passed break, continuity tests age past a year and are redone, facts that
were missing get recorded, services are added and retired) and, with
--store, records each month into the store as the board would:
``valuate check MONTH.json --as-of DATE --store URL --compare last``.
"""
from __future__ import annotations

import argparse
import copy
import datetime as dt
import json
import random
import subprocess
import sys
from pathlib import Path

NAMES = ["Payroll processing", "Customer relationship management", "Corporate e-mail", "Remote access VPN",
         "Data warehouse", "Service desk", "Expense claims", "Intranet portal", "Print services",
         "Identity and access", "Backup and restore", "Video conferencing", "Procurement", "Contract register",
         "Learning platform", "Document management", "Field service app", "Network monitoring",
         "Time tracking", "Website", "Mobile device management", "Travel booking", "Asset register",
         "Analytics sandbox", "Chat and collaboration", "Recruiting portal", "Facilities booking", "Archive"]
PROVIDERS = ["Corporate IT", "Data Platform", "Workplace Services", "Sales Operations IT"]
OWNERS = ["Dana Whitfield", "Lee Okafor", "Priya Raman", "Sam Novak", "Ines Duarte"]
MONTHS = 12
FIRST = 24  # services in the first review


def as_of(month: int) -> dt.date:
    return dt.date(2026, month + 1, 28)


def new_service(i: int, rnd: random.Random, day: dt.date) -> dict:
    name = NAMES[i % len(NAMES)]
    target = rnd.choice([99.0, 99.5, 99.9])
    measured = target - rnd.uniform(0.02, 0.3) if rnd.random() < 0.3 else target + rnd.uniform(0.0, 0.09)
    svc = {"id": name.lower().replace(" ", "-").replace("/", "-"), "name": name,
           "provider": rnd.choice(PROVIDERS), "tier": rnd.randint(1, 3), "owner": rnd.choice(OWNERS),
           "consumers": {"customer": "Head of " + name.split()[0], "user": "Staff", "sponsor": "COO"},
           "outputs": ["records", "reports"],
           "outcomes": [{"description": "work done faster", "effect": "positive", "impact": rnd.randint(3, 5),
                         "enabled_by": ["reports"]},
                        {"description": "extra steps", "effect": "negative", "impact": rnd.randint(1, 2)}],
           "costs": {"removed": [{"description": "manual work", "impact": 2, "amount": rnd.randint(20, 90) * 1000}],
                     "imposed": [{"description": "licences", "impact": 1, "amount": rnd.randint(5, 40) * 1000}]},
           "risks": {"removed": [{"description": "data loss", "impact": 2}],
                     "imposed": [{"description": "lock-in", "impact": 1}]},
           "utility": {"performance_support": ["one place for " + name.lower()]},
           "warranty": {"availability": {"target": target, "measured": round(measured, 2)},
                        "capacity": {"peak_demand": rnd.randint(300, 950), "max_capacity": 1000},
                        "security": {"controls": ["sso", "mfa"], "open_critical_findings": int(rnd.random() < 0.12)},
                        "continuity": {"plan": True, "rto_hours": 4, "rto_target_hours": 8,
                                       "last_tested": (day - dt.timedelta(days=rnd.randint(30, 400))).isoformat()}},
           "budget": {"planned": 100000, "actual": rnd.randint(85, 125) * 1000, "currency": "EUR"}}
    if rnd.random() < 0.3:  # an export that never says what risks the service imposes: indeterminate
        del svc["risks"]["imposed"]
    return svc


def _month(services: list, rnd: random.Random, day: dt.date) -> None:
    """One month of change, in place: fixes, breakages, re-tests, facts recorded."""
    for svc in services:
        w = svc["warranty"]
        a = w["availability"]
        if a["measured"] < a["target"] and rnd.random() < 0.3:
            a["measured"] = round(a["target"] + rnd.uniform(0.01, 0.08), 2)
        elif a["measured"] >= a["target"] and rnd.random() < 0.06:
            a["measured"] = round(a["target"] - rnd.uniform(0.05, 0.4), 2)
        if w["security"]["open_critical_findings"] and rnd.random() < 0.35:
            w["security"]["open_critical_findings"] = 0
        elif rnd.random() < 0.03:
            w["security"]["open_critical_findings"] = 1
        if rnd.random() < 0.15:  # the continuity plan was tested this month
            w["continuity"]["last_tested"] = (day - dt.timedelta(days=rnd.randint(1, 20))).isoformat()
        if "imposed" not in svc["risks"] and rnd.random() < 0.2:
            svc["risks"]["imposed"] = [{"description": "lock-in", "impact": 1}]
        w["capacity"]["peak_demand"] = min(999, max(200, w["capacity"]["peak_demand"] + rnd.randint(-60, 60)))


def catalogs(seed: int = 2026) -> list:
    """(as of, services) for each of the twelve months."""
    rnd = random.Random(seed)
    services = [new_service(i, rnd, as_of(0)) for i in range(FIRST)]
    services[7]["outcomes"][0]["impact"] = "high"  # an invalid record: the error verdict, fixed in month 10
    added = FIRST
    out = []
    for month in range(MONTHS):
        day = as_of(month)
        if month:
            _month(services, rnd, day)
        if month in (3, 8):
            services.append(new_service(added, rnd, day))
            added += 1
        if month == 6:
            services = [s for s in services if s["id"] != "print-services"]  # retired
        if month == 10:
            services[7]["outcomes"][0]["impact"] = 3
        out.append((day, copy.deepcopy(services)))
    return out


def write(directory: Path, seed: int = 2026) -> list:
    """The twelve catalogs as DIR/YYYY-MM.json; [(as of, path)]."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for day, services in catalogs(seed):
        path = directory / f"{day.isoformat()[:7]}.json"
        path.write_text(json.dumps({"services": services}, indent=1) + "\n", encoding="utf-8")
        paths.append((day, path))
    return paths


def record(paths: list, store: str, *extra: str) -> None:
    """Record each month: ``valuate check MONTH --as-of DATE --store STORE --compare last`` (+ ``extra``)."""
    for day, path in paths:
        subprocess.run([sys.executable, "-m", "valuate", "check", str(path), "--as-of", day.isoformat(),
                        "--store", store, "--compare", "last", "--fail-on", "never", "--format", "jsonl", *extra],
                       check=True, stdout=subprocess.DEVNULL)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.reviews")
    parser.add_argument("directory", type=Path)
    parser.add_argument("--store", default=None)
    args = parser.parse_args()
    paths = write(args.directory)
    if args.store:
        record(paths, args.store)
    for day, path in paths:
        print(f"{day}  {path}")


if __name__ == "__main__":
    main()
