"""Where a run's reports go: ``--format FMT[:FILE]`` (repeatable) and ``--output``.

Each format given with a FILE is written to that file; a format without one
goes to ``--output`` or, without it, to standard output (``-`` names
standard output too). At most one report can go to standard output. Files
are written atomically (engine/atomic.py), all from one pass over the
records: the run feeds a ``Tee`` of the writers.

One streaming format alone (text, json, jsonl, github) is rendered in the
worker processes that evaluated each record (``render``); several formats,
a ``--quiet`` filter or a baseline need the results themselves here.
"""
from __future__ import annotations

import contextlib
import os
import sys
from dataclasses import dataclass, replace
from functools import partial
from typing import Iterable, Iterator, Optional, TextIO

from .atomic import atomic_outputs
from .errors import UserError, did_you_mean
from .model import RunInfo
from .outdirs import missing_parents
from .reads import identity, resolved
from .report import FORMATS, PLAIN, Tee, WriterOptions, writer_for

STDOUT = "-"


@dataclass(frozen=True)
class OutputSpec:
    format: str
    file: Optional[str] = None  # None: standard output

    @property
    def to_stdout(self) -> bool:
        return self.file is None

    @property
    def writer_class(self):
        return FORMATS[self.format]


def output_specs(formats, output: Optional[str] = None) -> tuple:
    """The outputs of ``--format`` values (``FMT`` or ``FMT:FILE``) and ``--output``."""
    specs = []
    for given in formats or ("text",):
        fmt, sep, file = given.partition(":")
        if fmt not in FORMATS:
            raise UserError(f"unknown --format {fmt!r}{did_you_mean(fmt, list(FORMATS))}; "
                            f"known: {', '.join(FORMATS)}")
        if sep and not file:
            raise UserError(f"--format {given!r}: a FILE is needed after ':' ('-' for standard output)")
        target = file if sep else output
        specs.append(OutputSpec(fmt, None if target in (None, STDOUT) else target))
    on_stdout = [s.format for s in specs if s.to_stdout]
    if len(on_stdout) > 1:
        raise UserError(f"only one report can go to standard output, got {', '.join(on_stdout)}: "
                        "give the others a file (--format FMT:FILE)")
    _one_file_each([s.file for s in specs if s.file is not None])
    return tuple(specs)


def _one_file_each(files: list) -> None:
    """Two outputs that are one file by any spelling (``./r``, an absolute path, a symlink,
    a hard link) would lose one report: refused before anything is written."""
    seen: dict = {}
    for file in files:
        keys = [("path", resolved(file))] + ([("inode", identity(file))] if identity(file) else [])
        for key in keys:
            if key in seen:
                raise UserError(f"two reports would be written to one file: {seen[key]!r} and {file!r} "
                                "are the same file; give each format its own file")
        for key in keys:
            seen[key] = file


def conditions_needed(specs) -> bool:
    return any(s.writer_class.needs_conditions for s in specs)


TEXT_WIDTH = 80  # the columns text wraps to on a terminal whose width cannot be read


def options_for(spec: OutputSpec, base: WriterOptions, color: str = "never",
                stdout: Optional[TextIO] = None, env=None) -> WriterOptions:
    """The options of one output: colour (``auto``: a terminal, and NO_COLOR unset), the width
    text wraps to (``--width``, else a terminal's own; a pipe or a file is not wrapped unless
    ``--width`` says so, so each finding stays one line for grep: COLUMNS is no sign of a
    terminal, readline exports it to every child process), the --quiet filter and --verbose
    only for text; SARIF's extra statuses only for SARIF."""
    if spec.format != "text":
        return replace(base, color=False, keep=None, verbose=False)
    env = os.environ if env is None else env
    stream = stdout if stdout is not None else sys.stdout
    on_terminal = spec.to_stdout and hasattr(stream, "isatty") and stream.isatty()
    wanted = color == "always" or (color == "auto" and on_terminal and not env.get("NO_COLOR"))
    width = base.width if base.width is not None else _terminal_width(stream, env) if on_terminal else None
    return replace(base, color=wanted, width=width)


def _terminal_width(stream, env) -> int:
    """The terminal's columns (COLUMNS, when set, overrides them, as shutil has it)."""
    given = str(env.get("COLUMNS", "")).strip()
    if given.isdigit() and int(given) > 0:
        return max(40, int(given))
    try:
        return max(40, os.get_terminal_size(stream.fileno()).columns)
    except (AttributeError, OSError, ValueError):
        return TEXT_WIDTH


def worker_render(specs, options: WriterOptions):
    """The renderer for worker processes, when one streaming format is all there is."""
    if len(specs) != 1 or not specs[0].writer_class.streams or options.keep is not None:
        return None
    render = specs[0].writer_class.render_record
    return render if options == PLAIN else partial(render, options=options)


@contextlib.contextmanager
def opened(specs, run: RunInfo, options: list, stdout: Optional[TextIO] = None,
           inputs: Iterable[str] = ()) -> Iterator[Tee]:
    """A Tee of one writer per spec (with ``options[i]``); files are renamed into place only
    if the run completes, and never over one of ``inputs`` (the files the run reads)."""
    stdout = stdout if stdout is not None else sys.stdout
    for spec in specs:  # every output's missing directories can be made, before any is
        if not spec.to_stdout:
            missing_parents(spec.file)
    with atomic_outputs([s.file for s in specs if not s.to_stdout], inputs) as streams:
        files = iter(streams)
        writers = [writer_for(spec.format, stdout if spec.to_stdout else next(files), run, opts)
                   for spec, opts in zip(specs, options)]
        yield Tee(writers)
