"""Three-valued logic: defined in engine/model/logic.py, where reports may use it too.

Kept as a name so that ``from ..logic import kleene`` goes on working; new code
imports it from the model.
"""
from .model.logic import applicable, kleene

__all__ = ["applicable", "kleene"]
