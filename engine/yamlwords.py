"""YAML syntax errors in words a rule author recognises.

PyYAML (libyaml) reports what its parser was doing ("while parsing a block
collection, did not find expected '-' indicator"). Most mistakes in
hand-written rule files are one of a few: inconsistent indentation, a tab,
a key without its colon, an unclosed quote or bracket. Where the parser's
problem and the text around its mark say which, the message says so in
those words; otherwise the parser's own text is kept.
"""
from __future__ import annotations

from typing import Optional

import yaml


def in_words(err: yaml.MarkedYAMLError, text: str) -> Optional[str]:
    """The cause of ``err`` in plain words, or None when it is not recognisable."""
    problem = (err.problem or "").strip()
    context = (err.context or "").strip()
    mark, opened = err.problem_mark, err.context_mark
    lines = text.splitlines()
    if mark is None:
        return None
    if "tab character" in problem or _char(lines, mark) == "\t":
        return (f"a tab character at line {mark.line + 1}: YAML indents with spaces only "
                "(replace the tab with spaces)")
    if "quoted scalar" in context and opened is not None:
        return (f"the quoted string that starts at line {opened.line + 1}, column {opened.column + 1} "
                "is never closed (a missing closing quote)")
    if "flow mapping" in context or "flow sequence" in context:
        return _bracket(context, opened, mark)
    if "could not find expected ':'" in problem and opened is not None:
        return _missing_colon(lines, opened.line)
    if "mapping values are not allowed" in problem:
        return _mapping_value(lines, mark)
    if "block collection" in context or "block mapping" in context:
        return _indentation(lines, mark, opened, "list" if "collection" in context else "mapping")
    return None


def _char(lines: list, mark) -> str:
    if mark.line < len(lines) and mark.column < len(lines[mark.line]):
        return lines[mark.line][mark.column]
    return ""


def _bracket(context: str, opened, mark) -> str:
    open_, close = ("{", "}") if "mapping" in context else ("[", "]")
    where = f" at line {opened.line + 1}, column {opened.column + 1}" if opened is not None else ""
    return (f"the '{open_}'{where} is never closed with '{close}' "
            f"(or a ',' is missing between its entries before line {mark.line + 1})")


def _missing_colon(lines: list, line: int) -> str:
    # the line is not quoted: a file that does not parse may be any file (SECURITY.md)
    return f"line {line + 1} is a key without its ':' (a missing colon)"


def _previous(lines: list, line: int) -> int:
    """The nearest line above ``line`` with content (not blank, not only a comment)."""
    for i in range(min(line, len(lines)) - 1, -1, -1):
        stripped = lines[i].strip()
        if stripped and not stripped.startswith("#"):
            return i
    return -1


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _mapping_value(lines: list, mark) -> str:
    """'mapping values are not allowed here': a missing colon above, a colon inside a
    value, or a line indented deeper than a key that opens nothing."""
    here = lines[mark.line] if mark.line < len(lines) else ""
    before = here[: mark.column]
    if ": " in before.strip() or before.strip().startswith("- ") and ": " in before:
        return (f"line {mark.line + 1} has a second ': ' inside a value; quote the value "
                "if the colon belongs to it")
    above = _previous(lines, mark.line)
    if above >= 0 and ":" not in lines[above].split("#", 1)[0]:
        return _missing_colon(lines, above)
    return _deeper(lines, mark.line, above)


def _deeper(lines: list, line: int, above: int) -> str:
    mine = _indent(lines[line]) if line < len(lines) else 0
    theirs = _indent(lines[above]) if above >= 0 else 0
    return (f"inconsistent indentation: line {line + 1} is indented by {_spaces(mine)}, deeper than "
            f"line {above + 1} ({_spaces(theirs)}), which does not open a block")


def _indentation(lines: list, mark, opened, what: str) -> str:
    line = mark.line
    mine = _indent(lines[line]) if line < len(lines) else 0
    if opened is None:
        return f"inconsistent indentation at line {line + 1}"
    theirs = opened.column
    return (f"inconsistent indentation: line {line + 1} is indented by {_spaces(mine)}, but the {what} "
            f"that starts at line {opened.line + 1} has its {'items' if what == 'list' else 'keys'} "
            f"at {_spaces(theirs)}")


def _spaces(n: int) -> str:
    return f"{n} space{'s' * (n != 1)}"


__all__ = ["in_words"]
