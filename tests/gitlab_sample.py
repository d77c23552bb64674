"""The GitLab.com service catalog sample as canonical facts, for report tests.

The sample (../shared/samples/gitlab-com-service-catalog, see its SOURCE.txt)
is a real 55-service catalog. Turning such exports into facts is the ingest
work of issue 3 (mappings and presets); until that lands, this test-only
mapping takes the few fields that map directly: id (name), name
(friendly_name), provider (first team), customer (first business customer)
and performance support (business_value). Everything else stays unknown, so
the services come out indeterminate, which is what the catalog supports.
"""
from __future__ import annotations

import json
from pathlib import Path

import yaml

from conftest import ROOT, SHARED

_SAMPLE = Path("gitlab-com-service-catalog") / "service-catalog.yml"
# shared/ sits beside the repository (a clone, CI) or beside the folder of worktrees.
CATALOG = next((base / _SAMPLE for base in (SHARED, ROOT.parent.parent / "shared" / "samples")
                if (base / _SAMPLE).exists()), SHARED / _SAMPLE)


def gitlab_facts(out: Path) -> Path:
    services = yaml.safe_load(CATALOG.read_text(encoding="utf-8"))["services"]
    facts = []
    for s in services:
        business = s.get("business") or {}
        record = {"id": s["name"], "name": s.get("friendly_name") or s["name"]}
        if s.get("teams"):
            record["provider"] = s["teams"][0]
        if business.get("customers"):
            record["consumers"] = {"customer": business["customers"][0]}
        if business.get("business_value"):
            record["utility"] = {"performance_support": [business["business_value"].strip()]}
        facts.append(record)
    out.write_text(json.dumps(facts, ensure_ascii=False, indent=1), encoding="utf-8")
    return out
