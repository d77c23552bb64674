"""Make the vendored sample excerpts of tests/data/samples from the full public samples.

    python tests/data/samples/cut.py FULL_SAMPLES_DIR [OUT_DIR]

OUT_DIR defaults to this directory. Small samples are copied as they are; the
two large ones are cut down to the fields their mapping preset reads, values
unchanged (tests/data/SOURCE.md says what was cut and why):

- gitlab-com-service-catalog/service-catalog.yml keeps all 55 services, each
  with the keys the ``gitlab`` preset reads. Lines are deleted from the
  original text (never re-written), so what stays is byte for byte the
  original, comments and block scalars included.
- each G-Cloud listing keeps the keys the ``gcloud`` preset reads, in their
  original order, written as JSON with two-space indents.

tests/test_vendored_samples.py runs this against VALUATE_SAMPLES when that
is set and requires the same bytes as the committed files.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent

COPIED = (
    "servicenow-cmdb_ci_service-pdi-record/cmdb_ci_service_SAP_Enterprise_Services.json",
    *(f"backstage-catalog-model-examples/{name}.yaml" for name in (
        "artist-engagement-portal-system", "artist-lookup-component", "artists-db-resource", "artists-domain",
        "audio-playback-system", "playback-order-component", "podcast-api-component", "shuffle-api-component",
        "wayback-search-component", "www-artist-component")),
    *(f"sloth-slo-specs/{name}.yml" for name in (
        "getting-started", "home-wifi", "kubernetes-apiserver", "multifile", "openslo-getting-started")),
    *(f"openslo-spec/{name}.yaml" for name in (
        "budgeting-method__occurences-slo", "budgeting-method__ratio-timeslices", "budgeting-method__timeslices-slo",
        "treat-low-traffic-as-equally-important__timeslices-slo")),
)
GITLAB = "gitlab-com-service-catalog/service-catalog.yml"
GCLOUD = tuple(f"gcloud-digitalmarketplace-listings/{name}.json"
               for name in ("G4", "G5", "G6-PaaS", "G6-SCS", "G6-SaaS", "G7-SCS"))

# What the gitlab preset (facts/mappings/gitlab.yaml) reads: True keeps a key
# whole, a dict keeps only the keys it names.
GITLAB_KEEP = {"services": {"*": {
    "name": True, "friendly_name": True, "teams": True, "tier": True,
    "business": {"requirement": True, "customers": True, "business_value": True, "SLA": {"availability": True}},
    "technical": {"scalability": {"scalable": True, "bound": True},
                  "security": {"security_reviewed": True, "data_classification": True}},
}}}
# What the gcloud preset (facts/mappings/gcloud.yaml) reads.
GCLOUD_KEEP = ("id", "serviceName", "title", "supplierName", "supplierId", "status", "serviceCategories",
               "serviceTypes", "serviceBenefits", "serviceFeatures", "priceString", "priceMin",
               "serviceAvailabilityPercentage", "vendorCertifications")


def _dropped_lines(node, keep, out: set) -> None:
    """Line numbers (0-based) of every mapping entry under ``node`` that ``keep`` does not name."""
    if isinstance(node, yaml.SequenceNode) and isinstance(keep, dict) and "*" in keep:
        for item in node.value:
            _dropped_lines(item, keep["*"], out)
    elif isinstance(node, yaml.MappingNode) and isinstance(keep, dict):
        for key, value in node.value:
            wanted = keep.get(key.value)
            if wanted is True:
                continue
            if wanted and (not isinstance(value, yaml.MappingNode) or _keeps_any(value, wanted)):
                _dropped_lines(value, wanted, out)
                continue
            if key.start_mark.column and key.start_mark.buffer[key.start_mark.pointer - 2:
                                                               key.start_mark.pointer] == "- ":
                raise ValueError(f"cannot cut {key.value!r}: it opens a list item (line {key.start_mark.line + 1})")
            end = value.end_mark.line - (1 if _at_line_start(value.end_mark) else 0)
            out.update(range(key.start_mark.line, end + 1))


def _keeps_any(node, keep: dict) -> bool:
    """Whether any entry of a mapping survives: one emptied entirely goes with its key."""
    return any(keep.get(k.value) is True or keep.get(k.value) and (
        not isinstance(v, yaml.MappingNode) or _keeps_any(v, keep[k.value])) for k, v in node.value)


def _at_line_start(mark) -> bool:
    """Nothing but indentation before ``mark`` on its line: the value ended on the line above."""
    return not mark.buffer[mark.pointer - mark.column:mark.pointer].strip()


def _kept(data, keep):
    """The data ``keep`` names, as it should load from the cut text."""
    if keep is True:
        return data
    if isinstance(data, list):
        return [_kept(item, keep["*"]) for item in data]
    if isinstance(data, dict):
        kept = {k: _kept(v, keep[k]) for k, v in data.items() if keep.get(k)}
        return {k: v for k, v in kept.items() if v != {} or data[k] == {}}
    return data


def cut_yaml(text: str, keep: dict) -> str:
    """``text`` without the lines of the entries ``keep`` does not name; checked by loading it again."""
    drop: set = set()
    _dropped_lines(yaml.compose(text), keep, drop)
    lines = text.splitlines(keepends=True)
    cut = "".join(line for i, line in enumerate(lines) if i not in drop)
    if yaml.safe_load(cut) != _kept(yaml.safe_load(text), keep):
        raise ValueError("the cut text does not load as the kept data")
    return cut


def cut_json(text: str, keep: tuple) -> str:
    data = json.loads(text)
    return json.dumps({k: v for k, v in data.items() if k in keep}, indent=2, ensure_ascii=False) + "\n"


def excerpts(full: Path) -> dict:
    """Relative path -> bytes of every vendored file, made from the full samples in ``full``."""
    out = {name: (full / name).read_bytes() for name in COPIED}
    out[GITLAB] = cut_yaml((full / GITLAB).read_text(encoding="utf-8"), GITLAB_KEEP).encode("utf-8")
    for name in GCLOUD:
        out[name] = cut_json((full / name).read_text(encoding="utf-8"), GCLOUD_KEEP).encode("utf-8")
    return out


def main(argv: list) -> None:
    full = Path(argv[0])
    target = Path(argv[1]) if len(argv) > 1 else HERE
    for name, body in excerpts(full).items():
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        (target / name).write_bytes(body)


if __name__ == "__main__":
    main(sys.argv[1:])
