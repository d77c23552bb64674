"""Evaluation: the durable-rules host, per-service evaluation, composition, the batch."""
from .batch import evaluate_records
from .evaluator import Evaluator

__all__ = ["Evaluator", "evaluate_records"]
