"""Maturity levels and targets: grades on top of the verdict, never changing it.

- ``ladder``: the ordered levels a pack or profile declares, parsed and checked
  (``parse_levels``, ``check_ladder``, ``ladder_of``);
- ``grade``: a service's level from its findings, three-valued (``grade``);
- ``targets``: a file of targets (services in scope, a level, a date) and the
  progress of a run toward each (``load_targets``, ``TargetTally``).
"""
from .ladder import CRITERIA, VERDICT, Ladder, Level, check_ladder, ladder_of, parse_levels
from .grade import grade
from .targets import FAIL_ON_TARGET, TargetTally, load_targets, missed, reached

__all__ = ["CRITERIA", "VERDICT", "Ladder", "Level", "check_ladder", "ladder_of", "parse_levels", "grade",
           "FAIL_ON_TARGET", "TargetTally", "load_targets", "missed", "reached"]
