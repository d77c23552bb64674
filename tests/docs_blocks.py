"""The documentation's code blocks, read as the doc test runs them (tests/test_docs.py).

The convention, which docs/contributing/index.md states for writers:

- ```console: each line starting with `$ ` is a command (a line ending in `\\` goes on);
  the lines under it, up to the next `$ `, are output that must appear, in that
  order, in what the command prints (standard output, then standard error). A
  line `...` stands for lines left out; `...` inside a line, for any text.
  `$ echo $?` prints the exit status of the command before it.
- ```sh: every line is a command (comments and `\\` continuations as in a shell);
  nothing it prints is checked.
- ```python: the block is run as one script.
- A command must exit 0 or 1 (1: services at the `--fail-on` level, the normal
  answer of `check` on a catalog that fails), unless an `echo $?` after it shows
  another status.
- A fenced block whose first line is `# file: PATH` is written to PATH (relative
  to the page's work folder) when the blocks before it have run.
- `<!-- not run: REASON -->` on the line just above a console, sh or python block
  says it cannot run here (a server, a container, an install from a forge); rare.

Each page runs in a work folder of its own holding copies of facts/, rules/,
examples/ and tests/data/ and the sample catalog as catalog.yaml.
"""
from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

FENCE = re.compile(r"^(?P<indent> *)(?P<fence>`{3,}|~{3,})(?P<info>[\w+-]*)[^`]*$")
NOT_RUN = re.compile(r"^\s*<!-- not run: (?P<reason>.+?) -->\s*$")
RUN = ("console", "sh", "python")


@dataclass(frozen=True)
class Block:
    page: Path
    line: int  # of the opening fence, 1-based
    lang: str
    body: str
    not_run: Optional[str] = None  # the reason, when marked

    @property
    def where(self) -> str:
        return f"{self.page}:{self.line}"

    @property
    def file(self) -> Optional[str]:
        """The PATH of a block whose first line is `# file: PATH`."""
        first = self.body.split("\n", 1)[0]
        return first[len("# file: "):].strip() if first.startswith("# file: ") else None


def blocks(page: Path, text: Optional[str] = None) -> list:
    """Every fenced block of a Markdown page, in order (indented ones, inside lists, too)."""
    lines = (text if text is not None else page.read_text(encoding="utf-8")).split("\n")
    out, i = [], 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, fence, start = len(m.group("indent")), m.group("fence"), i
        body = []
        i += 1
        while i < len(lines) and not lines[i].strip().startswith(fence):
            body.append(lines[i][indent:] if lines[i][:indent].strip() == "" else lines[i])
            i += 1
        marker = NOT_RUN.match(lines[start - 1]) if start else None
        out.append(Block(page, start + 1, m.group("info"), "\n".join(body) + "\n",
                         marker.group("reason") if marker else None))
        i += 1
    return out


@dataclass(frozen=True)
class Command:
    text: str
    expected: tuple  # output lines a console block shows under it


def commands(block: Block) -> list:
    """The commands of a console or sh block, each with the output shown under it."""
    if block.lang == "console":
        out, current = [], None
        lines = block.body.rstrip("\n").split("\n")
        i = 0
        while i < len(lines):
            line = lines[i]
            if line.startswith("$ "):
                text = line[2:]
                while text.endswith("\\") and i + 1 < len(lines):
                    i += 1
                    text = text[:-1] + " " + lines[i].strip()
                current = [text, []]
                out.append(current)
            elif current is not None:
                current[1].append(line)
            i += 1
        return [Command(t, tuple(e)) for t, e in out]
    joined = re.sub(r"\\\n\s*", " ", block.body)
    return [Command(line.strip(), ()) for line in joined.split("\n") if line.strip() and not line.strip().startswith("#")]


def is_plain_valuate(command: str) -> Optional[tuple]:
    """(environment, argv) of a command that is `[NAME=VALUE ...] valuate ARGS` with no shell syntax."""
    lexer = shlex.shlex(command, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    lexer.commenters = "#"
    try:
        tokens = list(lexer)
    except ValueError:
        return None
    if any(t in ("|", "||", "&&", ";", ">", ">>", "<", "&", "(", ")") or t.startswith(("|", ">", "<", "&", ";"))
           for t in tokens) or "$" in command.replace("$?", ""):
        return None
    env = {}
    while tokens and re.match(r"^[A-Z_][A-Z0-9_]*=", tokens[0]):
        name, _, value = tokens.pop(0).partition("=")
        env[name] = value
    if not tokens or tokens[0] != "valuate":
        return None
    return env, tokens[1:]


def missing_in_order(expected: tuple, output: str) -> list:
    """The expected lines that do not appear, in order, in ``output`` ('...' elides)."""
    lines = [line.rstrip() for line in output.splitlines()]
    at, missing = 0, []
    for want in expected:
        if want.strip() == "...":
            continue
        pattern = re.compile("^" + ".*".join(re.escape(p) for p in want.rstrip().split("...")) + "$")
        found = next((i for i in range(at, len(lines)) if pattern.match(lines[i])), None)
        if found is None:
            missing.append(want)
        else:
            at = found + 1
    return missing


# ---- links and anchors ----------------------------------------------------

LINK = re.compile(r"(?<!!)\[(?P<text>[^\]]*)\]\((?P<target>[^)\s]+)\)")
HEADING = re.compile(r"^(#{1,6}) +(.+?) *#*$")


def _heading_text(raw: str) -> str:
    text = re.sub(r"`([^`]*)`", r"\1", raw)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return re.sub(r"<[^>]+>", "", text).replace("*", "")


def site_slug(text: str) -> str:
    """The anchor MkDocs (Python-Markdown's toc) gives a heading."""
    import unicodedata
    value = unicodedata.normalize("NFKD", _heading_text(text)).encode("ascii", "ignore").decode("ascii")
    value = re.sub(r"[^\w\s-]", "", value).strip().lower()
    return re.sub(r"[-\s]+", "-", value)


def forge_slug(text: str) -> str:
    """The anchor GitHub and GitLab give the same heading."""
    value = _heading_text(text).strip().lower()
    return re.sub(r"[^\w\- ]", "", value).replace(" ", "-")


def headings(text: str) -> list:
    """The heading texts of a page, outside fenced blocks."""
    out, fence = [], None
    for line in text.split("\n"):
        m = FENCE.match(line)
        if m and (fence is None or m.group("fence").startswith(fence)):
            fence = None if fence else m.group("fence")
            continue
        if fence is None:
            h = HEADING.match(line)
            if h:
                out.append(h.group(2))
    return out


def links(text: str) -> list:
    """(line, target) of every Markdown link outside fenced blocks and code spans."""
    out, fence = [], None
    for n, line in enumerate(text.split("\n"), 1):
        m = FENCE.match(line)
        if m and (fence is None or m.group("fence").startswith(fence)):
            fence = None if fence else m.group("fence")
            continue
        if fence is None:
            plain = re.sub(r"`[^`]*`", "", line)
            out.extend((n, lm.group("target")) for lm in LINK.finditer(plain))
    return out
