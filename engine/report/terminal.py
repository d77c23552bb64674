"""Catalog text made safe for a terminal and for line-based text output.

A service name is data, yet printed raw it can end a line and forge a record
("x\\nok  valuable  fake"), move the cursor, retitle the window or write to
the clipboard (ANSI CSI / OSC escape sequences start with ESC), or reorder
what the reader sees (bidirectional overrides). ``safe`` shows every such
character escaped, the way Python writes it (``\\n``, ``\\x1b``, ``\\u202e``),
so a text report keeps exactly one line per line it means to write and the
terminal interprets nothing. Printable text, non-ASCII letters and emoji
included, is left alone.
"""
from __future__ import annotations

import re
import textwrap

# C0 controls (tab and newline included), DEL, C1 controls (0x9b is an 8-bit
# CSI), line and paragraph separators, bidirectional marks, embeddings,
# overrides and isolates, and the byte-order mark.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(found: re.Match) -> str:
    char = found.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def safe(text: str) -> str:
    """``text`` with control and invisible formatting characters shown escaped."""
    if text.isascii() and text.isprintable():
        return text
    return _UNSAFE.sub(_escape, text)


def safe_lines(lines) -> list:
    """Each line made safe: an embedded newline is shown, never obeyed."""
    return [safe(line) for line in lines]


def wrap(line: str, width, hang: int = -1) -> list:
    """``line`` broken at spaces to ``width`` columns (None: as it is), every line after the first
    indented ``hang`` columns (its own indent and four more by default, and where ``hang`` would
    leave fewer than 50 columns), so a reason that goes on reads as one item. Words are never
    split: a path longer than the width stands on its own."""
    if width is None or len(line) <= width:
        return [line]
    lead = len(line) - len(line.lstrip(" "))
    hang = lead + 4 if hang < 0 or width - hang < 50 else hang
    return textwrap.wrap(line, width, subsequent_indent=" " * hang, break_long_words=False,
                         break_on_hyphens=False) or [line]
