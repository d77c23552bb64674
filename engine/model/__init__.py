"""Frozen result records: what an evaluation produced, and nothing else.

Reports see only these. Every output format renders from
``ServiceResult.to_dict()`` (one record per input record) plus ``RunInfo``
and ``Summary``, so the formats cannot drift apart.

- ``values``: statuses, verdicts, criteria, and how a value reads;
- ``findings``: what one rule found (condition tree, waiver, criterion, balance);
- ``service``: one record's result, what would make it pass, provenance;
- ``run``: the run's rules and inputs, the summary, coverage, the report;
- ``compare``: a run set beside an earlier one (baseline, ``--compare``);
- ``trend``: the reviews before this one, from a run store (``check --store``);
- ``levels``: a service's maturity level, and its verdict once scheduled rules decide.
"""
from .values import (CRITERIA, DIMENSIONS, ERROR, FAILING, FINDING_STATUSES, INDETERMINATE, MET,
    NOT_APPLICABLE, NOT_MET, NOT_VALUABLE, STATUSES, UNKNOWN, VALUABLE, VERDICTS, WAIVED, counted, format_value)
from .findings import (WAIVER_GATES, BalanceTerm, ConditionResult, CriterionResult, Finding, Perspective, Waiver,
    gate_words, gated_waivers)
from .service import (CHANGE, RECORD, FactChange, Provenance, RecordError, ServiceResult, Source, ToPass,
    provenance_for)
from .run import NO_LEVEL, Scheduled, BaselineSummary, Coverage, CoverageRow, Report, RuleInfo, RunInfo, Summary, not_applicable
from .levels import LevelResult, Shortfall, Upcoming
from .compare import COUNT_KEYS, RECORD_RULE, Comparison, FindingMark, ServiceDelta, ServiceMark, differs, fingerprint
from .trend import Trend, TrendPoint

__all__ = ["CRITERIA", "DIMENSIONS", "ERROR", "FAILING", "FINDING_STATUSES", "INDETERMINATE", "MET",
           "NOT_APPLICABLE", "NOT_MET", "NOT_VALUABLE", "STATUSES", "UNKNOWN", "VALUABLE", "VERDICTS", "WAIVED",
           "counted", "format_value", "WAIVER_GATES", "gate_words", "gated_waivers", "BalanceTerm", "ConditionResult", "CriterionResult", "Finding", "Perspective", "Waiver", "CHANGE",
           "RECORD", "FactChange", "Provenance", "RecordError", "ServiceResult", "Source", "ToPass",
           "provenance_for", "BaselineSummary", "Coverage", "CoverageRow", "Report", "RuleInfo", "RunInfo",
           "Summary", "not_applicable", "COUNT_KEYS", "RECORD_RULE", "Comparison", "FindingMark", "ServiceDelta",
           "ServiceMark", "differs", "fingerprint", "Trend", "TrendPoint", "LevelResult", "Shortfall", "Upcoming",
           "NO_LEVEL", "Scheduled"]
