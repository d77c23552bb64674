"""Explanations: condition trees, evidence, and readable why / why-not text."""
from .tree import Facts, build, kleene

__all__ = ["Facts", "build", "kleene"]
