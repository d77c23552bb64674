"""Paths into export records: ``business.SLA.availability``, ``result[*]``,
``slos[0].objective``, ``["Avail. target"]``, and ``.`` for the record itself.

``slos.*.objective`` is the same as ``slos[*].objective`` and needs no
quoting inside a YAML flow list (``[a[*].b]`` would be read as nested lists).
A CSV header or JSON key may itself contain dots (``Avail. target``): a path
that is exactly a key of the record is read as that key first, so most
headers need no quoting; ``["a.b"]`` quotes a key inside a longer path.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterator, Optional

WILDCARD = "*"
_TOKEN = re.compile(r"""\[\s*(?:(\*)|(-?\d+)|"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')\s*\]|([^.\[\]]+)|(\.)""")


class PathSyntaxError(ValueError):
    pass


@dataclass(frozen=True)
class SourcePath:
    """A parsed path; ``text`` is what the mapping said."""

    text: str
    segments: tuple  # str keys, int indexes, WILDCARD

    @property
    def is_self(self) -> bool:
        return not self.segments

    def shape(self) -> tuple:
        """Segments with indexes as wildcards: how the path is compared with an export's fields."""
        return tuple(WILDCARD if isinstance(s, int) else s for s in self.segments)


def parse_path(text: str) -> SourcePath:
    if not isinstance(text, str) or not text.strip():
        raise PathSyntaxError("a field path must be non-empty text")
    text = text.strip()
    if text in (".", "$"):
        return SourcePath(text, ())
    body = text[2:] if text.startswith("$.") else text
    segments: list = []
    pos, expect_name = 0, True
    while pos < len(body):
        m = _TOKEN.match(body, pos)
        if not m:
            raise PathSyntaxError(f"cannot read the path {text!r} at character {pos + 1}")
        star, index, dq, sq, name, dot = m.groups()
        if dot:
            if expect_name:
                raise PathSyntaxError(f"empty part in the path {text!r} at character {pos + 1}")
            expect_name = True
        elif name is not None:
            if not expect_name:
                raise PathSyntaxError(f"missing '.' before {name!r} in the path {text!r}")
            name = name.strip()
            segments.append(WILDCARD if name == "*" else name)  # a.*.b is a[*].b, YAML-friendly
            expect_name = False
        else:
            segments.append(WILDCARD if star else int(index) if index is not None
                            else _unescape(dq if dq is not None else sq))
            expect_name = False
        pos = m.end()
    if expect_name and segments:
        raise PathSyntaxError(f"the path {text!r} ends with '.'")
    return SourcePath(text, tuple(segments))


def _unescape(s: str) -> str:
    return re.sub(r"\\(.)", r"\1", s)


@dataclass(frozen=True)
class Found:
    """What a path found in a record: ``present`` is False when a key is missing."""

    present: bool
    value: Any = None
    line: Optional[int] = None


def _line_of(container: Any, key: Any) -> Optional[int]:
    where = getattr(container, "where", None)
    if where is None:
        return None
    try:
        return where(key)[0]
    except (TypeError, IndexError):
        return None


def resolve(data: Any, path: SourcePath) -> Found:
    """Read ``path`` in ``data``; a literal key equal to the whole text wins."""
    if isinstance(data, dict) and path.text in data and len(path.segments) != 1:
        return Found(True, data[path.text], _line_of(data, path.text))
    return _walk(data, path.segments, None)


def _walk(node: Any, segments: tuple, line: Optional[int]) -> Found:
    for i, seg in enumerate(segments):
        if seg == WILDCARD:
            if not isinstance(node, list):
                return Found(node is None, None, line)
            rest = segments[i + 1:]
            found = [_walk(item, rest, _line_of(node, j)) for j, item in enumerate(node)]
            values = [f.value for f in found if f.present and f.value is not None]
            flat = [v for vs in values for v in (vs if isinstance(vs, list) and WILDCARD in rest else [vs])]
            first_line = next((f.line for f in found if f.present), line)
            return Found(any(f.present for f in found) or not node, flat, first_line)
        if isinstance(seg, int):
            if not isinstance(node, list) or not -len(node) <= seg < len(node):
                return Found(False, None, line)
            line, node = _line_of(node, seg) or line, node[seg]
            continue
        if isinstance(node, list) and seg.isdigit() and int(seg) < len(node):
            seg = int(seg)  # a.0.b reads item 0 of the list a
        elif not isinstance(node, dict) or seg not in node:
            return Found(False, None, line)
        line, node = _line_of(node, seg) or line, node[seg]
    return Found(True, node, line)


def select(doc: Any, path: Optional[SourcePath]) -> Iterator[tuple[Any, Optional[int]]]:
    """The records a ``records:`` path picks out of one document, with their lines."""
    if path is None or path.is_self:
        yield doc, _line_of(doc, None) if hasattr(doc, "where") else None
        return
    for item, line in _select(doc, path.segments, None):
        if isinstance(item, list) and path.segments[-1] != WILDCARD:
            # records: services (without [*]) means the items of that list
            yield from ((sub, _line_of(item, j) or line) for j, sub in enumerate(item))
        else:
            yield item, line


def _select(node: Any, segments: tuple, line: Optional[int]):
    if not segments:
        yield node, line
        return
    seg, rest = segments[0], segments[1:]
    if seg == WILDCARD:
        if isinstance(node, list):
            for j, item in enumerate(node):
                yield from _select(item, rest, _line_of(node, j))
        return
    if isinstance(seg, int):
        if isinstance(node, list) and -len(node) <= seg < len(node):
            yield from _select(node[seg], rest, _line_of(node, seg))
        return
    if isinstance(node, dict) and seg in node:
        yield from _select(node[seg], rest, _line_of(node, seg))


def shapes(record: Any, limit: int = 5000, depth: int = 12) -> set:
    """Every path shape present in a record (lists as WILDCARD), for did-you-mean."""
    out: set = set()
    stack = [(record, ())]
    while stack and len(out) < limit:
        node, prefix = stack.pop()
        if len(prefix) >= depth:
            continue
        if isinstance(node, dict):
            for key, value in node.items():
                shape = prefix + (str(key),)
                out.add(shape)
                stack.append((value, shape))
        elif isinstance(node, list):
            shape = prefix + (WILDCARD,)
            out.add(shape)
            stack.extend((item, shape) for item in node[:50])
    return out


def render(shape: tuple) -> str:
    out = ""
    for seg in shape:
        if seg == WILDCARD:
            out += "[*]"
        elif re.search(r"[.\[\]\s]", seg) and out:
            out += f'["{seg}"]'
        else:
            out += f".{seg}" if out else seg
    return out
