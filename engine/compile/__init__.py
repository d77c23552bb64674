"""Compile rule packs to durable-rules rulesets (the only place, with evaluate, that knows durable-rules' language)."""
from .program import CompiledRule, Program, compile_packs

__all__ = ["compile_packs", "Program", "CompiledRule"]
