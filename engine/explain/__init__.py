"""Explanations: condition trees, evidence, and readable why / why-not text."""
from .tree import Facts, build
from ..model.logic import kleene

__all__ = ["Facts", "build", "kleene"]
