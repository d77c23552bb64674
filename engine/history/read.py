"""Reading a store: its runs, a run by name, a run's report rebuilt, a run as a comparison snapshot.

A run's report comes back from its head and chunks (``codec.py``): the
RunInfo and Summary, then every ServiceResult in input order, decoded as the
writers are fed, so memory holds the run's distinct findings but never all
its services at once.
"""
from __future__ import annotations

import json
import zlib
from dataclasses import dataclass, replace
from typing import Iterator, Optional

import sqlalchemy as sa

from ..compare import Snapshot
from ..errors import UserError, did_you_mean
from ..model import VERDICTS, FindingMark, RunInfo, ServiceMark, ServiceResult, Summary
from .codec import CODEC, Decoder
from .names import RUN_NAMES, NotFound, RunName, run_name
from .schema import findings, run_chunks, run_findings, run_services, runs


@dataclass(frozen=True)
class StoredRun:
    """One row of ``runs``: a recorded run as ``history list`` shows it."""

    id: int
    recorded_at: str
    as_of: str
    tool_version: str
    rules_digest: str
    inputs_digest: Optional[str]
    digests: tuple  # ((input, digest), ...)
    packs: tuple
    profile: Optional[str]
    waiver_file: Optional[str]
    catalogs: tuple
    services: int
    verdicts: tuple  # ((verdict, count), ...) in VERDICTS order
    waived: int
    findings: int  # of every status
    criteria: tuple  # ((criterion, ((status, count), ...)), ...)

    @property
    def label(self) -> str:
        return f"run {self.id}, as of {self.as_of}"

    def to_dict(self) -> dict:
        return {"id": self.id, "recorded_at": self.recorded_at, "as_of": self.as_of, "tool_version": self.tool_version,
                "rules_digest": self.rules_digest, "inputs_digest": self.inputs_digest, "inputs": dict(self.digests),
                "packs": list(self.packs), "profile": self.profile, "waiver_file": self.waiver_file,
                "catalogs": list(self.catalogs), "services": self.services, **dict(self.verdicts),
                "waived": self.waived, "findings": self.findings, "criteria": {c: dict(s) for c, s in self.criteria}}


EMPTY = "the store {shown} holds no runs yet (valuate check --store {shown} ... records one)"
_RUN_COLUMNS = [runs.c[n] for n in ("id", "recorded_at", "as_of", "tool_version", "rules_digest", "inputs_digest",
                                    "digests", "packs", "profile", "waiver_file", "catalogs", "services",
                                    *VERDICTS, "waived", "findings", "criteria")]


def _run(row) -> StoredRun:
    m = row._mapping
    criteria = json.loads(m["criteria"])
    return StoredRun(m["id"], m["recorded_at"], m["as_of"], m["tool_version"], m["rules_digest"], m["inputs_digest"],
                     tuple(json.loads(m["digests"]).items()), tuple(json.loads(m["packs"])), m["profile"],
                     m["waiver_file"], tuple(json.loads(m["catalogs"])), m["services"],
                     tuple((v, m[v]) for v in VERDICTS), m["waived"], m["findings"],
                     tuple((c, tuple(s.items())) for c, s in criteria.items()))


def list_runs(conn, last: Optional[int] = None) -> list:
    """The runs in the order they were recorded (the last ``last`` of them)."""
    query = sa.select(*_RUN_COLUMNS).order_by(runs.c.id.desc())
    if last is not None:
        query = query.limit(last)
    return [_run(r) for r in reversed(conn.execute(query).all())]


def find_run(conn, given: str, shown: str) -> StoredRun:
    """The run ``given`` names (RUN_NAMES), or a UserError saying which runs there are."""
    name = run_name(given)
    if name is None:
        raise UserError(f"{given!r} is not a run name; name a run by {RUN_NAMES}")
    query = sa.select(*_RUN_COLUMNS)
    query = {"last": query.order_by(runs.c.id.desc()), "first": query.order_by(runs.c.id),
             "id": query.where(runs.c.id == name.id),
             "date": query.where(runs.c.as_of == name.date).order_by(runs.c.id.desc())}[name.kind]
    row = conn.execute(query.limit(1)).first()
    if row is None:
        raise NotFound(_missing(conn, name, shown))
    return _run(row)


def _missing(conn, name: RunName, shown: str) -> str:
    ids = [str(i) for i in conn.execute(sa.select(runs.c.id).order_by(runs.c.id)).scalars()]
    if not ids:
        return EMPTY.format(shown=shown)
    dates = list(dict.fromkeys(conn.execute(sa.select(runs.c.as_of).order_by(runs.c.as_of)).scalars()))
    hint = did_you_mean(name.date, dates) if name.kind == "date" else ""
    return (f"no {name} in the store {shown}{hint}; it holds runs {_span(ids)}, "
            f"evaluated {dates[0]} to {dates[-1]} (valuate history list shows them)")


def _span(ids: list) -> str:
    return ", ".join(ids) if len(ids) <= 6 else f"{', '.join(ids[:3])}, ..., {', '.join(ids[-2:])}"


@dataclass(frozen=True)
class LoadedRun:
    """A stored run's report: its frame now, its services as they are decoded."""

    run: StoredRun
    info: RunInfo
    summary: Summary
    decoder: Decoder

    def results(self, conn) -> Iterator[ServiceResult]:
        pieces: dict = {}
        chunks = conn.execute(sa.select(run_chunks.c.data).where(run_chunks.c.run_id == self.run.id)
                              .order_by(run_chunks.c.seq))
        for seq, (data,) in enumerate(chunks):
            try:
                lines = zlib.decompress(data).decode("utf-8", "surrogatepass").split("\n")
                for line in lines:
                    if line.startswith("P\t"):
                        _, key, text = line.split("\t", 2)
                        pieces[key] = self.decoder.text(text)
                    elif line.startswith("S\t"):
                        yield self._service(line, pieces)
            except (zlib.error, UnicodeDecodeError, ValueError, TypeError, KeyError) as err:
                raise damaged(self.run, f"chunk {seq}: {type(err).__name__}: {err}") from None

    def _service(self, line: str, pieces: dict) -> ServiceResult:
        _, shell, facts = line.split("\t", 2)
        fields = self.decoder.text(shell)
        fields["criteria"] = tuple(pieces[k] for k in fields.get("criteria", ()))
        if "to_pass" in fields:
            fields["to_pass"] = pieces[fields["to_pass"]]
        found = [pieces[k] for k in fields.pop("findings")]
        for i, since, baseline in fields.pop("marks", ()):
            found[i] = replace(found[i], since=since, baseline=baseline)
        fields["findings"] = tuple(found)
        fields["facts"] = facts_of(facts, self.decoder)
        return ServiceResult(**fields)


def facts_of(text: str, decoder: Decoder):
    """A service's facts as form.py wrote them: '' none, '=' plain JSON, '~' the codec's JSON."""
    if not text:
        return None
    return json.loads(text[1:]) if text[0] == "=" else decoder.text(text[1:])


def damaged(run: StoredRun, why: str) -> UserError:
    return UserError(f"run {run.id} cannot be read back from the store ({why}): the store is damaged, or the run "
                     f"was written by a valuate ({run.tool_version}) whose records this one does not know")


def load_run(conn, run: StoredRun) -> LoadedRun:
    codec, head = conn.execute(sa.select(runs.c.codec, runs.c.head).where(runs.c.id == run.id)).one()
    if codec != CODEC:
        raise UserError(f"run {run.id} was stored in encoding {codec} (valuate {run.tool_version}); this valuate "
                        f"reads encoding {CODEC}")
    try:
        meta, info, summary = zlib.decompress(head).decode("utf-8", "surrogatepass").split("\n")
        decoder = Decoder(json.loads(meta)["fields"])
        return LoadedRun(run, decoder.text(info), decoder.text(summary), decoder)
    except (zlib.error, UnicodeDecodeError, ValueError, TypeError, KeyError) as err:
        raise damaged(run, f"its head: {type(err).__name__}: {err}") from None


def snapshot(conn, run: StoredRun, shown: str) -> Snapshot:
    """A stored run as ``--compare`` sees it: its services and open findings, each with the date
    it has been failing since (the first run of its unbroken streak)."""
    open_ = (sa.select(run_findings.c.position, findings.c.service, findings.c.rule, findings.c.status,
                       findings.c.fingerprint, findings.c.counts, findings.c.message, run_findings.c.since)
             .join(findings, findings.c.id == run_findings.c.finding)
             .where(run_findings.c.run_id == run.id, run_findings.c.waived == sa.false())
             .order_by(run_findings.c.position, run_findings.c.seq))
    by_position: dict = {}
    for position, service, rule, status, fp, counts, message, since in conn.execute(open_):
        by_position.setdefault(position, []).append(FindingMark(service, rule, status, fp, bool(counts), message, since))
    rows = conn.execute(sa.select(run_services.c.position, run_services.c.service, run_services.c.name,
                                  run_services.c.verdict).where(run_services.c.run_id == run.id)
                        .order_by(run_services.c.position))
    services = (ServiceMark(key, name, verdict, tuple(by_position.get(position, ())))
                for position, key, name, verdict in rows)
    # the comparison's "previous": reports print its date beside it
    return Snapshot.of(f"run {run.id} of {shown}", "report", run.as_of, services)
