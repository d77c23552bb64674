"""Seeded synthetic catalogs covering every verdict, for the benchmarks.

Services look like the bundled sample (consumers, offerings, outcomes, costs,
risks, utility, the four warranty dimensions, participation, budget), with
values drawn so that valuable, not valuable, indeterminate and error records
all occur in stable proportions.
"""
from __future__ import annotations

import json
import random
from pathlib import Path

WORDS = ["payroll", "crm", "mail", "portal", "backup", "vpn", "wiki", "print", "erp", "hr", "data", "desk"]


# How often a warranty dimension fails and is missing: "typical" gives about 60%
# valuable; "varied" is most real catalogs (about three in four services failing
# or indeterminate, some lists unrecorded); "sparse" records almost nothing.
MIXES = {"typical": (0.05, 0.03), "varied": (0.25, 0.12)}


def sparse(i: int, rnd: random.Random) -> dict:
    """A record of an export that knows little: an id, a name, now and then one fact."""
    svc: dict = {"id": f"svc-{i:07d}", "name": f"{rnd.choice(WORDS).title()} service {i}"}
    if rnd.random() < 0.3:
        svc["provider"] = rnd.choice(["Corporate IT", "Data Platform"])
    if rnd.random() < 0.3:
        svc["outcomes"] = [{"description": "work done faster", "effect": "positive", "impact": rnd.randint(1, 5)}]
    if rnd.random() < 0.2:
        svc["warranty"] = {"availability": {"target": 99.9}}
    return svc


def service(i: int, rnd: random.Random, mix: str = "typical") -> dict:
    if mix == "sparse":
        return sparse(i, rnd)
    fail, missing = MIXES[mix]
    svc: dict = {"id": f"svc-{i:07d}", "name": f"{rnd.choice(WORDS).title()} service {i}",
                 "provider": rnd.choice(["Corporate IT", "Data Platform", "Network Services"]),
                 "tier": rnd.randint(1, 4),
                 "consumers": {"customer": "Head of " + rnd.choice(WORDS), "user": "Staff", "sponsor": "CFO"}}
    if rnd.random() < 0.97:
        svc["utility"] = {"performance_support": [f"faster {rnd.choice(WORDS)}"] if rnd.random() < 0.97 else [],
                          "constraints_removed": [] if rnd.random() < 0.5 else ["no office hours limit"]}
    # Each dimension fails ("typical") about 5% of the time and is missing about 3% of
    # the time, which gives roughly 60% valuable, 25% not valuable, 13% indeterminate, 2% error.
    target = rnd.choice([99.0, 99.5, 99.9])
    drift = rnd.uniform(-0.2, 0.0) if rnd.random() < fail else rnd.uniform(0.0, 0.09)
    w: dict = {"availability": {"target": target, "measured": round(target + drift, 2)}}
    cap = rnd.randint(100, 5000)
    peak = rnd.randint(cap * 91 // 100, cap) if rnd.random() < fail else rnd.randint(cap // 4, cap * 9 // 10)
    w["capacity"] = {"peak_demand": peak, "max_capacity": cap}
    w["security"] = {"controls": ["mfa", "sso"], "open_critical_findings": 1 if rnd.random() < fail else 0}
    year = 2025 if rnd.random() < fail else 2026
    w["continuity"] = {"plan": rnd.random() < 1 - fail / 5, "rto_hours": rnd.randint(1, 8), "rto_target_hours": 8,
                       "last_tested": f"{year}-{rnd.randint(1, 11):02d}-{rnd.randint(1, 28):02d}"}
    for dim in list(w):
        if rnd.random() < missing:
            del w[dim]
    svc["warranty"] = w
    svc["outputs"] = ["reports", "records"]
    svc["offerings"] = [{"name": "standard", "target_group": "staff",
                         "components": [{"type": "access", "terms": "t", "consumption_period": "2026"},
                                        {"type": "action", "agreement": "SLA-1"}]}]
    if rnd.random() < 0.95:
        svc["outcomes"] = [{"description": "work done faster", "effect": "positive", "impact": rnd.randint(2, 5),
                            "enabled_by": ["reports"]},
                           {"description": "extra steps", "effect": "negative", "impact": rnd.randint(1, 3)}]
        svc["costs"] = {"removed": [{"description": "manual work", "impact": rnd.randint(2, 4)}],
                        "imposed": [{"description": "licences", "impact": rnd.randint(1, 2)}]}
        svc["risks"] = {"imposed": [{"description": "lock-in", "impact": rnd.randint(1, 3)}]}
        if rnd.random() < missing:  # an export that never says what risks a service imposes
            del svc["risks"]
    svc["consumer_participation"] = {"requirements_defined": True, "csfs_communicated": rnd.random() < 0.8,
                                     "constraints_communicated": True, "resource_access_granted": True}
    svc["budget"] = {"planned": 100000, "actual": rnd.randint(80000, 120000)}
    if rnd.random() < 0.02:  # invalid records: the error verdict
        svc["outcomes"] = [{"effect": "positive", "impact": "high"}]
    return svc


def write_catalog(n: int, path: Path, seed: int = 42, mix: str = "typical") -> Path:
    rnd = random.Random(seed)
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps(service(i, rnd, mix), separators=(",", ":")) + "\n")
    return path
