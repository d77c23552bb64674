"""The fast service encoder writes exactly what the standard encoder writes."""
from __future__ import annotations

import json

import pytest

from conftest import AS_OF, DATA, ROOT, SAMPLE, bench_module, check
from valuate.engine.report.encode import encode_service

SEPARATORS = [(",", ":"), (", ", ": ")]


def reports(tmp_path):
    yield check([ROOT / SAMPLE], as_of=AS_OF)
    yield check([ROOT / SAMPLE], as_of=AS_OF, waivers=str(ROOT / "examples/waivers.yaml"))
    yield check([DATA / "small-export.csv"], as_of=AS_OF, mapping=str(DATA / "small-export.mapping.yaml"))
    for mix in ("varied", "sparse"):
        path = bench_module("synth").write_catalog(400, tmp_path / f"{mix}.jsonl", seed=5, mix=mix)
        yield check([path], as_of=AS_OF)


@pytest.mark.parametrize("separators", SEPARATORS)
def test_every_service_encodes_as_the_standard_encoder_does(tmp_path, separators):
    standard = json.JSONEncoder(ensure_ascii=False, separators=separators).encode
    seen = 0
    for report in reports(tmp_path):
        for result in report.services:
            assert encode_service(result, separators) == standard(result.to_dict()), result.id
            seen += 1
    assert seen > 800
