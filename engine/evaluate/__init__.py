"""Evaluation: the durable-rules host, per-service evaluation, composition, workers."""
from .evaluator import Evaluator
from .parallel import EvalSpec, Outcome, default_jobs, outcomes

__all__ = ["Evaluator", "EvalSpec", "Outcome", "default_jobs", "outcomes"]
