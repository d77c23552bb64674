"""Comparing a run with an earlier one: snapshots, per-service deltas, the baseline.

- ``snapshot``: a run reduced to its failing findings (waived ones marked),
  each keyed by (service id, rule id) with a fingerprint of its status and
  of the recorded facts it read;
- ``files``: snapshots loaded from a baseline file or a previous JSON / JSON
  Lines report, and baseline files written;
- ``delta``: this run against a previous snapshot, service by service
  (new, fixed, still failing since when, changed reasons, newly waived,
  still waived, failing again once a waiver ended, added and removed
  services, verdict counts then and now); only a finding that no longer
  fails is fixed;
- ``baseline``: ``check --baseline``, the delta kept per finding so that
  ``--fail-on`` counts only what is new;
- ``review``: ``check --compare``, the delta of every service and the whole
  comparison, with "failing since" carried forward from report to report.

It sees only the result model: the pipeline applies a baseline as it runs.
"""
from .baseline import Baseline, BaselineTally, new_findings, new_levels
from .delta import NEW, UNCHANGED, UPDATED, Comparer, Comparison, ServiceDelta, delta_of, state
from .files import baseline_document, dump_baseline, load_snapshot
from .review import Review, load_previous
from .snapshot import RECORD_RULE, FindingMark, ServiceMark, Snapshot, fingerprint, marks_of, snapshot_of

__all__ = ["Baseline", "BaselineTally", "new_findings", "new_levels", "NEW", "UNCHANGED", "UPDATED",
           "Comparer", "Comparison", "ServiceDelta", "delta_of", "state", "baseline_document",
           "dump_baseline", "load_snapshot", "Review", "load_previous", "RECORD_RULE", "FindingMark", "ServiceMark", "Snapshot",
           "fingerprint", "marks_of", "snapshot_of"]
