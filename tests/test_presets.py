"""Each preset on its real sample (tests/data/samples, or the full sets under VALUATE_SAMPLES)
and on the smaller excerpts in tests/data."""
from __future__ import annotations

import csv
import datetime as dt
import json

import pytest
import yaml
from conftest import DATA, ROOT, sample
from conftest import check as run_check
from conftest import facts as run_facts


AS_OF = dt.date(2026, 11, 28)
GITLAB = "gitlab-com-service-catalog/service-catalog.yml"


def check(paths, mapping, **kw):
    return run_check([str(p) for p in paths], as_of=AS_OF, mapping=mapping, **kw)


def facts(paths, mapping):
    return run_facts([str(p) for p in paths], mapping)


def assert_gitlab(report, count):
    assert report.summary.services == count
    assert report.summary.verdicts["error"] == 0
    for s in report.services:
        assert s.criterion("warranty").dimensions[0] == ("availability", "unknown"), s.id
        war = s.finding("WAR-001")
        assert war.status == "unknown" and "warranty.availability.target" in war.missing
    # the empty SLA is remembered as read-but-empty, pointing at the catalog line
    # (two services of the full catalog have no business section at all)
    empty = [s for s in report.services if "warranty.availability.target" in s.provenance]
    assert len(empty) >= count - 2 and all(s.provenance["warranty.availability.target"].unknown for s in empty)


def test_gitlab_full_catalog_55_services_none_error():
    report = check([sample(GITLAB)], "gitlab")
    assert_gitlab(report, 55)
    api_ = next(s for s in report.services if s.id == "api")
    assert api_.name == "GitLab API"
    assert api_.facts["outcomes"][0]["effect"] == "positive"
    assert api_.facts["consumers"]["customer"].startswith("GitLab.com customers; ")
    assert api_.facts["warranty"]["capacity"] == {"scaling": "horizontal", "bound_by": ["cpu"]}
    assert "security" not in api_.facts["warranty"]  # security_reviewed is empty: unknown, not false


def test_gitlab_excerpt():
    report = check([DATA / "gitlab-service-catalog-excerpt.yml"], "gitlab")
    assert_gitlab(report, 3)
    assert [s.id for s in report.services] == ["api", "blackbox", "camoproxy"]
    blackbox = report.services[1]
    assert blackbox.facts["warranty"]["capacity"]["bound_by"] == ["network"]
    assert blackbox.facts["consumers"] == {"customer": "Internally used for monitoring endpoints"}
    assert report.services[0].provenance["outcomes[0].description"].field == "business.business_value"


def _servicenow_checks(doc):
    (svc,) = doc["services"]
    assert "errors" not in svc
    fact = svc["fact"]
    assert fact["id"] == "26da329f0a0a0bb400f69d8159bc753d" and fact["name"] == "SAP Enterprise Services"
    assert fact["tier"] == 1  # "1 - most critical" through the value map
    assert fact["owner"] == "5f728212c0a8010e004a13c7588047dd"  # a reference without display_value
    assert fact["lifecycle"] == "operational"
    assert svc["provenance"]["tier"]["raw"] == "1 - most critical"
    assert svc["provenance"]["tier"]["field"] == "busines_criticality"
    return fact


def test_servicenow_json_record():
    doc = facts([sample("servicenow-cmdb_ci_service-pdi-record/cmdb_ci_service_SAP_Enterprise_Services.json")],
                "servicenow")
    _servicenow_checks(doc)
    assert "unmapped_fields" not in doc  # every one of the 113 fields is mapped or ignored on purpose


def test_servicenow_json_excerpt():
    _servicenow_checks(facts([DATA / "servicenow-cmdb_ci_service-excerpt.json"], "servicenow"))


def _as_servicenow_csv(json_path, tmp_path):
    """The record as ServiceNow writes it to CSV: field names, references as their value."""
    record = json.loads(json_path.read_text())["result"][0]
    out = tmp_path / "cmdb_ci_service.csv"
    with out.open("w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.writer(fh)
        writer.writerow(list(record))
        writer.writerow([v["value"] if isinstance(v, dict) else v for v in record.values()])
    return out


@pytest.mark.parametrize("source", ["real", "excerpt"])
def test_servicenow_csv_gives_the_same_facts_as_json(source, tmp_path):
    path = sample("servicenow-cmdb_ci_service-pdi-record/cmdb_ci_service_SAP_Enterprise_Services.json") \
        if source == "real" else DATA / "servicenow-cmdb_ci_service-excerpt.json"
    from_json = facts([path], "servicenow")
    from_csv = facts([_as_servicenow_csv(path, tmp_path)], "servicenow-csv")
    assert from_csv["services"][0]["fact"] == from_json["services"][0]["fact"]
    assert _servicenow_checks(from_csv)


def test_servicenow_csv_display_values_and_currency(tmp_path):
    path = tmp_path / "services.csv"
    path.write_text("name,busines_criticality,owned_by,cost,cost_cc,last_review_date\n"
                    "Payroll,2 - somewhat critical,Fred Luddy,USD;699.99,USD,2026-03-01 10:00:00\n"
                    "Email,n/a,,,,\n", encoding="utf-8")
    doc = facts([path], "servicenow-csv")
    first, second = (s["fact"] for s in doc["services"])
    assert first == {"id": "Payroll", "name": "Payroll", "tier": 2, "owner": "Fred Luddy",
                     "budget": {"actual": 699.99, "currency": "USD"},
                     "relationship": {"last_review": "2026-03-01"}}
    assert second == {"id": "Email", "name": "Email"}


def _backstage(paths, kept, skipped):
    doc = facts(paths, "backstage")
    ids = [s["id"] for s in doc["services"]]
    assert ids == kept and doc["summary"]["skipped_by_where"] == skipped and doc["summary"]["errors"] == 0
    return {s["id"]: s["fact"] for s in doc["services"]}


def test_backstage_examples():
    base = sample("backstage-catalog-model-examples/artist-lookup-component.yaml").parent
    paths = sorted(base.glob("*.yaml"))
    facts_by_id = _backstage(paths, [
        "artist-engagement-portal", "artist-lookup", "audio-playback", "playback-order", "podcast-api",
        "shuffle-api", "wayback-search", "www-artist"], 2)  # the Domain and the Resource are not services
    assert facts_by_id["wayback-search"]["outputs"] == ["wayback-search"]
    assert facts_by_id["artist-engagement-portal"]["name"] == "Artist Engagement Portal"


def test_backstage_multi_document_excerpt():
    facts_by_id = _backstage([DATA / "backstage-excerpt.yaml"], ["artist-engagement-portal", "wayback-search"], 1)
    assert facts_by_id["wayback-search"] == {"id": "wayback-search", "name": "wayback-search", "owner": "team-a",
                                             "lifecycle": "production", "outputs": ["wayback-search"]}


def _gcloud(paths):
    doc = facts(paths, "gcloud")
    return {s["id"]: s for s in doc["services"]}


def test_gcloud_listings():
    base = sample("gcloud-digitalmarketplace-listings/G4.json").parent
    by_id = _gcloud(sorted(base.glob("G*.json")))
    assert len(by_id) == 6
    saas = by_id["1234567890123458"]  # claims 99.999999% availability
    assert "99.999999% is outside the plausible range" in saas["errors"][0]["message"]
    assert saas["errors"][0]["provenance"]["field"] == "serviceAvailabilityPercentage.value"
    g5 = by_id["5-G2-0123-456"]
    assert "errors" not in g5 and g5["fact"]["costs"]["imposed"][0]["amount"] == 20
    report = check(sorted(base.glob("G*.json")), "gcloud")
    assert report.summary.services == 6 and report.summary.verdicts["error"] == 2


def test_gcloud_excerpts():
    by_id = _gcloud([DATA / "gcloud-G6-PaaS.json", DATA / "gcloud-G7-SCS.json"])
    paas = by_id["1234567890123457"]
    assert "34% is outside the plausible range 90% to 99.9999%" in paas["errors"][0]["message"]
    scs = by_id["7234567890123456"]
    assert scs["fact"]["outcomes"] == [{"description": "Good for hard-working people", "effect": "positive"}]
    assert scs["fact"]["warranty"]["security"]["controls"] == ["ISO 27107"]
    assert scs["fact"]["costs"]["imposed"][0]["amount"] == 34.65


def test_sloth_specs():
    base = sample("sloth-slo-specs/getting-started.yml").parent
    paths = [base / n for n in ("getting-started.yml", "home-wifi.yml", "kubernetes-apiserver.yml", "multifile.yml")]
    doc = facts(paths, "sloth")
    targets = [(s["id"], s["fact"]["warranty"]["availability"]["target"]) for s in doc["services"]]
    assert targets == [("myservice", 99.9), ("home-wifi", 99.9), ("k8s-apiserver", 99.9),
                       ("myservice", 99.9), ("myservice2", 99.99)]


def test_openslo_specs():
    base = sample("openslo-spec/budgeting-method__occurences-slo.yaml").parent
    paths = sorted(base.glob("*.yaml")) + [sample("sloth-slo-specs/openslo-getting-started.yml")]
    doc = facts(paths, "openslo")
    targets = [(s["id"], s["fact"]["warranty"]["availability"]["target"]) for s in doc["services"]]
    assert targets == [("web-shop", 99), ("web-shop", 99), ("web-availability", 99.5),
                       ("web-availability", 99.95), ("my-service", 99.9)]


def test_slo_excerpts_joined_onto_services():
    doc = facts([DATA / "slo-services.yaml"], str(DATA / "slo-services.mapping.yaml"))
    by_id = {s["id"]: s for s in doc["services"]}
    assert by_id["myservice"]["fact"]["warranty"]["availability"]["target"] == 99.9
    assert by_id["myservice"]["provenance"]["warranty.availability.target"]["via"] == "join sloth"


def test_slo_samples_joined_onto_services(tmp_path):
    """The real Sloth and OpenSLO files, joined onto a services export by id."""
    sloth = sample("sloth-slo-specs/kubernetes-apiserver.yml")
    openslo = sample("openslo-spec/budgeting-method__occurences-slo.yaml")
    services = tmp_path / "services.csv"
    services.write_text("id,measured\nk8s-apiserver,99.95\nweb-shop,98.7\n")
    mapping = tmp_path / "m.yaml"
    mapping.write_text("fields:\n  id: id\n  warranty.availability.measured: measured\n"
                       f"join:\n  - {{mapping: sloth, file: {sloth}}}\n"
                       f"  - {{mapping: openslo, file: '{openslo.parent}/budgeting-method__*.yaml'}}\n")
    report = check([services], str(mapping))
    by_id = {s.id: s for s in report.services}
    assert by_id["k8s-apiserver"].finding("WAR-001").status == "met"
    assert by_id["web-shop"].finding("WAR-001").status == "not_met"  # 98.7 < 99 from two agreeing SLOs
    assert by_id["web-shop"].provenance["warranty.availability.target"].file.endswith(".yaml")


def test_the_slo_hint_names_what_the_slo_presets_record():
    """Coverage notes suggest an SLO join only for facts an SLO preset can fill."""
    from valuate.engine.explain.coverage import SLO_FACTS
    recorded = set()
    for name in ("sloth", "openslo"):
        fields = yaml.safe_load((ROOT / "facts" / "mappings" / f"{name}.yaml").read_text())["fields"]
        recorded |= {path for path in fields if path.startswith("warranty.")}
    assert recorded == SLO_FACTS


ADVERSARIAL = ROOT / "tests" / "adversarial"


def test_gcloud_benefits_that_are_an_object_name_the_export_field(cli):
    """Issue 21 item 10: the error named "field '.'" (the element, relative to nothing)."""
    result = cli("check", str(ADVERSARIAL / "gcloud-G6-INVALID.json"), "--mapping", "gcloud", "--format", "json",
                 "--fail-on", "never", "--as-of", "2026-11-28")
    (service,) = json.loads(result.output)["services"]
    (error,) = service["errors"]
    assert error["path"] == "outcomes[0].description"
    assert error["message"].startswith("expected text, got a mapping with keys value, assurance "
                                       "(field 'serviceBenefits' = {'value': 'Benefit 1', ")
    assert error["provenance"]["field"] == "serviceBenefits" and "field '.'" not in error["message"]
    text = cli("check", str(ADVERSARIAL / "gcloud-G6-INVALID.json"), "--mapping", "gcloud", "--fail-on", "never",
               "--as-of", "2026-11-28").output
    assert text.count("gcloud-G6-INVALID.json record 1") == 1  # said once, not again after the message


def test_gcloud_none_means_no_certifications():
    """vendorCertifications: ["None"] is no control at all (an empty list, so WAR-003 fails),
    never a control named "None"; a benefit "none" is no outcome."""
    by_id = _gcloud([ADVERSARIAL / "gcloud-none-certifications.json", DATA / "gcloud-G7-SCS.json"])
    none = by_id["7234567890123499"]
    assert none["fact"]["warranty"]["security"]["controls"] == []
    assert none["fact"]["outcomes"] == [{"description": "Good for hard-working people", "effect": "positive"}]
    assert none["provenance"]["warranty.security.controls"]["raw"] == ["None"]
    assert by_id["7234567890123456"]["fact"]["warranty"]["security"]["controls"] == ["ISO 27107"]
    report = check([ADVERSARIAL / "gcloud-none-certifications.json"], "gcloud")
    assert report.services[0].finding("WAR-003").status == "not_met"


def test_gcloud_listings_with_none_in_the_real_samples():
    """The real listings read as before: none of them says "None"."""
    base = sample("gcloud-digitalmarketplace-listings/G4.json").parent
    by_id = _gcloud(sorted(base.glob("G*.json")))
    controls = {i: s.get("fact", {}).get("warranty", {}).get("security", {}).get("controls") for i, s in by_id.items()}
    assert controls["7234567890123456"] == ["ISO 27107"] and controls["1234567890123458"] is None
