"""One service as a JSON object, fast: the text ``json.dumps(result.to_dict())`` gives.

Most of a service's JSON is its findings and criteria, and most services of
a catalog share most of them (findings are memoised objects, see
evaluate/findings.py). So each finding's and each criteria block's JSON text
is made once and reused; the service's object is put together from those
pieces with the same separators the standard encoder would use, which keeps
the output byte-identical to encoding the whole dict (a test compares them).
"""
from __future__ import annotations

import json
from typing import Callable

from ..model import ERROR, RECORD_RULE, ServiceResult, provenance_for

LIMIT = 8192  # pieces kept per cache; past it the cache starts afresh


class ServiceEncoder:
    def __init__(self, separators: tuple):
        self.item, self.key = separators
        self.encode: Callable = json.JSONEncoder(ensure_ascii=False, separators=separators).encode
        self.findings: dict = {}  # id(finding) -> (finding, text): the finding is kept, so its id is not reused
        self.blocks: dict = {}  # criteria tuple / balance tuple -> text

    def __call__(self, result: ServiceResult) -> str:
        enc, item, key = self.encode, self.item, self.key
        parts = [f'"id"{key}{enc(result.id)}', f'"name"{key}{enc(result.name)}',
                 f'"verdict"{key}{enc(result.verdict)}']
        if result.verdict == ERROR:
            parts.append(f'"errors"{key}{enc([e.to_dict() for e in result.errors])}')
            parts.append(f'"message"{key}{enc("; ".join(str(e) for e in result.errors))}')
            if result.baseline is not None:
                parts.append(f'"baseline"{key}{enc(result.baseline)}')
            if result.change is not None:
                parts.append(f'"since"{key}{enc(result.change.since(RECORD_RULE))}')
        else:
            parts.append(f'"criteria"{key}' + self._block(result.criteria, lambda: {
                c.name: c.to_dict() for c in result.criteria}))
            value = result.criterion("value")
            if value is not None and value.balance:
                parts.append(f'"balance"{key}' + self._block(value.balance, lambda: [
                    t.to_dict() for t in value.balance]))
        parts.append(f'"findings"{key}[' + item.join(self._finding(f, result) for f in result.findings) + "]")
        if result.to_pass is not None:
            parts.append(f'"to_pass"{key}{enc(result.to_pass.to_dict())}')
        if result.level is not None:
            parts.append(f'"level"{key}{enc(result.level.to_dict())}')
        if result.upcoming:
            parts.append(f'"coming_into_force"{key}{enc([u.to_dict() for u in result.upcoming])}')
        if result.warnings:
            parts.append(f'"warnings"{key}{enc([e.to_dict() for e in result.warnings])}')
        if result.change is not None:
            parts.append(f'"change"{key}{enc(result.change.brief())}')
        if result.source is not None:
            parts.append(f'"source"{key}{enc(result.source.to_dict())}')
        return "{" + item.join(parts) + "}"

    def _block(self, value, make: Callable) -> str:
        text = self.blocks.get(value)
        if text is None:
            if len(self.blocks) >= LIMIT:
                self.blocks.clear()
            text = self.blocks[value] = self.encode(make())
        return text

    def _finding(self, finding, result: ServiceResult) -> str:
        hit = self.findings.get(id(finding))
        if hit is None or hit[0] is not finding:
            if len(self.findings) >= LIMIT:
                self.findings.clear()
            hit = self.findings[id(finding)] = (finding, self.encode(finding.to_dict()))
        text = hit[1]
        if result.provenance:  # read through a mapping: where each fact of the evidence came from
            found = provenance_for(result.provenance, [p for p, _ in finding.evidence] + list(finding.missing))
            if found:
                text = f'{text[:-1]}{self.item}"provenance"{self.key}{self.encode(found)}}}'
        return text


_ENCODERS: dict = {}


def encode_service(result: ServiceResult, separators: tuple) -> str:
    """``result`` as the JSON object ``json.dumps(result.to_dict(), separators=...)`` writes."""
    encoder = _ENCODERS.get(separators)
    if encoder is None:
        encoder = _ENCODERS[separators] = ServiceEncoder(separators)
    return encoder(result)
