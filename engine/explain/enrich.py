"""Add what reports explain beyond the verdict: the value balance item by item,
and, for services that are not valuable or indeterminate, what would make them pass.

Applied to each ``ServiceResult`` as it leaves the evaluator, so every output
format, streaming or not, sees the same records. The evaluator hands in how
to evaluate changed facts (explain does not import evaluate: it sits below it).
"""
from __future__ import annotations

import dataclasses
import datetime as _dt
from typing import Optional

from ..model import INDETERMINATE, NOT_VALUABLE, ServiceResult
from .balance import balance_of, breakdown
from .whatif import WhatIf


class Enricher:
    """``engine``: the evaluator that judged the services (what would make a service pass
    is verified with it: its ``decide``, ``verdict_of``, ``findings_of`` and ``trees``);
    ``sources``: canonical path -> the export field feeding it (mapped inputs)."""

    def __init__(self, program, as_of: _dt.date, suggest: bool, engine, sources: Optional[dict] = None):
        self.balance = balance_of(program)
        owner = next((p.name for p in program.packs if self.balance in p.derived.values()), None)
        self.weights = program.params.get(owner, {}) if owner else {}
        self.whatif = WhatIf(program, as_of, engine, sources) if suggest else None

    def __call__(self, result: ServiceResult) -> ServiceResult:
        if result.facts is None:  # an invalid record: nothing to explain beyond its errors
            return result
        changes: dict = {}
        if self.balance is not None:
            terms = breakdown(self.balance, result.facts, self.weights)
            changes["criteria"] = tuple(dataclasses.replace(c, balance=terms) if c.name == "value" else c
                                        for c in result.criteria)
        if self.whatif is not None and result.verdict in (NOT_VALUABLE, INDETERMINATE):
            changes["to_pass"] = self.whatif.suggest(result)
        return dataclasses.replace(result, **changes) if changes else result
