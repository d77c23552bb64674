"""Message templates: literal text with ``{path}`` placeholders.

Placeholders are looked up, never evaluated: ``{warranty.availability.measured}``,
``{derived.capacity_headroom}``, ``{param.min_headroom}``, ``{id}``, ``{name}``,
``{missing}`` (the facts an unknown condition lacked), ``{failed}`` and
``{held}`` (the conditions that were not met / were met, with their values). ``{{`` and ``}}``
write literal braces. This is deliberately not ``str.format``, which would let
a template reach attributes of the values it formats.
"""
from __future__ import annotations

import re
from typing import Any, Callable, Iterable, Optional

from ..errors import did_you_mean
from ..model import format_value
from .language import Template

_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
SPECIAL = ("id", "name", "missing", "failed", "held", "status")


def parse_template(text: str) -> tuple[Optional[Template], Optional[str]]:
    """Split a template into parts; returns (template, error message)."""
    parts: list = []
    literal: list[str] = []
    pos = 0
    for m in _TOKEN.finditer(text):
        literal.append(text[pos:m.start()])
        pos = m.end()
        tok = m.group(0)
        if tok in ("{{", "}}"):
            literal.append(tok[0])
        elif m.group(1) is not None:
            name = m.group(1).strip()
            if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*", name):
                return None, f"placeholder {{{m.group(1)}}} is not a dotted name"
            parts.append("".join(literal))
            literal = []
            parts.append((name,))
        else:
            return None, f"unmatched {tok!r} at character {m.start() + 1} (write {tok}{tok} for a literal brace)"
    literal.append(text[pos:])
    parts.append("".join(literal))
    return Template(text, tuple(parts)), None


def placeholders(t: Template) -> list[str]:
    return [p[0] for p in t.parts if isinstance(p, tuple)]


def unknown_placeholders(t: Template, known: Iterable[str]) -> list[str]:
    """Placeholders that name nothing the rule can supply, with suggestions."""
    known = set(known) | set(SPECIAL)
    out = []
    for name in placeholders(t):
        if name not in known:
            out.append(f"{{{name}}}{did_you_mean(name, sorted(known))}")
    return out


def render(t: Template, lookup: Callable[[str], Any]) -> str:
    out = []
    for part in t.parts:
        out.append(format_value(lookup(part[0])) if isinstance(part, tuple) else part)
    return "".join(out)
