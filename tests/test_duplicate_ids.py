"""Issue 21 item 5: the later record with an id already used is an error, whatever the
first was (docs/specification.md, verdict composition), through every reader, a mapping, worker processes,
``valuate facts`` and the server's evaluation; ids equal once read (1 and "1", " c "
and "c" in a table) are one id; every record appears exactly once in every output."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from conftest import AS_OF, ROOT
from test_parallel import run as run_formatted
from valuate.engine import pipeline
from valuate.engine.evaluate import parallel
from valuate.engine.model import Source
from valuate.engine.request import Inputs, Policy, RunOptions, RunRequest

CORPUS = ROOT / "tests" / "adversarial"
DUP = "duplicate id"

# (id, verdict, a duplicate?) per record of duplicate-after-invalid.{yaml,json,jsonl}
CANONICAL = [("a", "error", False), ("a", "error", True), ("1", "error", False), ("1", "error", True),
             ("b", "indeterminate", False), ("b", "error", True), ("", "error", False), ("", "error", False),
             ("c", "indeterminate", False)]
JSONL_TAIL = [("d", "error", False), ("d", "error", True)]  # {"id":"c","id":"d"} keeps "d"
CSV = [("a", "error", False), ("a", "error", True), ("c", "indeterminate", False), ("c", "error", True),
       ("b", "indeterminate", False), ("b", "error", True)]


def rows(doc: dict) -> list:
    return [(s["id"], s["verdict"], DUP in s.get("message", "")) for s in doc["services"]]


def check_json(cli, *args: str) -> dict:
    result = cli("check", *args, "--format", "json", "--as-of", AS_OF, "--fail-on", "never")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.mark.parametrize("name,expected", [("duplicate-after-invalid.yaml", CANONICAL),
                                           ("duplicate-after-invalid.json", CANONICAL),
                                           ("duplicate-after-invalid.jsonl", CANONICAL + JSONL_TAIL),
                                           ("duplicate-after-invalid.csv", CSV)])
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_repeated_id_is_an_error_whatever_the_first_was(cli, name, expected, jobs):
    doc = check_json(cli, str(CORPUS / name), "--jobs", jobs)
    assert rows(doc) == expected
    assert doc["summary"]["services"] == len(expected)
    second = doc["services"][1]["message"]
    assert second.startswith("id: duplicate id 'a': already used by the record at ") and name in second


def test_a_later_repeat_that_is_invalid_keeps_its_own_errors(cli):
    doc = check_json(cli, str(CORPUS / "duplicate-after-invalid.yaml"))
    paths = [e["path"] for e in doc["services"][5]["errors"]]
    assert paths == ["id", "outcomes[0].effect"]


def test_the_issue_repro(cli, tmp_path):
    path = tmp_path / "d.yaml"
    path.write_text("- {id: a, outcomes: [{description: x, effect: positive, impact: high}]}\n"
                    "- {id: a, utility: {performance_support: [x]}}\n")
    doc = check_json(cli, str(path))
    assert [s["verdict"] for s in doc["services"]] == ["error", "error"]
    assert doc["services"][1]["message"] == f"id: duplicate id 'a': already used by the record at {path}:1"


def test_a_workbook_number_and_text_are_one_id(cli, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["id", "warranty.availability.target"])
    sheet.append([1001, "high"])  # invalid, with a numeric cell for an id
    sheet.append(["1001", 99.9])
    path = tmp_path / "services.xlsx"
    book.save(path)
    doc = check_json(cli, str(path))
    assert rows(doc) == [("1001", "error", False), ("1001", "error", True)]


@pytest.mark.parametrize("order", [1, -1])
def test_gcloud_number_and_text_ids_are_one_id(cli, order):
    """A listing whose numeric id is the text id of another is the same service."""
    files = [str(CORPUS / "gcloud-duplicate-id-number.json"), str(CORPUS / "gcloud-duplicate-id-text.json")]
    doc = check_json(cli, *files[::order], "--mapping", "gcloud")
    first = "error" if order == 1 else "indeterminate"  # the numeric one claims 12% availability
    assert [(s["id"], s["verdict"]) for s in doc["services"]] == [("7234567890123456", first),
                                                                  ("7234567890123456", "error")]
    assert DUP not in doc["services"][0].get("message", "") and DUP in doc["services"][1]["message"]


def test_valuate_facts_lists_the_duplicate_as_check_does(cli):
    result = cli("facts", str(CORPUS / "duplicate-after-invalid.yaml"), "--format", "json")
    doc = json.loads(result.output)
    assert [any(DUP in e["message"] for e in s.get("errors", ())) for s in doc["services"]] == \
        [dup for _, _, dup in CANONICAL]
    assert doc["summary"] == {"records": 9, "errors": 7, "skipped_by_where": 0}
    assert doc["coverage"]["services"] == 2  # b and c: a duplicate is not counted as data


@pytest.mark.parametrize("fmt", ["json", "jsonl", "text"])
def test_worker_processes_decide_alike(tmp_path, monkeypatch, fmt):
    """--jobs 2 with workers really started (small chunks), streaming formats rendering
    in the workers included: the same bytes as one process."""
    monkeypatch.setattr(parallel, "SERIAL_BELOW", 4)
    monkeypatch.setattr(parallel, "CHUNK", 3)
    path = tmp_path / "c.jsonl"
    path.write_bytes((CORPUS / "duplicate-after-invalid.jsonl").read_bytes() * 3)
    outputs = []
    for jobs in (1, 2):
        out, summary = run_formatted(path, fmt, jobs)
        assert summary.services == 33 and summary.verdicts["error"] == 31  # only the first b and c stand
        outputs.append(out)
    assert outputs[0] == outputs[1]


def test_the_servers_evaluation_path():
    """What a worker of `valuate serve` runs for POST /v1/evaluate (engine/serve/worker.py)."""
    import pickle
    from valuate.engine.serve import snapshot, worker
    from valuate.engine.serve.config import ServeConfig
    built = snapshot.build(ServeConfig(policy=Policy(as_of=dt.date.fromisoformat(AS_OF))), 1)
    evaluator = worker.Worker(pickle.loads(built.payload))
    body = json.dumps([{"id": "a", "outcomes": [{"description": "x", "effect": "positive", "impact": "high"}]},
                       {"id": "a"}, {"id": 7}, {"id": "7"}, {"id": "b"}]).encode()
    status, _, answer = evaluator.evaluate(body, RunOptions(), None)
    got = json.loads(answer)["services"]
    assert status == 200
    assert [(s["id"], s["verdict"], DUP in s.get("message", "")) for s in got] == [
        ("a", "error", False), ("a", "error", True), ("7", "error", False), ("7", "error", True),
        ("b", "indeterminate", False)]
    assert "already used by the record at request" in got[1]["message"]


def test_in_memory_records_without_a_source(cli):
    """Library callers' records (no file): the first is named by its position."""
    records = [{"id": "x", "tier": "one"}, {"id": "x"}]
    current = pipeline.run(RunRequest(Policy(as_of=dt.date.fromisoformat(AS_OF)), Inputs(records=records)))
    results = list(current.results())
    assert [r.verdict for r in results] == ["error", "error"]
    assert results[1].errors[0].message.startswith("duplicate id 'x': already used by the record at ")
    assert isinstance(results[1].source, Source)
