"""``--watch``: run a command again whenever a file it reads changes.

File events come from watchfiles (a small, maintained wrapper around the
Rust ``notify`` crate, with wheels for every supported Python): it debounces
an editor's burst of writes into one batch and falls back to polling where
the platform has no events, which a hand-written polling loop would do worse.
It is imported only when ``--watch`` is given, so ordinary runs start as fast
as before. The loop takes any iterator of change batches, so it is tested
without touching the file system or sleeping.

What is watched, and why so:

- the *folders* holding the files read, each one alone, never a file
  itself: editors and git save by writing a new file and renaming it over
  the old one, and a watch on the old file would see that once, then never
  again; a folder sees every save. Events are kept only for the files read
  (or anything under a folder read, such as a rule pack), whichever path
  the event names (symlinks resolved);
- a folder read is walked once per watch (hidden files in it are not
  changes: the readers skip them, editors write their temporary files so), each real folder once, so a
  symlink loop under it ends the walk instead of looping; a folder that
  appears or goes away starts a new watch;
- the run's own outputs (and their temporary files) are never changes:
  a report written inside a watched folder must not start the next run;
- Ctrl-C ends the watch, during a run as well as between runs.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Iterable, Optional, Union

from .progress import plural

Paths = Union[list, Callable[[], list]]


def watch_and_run(paths: Paths, once: Callable[[], int], say: Callable[[str], None],
                  changes: Optional[Iterable] = None, outputs: Iterable = (),
                  stop_codes: Iterable[int] = ()) -> int:
    """Run ``once`` now and after every batch of changes; return the last run's exit code.

    ``paths``: the files and folders to watch, or a function giving them anew before each
    watch (the files the last run read); ``outputs``: files never taken for changes;
    a run ending with one of ``stop_codes`` (interrupted, terminated) ends the watch.
    Ctrl-C ends the watch (it is how one stops it), not as an interruption."""
    stop = frozenset(stop_codes)
    code = once()
    try:
        if code not in stop:
            def watching(targets: "Targets") -> None:
                say(f"valuate: watching {plural(len(targets.dirs), 'folder')} for changes to what the run "
                    "reads; Ctrl-C stops")
            for batch in changes if changes is not None else file_changes(paths, outputs, on_watch=watching):
                names = sorted({Path(p).name for _, p in batch})
                say(f"valuate: changed: {', '.join(names)}; running again")
                code = once()
                if code in stop:
                    break
    except KeyboardInterrupt:
        pass
    say("valuate: stopped watching")
    return code


class Targets:
    """The folders to watch for ``paths``, and which events among theirs are changes."""

    def __init__(self, paths: Iterable, outputs: Iterable = ()):
        self.files: set = set()  # real paths of the files read
        self.trees: set = set()  # real paths of the folders read (everything under them counts)
        self.dirs: set = set()  # real folders watched, each alone
        for path in paths:
            self._add(str(path))
        self.outputs = {_real(o) for o in outputs}
        self.temporary = {(os.path.dirname(o), f".{os.path.basename(o)}.") for o in self.outputs}

    def _add(self, path: str) -> None:
        if os.path.isdir(path):
            self._walk(os.path.realpath(path))
            return
        for name in {os.path.abspath(path), _real(path)}:  # a symlink: its own folder and its target's
            self.files.add(name)
            if os.path.isdir(os.path.dirname(name)):
                self.dirs.add(os.path.dirname(name))

    def _walk(self, top: str) -> None:
        self.trees.add(top)
        stack, seen = [top], set()
        while stack:
            folder = stack.pop()
            if folder in seen:  # reached again through a symlink: a loop, or a second way in
                continue
            seen.add(folder)
            self.dirs.add(folder)
            try:
                entries = list(os.scandir(folder))
            except OSError:
                continue
            for entry in entries:
                if entry.name not in _IGNORED_DIRS and _is_dir(entry):
                    real = os.path.realpath(entry.path)
                    if real not in seen:
                        self.trees.add(real)
                        stack.append(real)

    def wanted(self, change, path: str) -> bool:
        """Whether an event on ``path`` is a change of something read (watchfiles' filter)."""
        real = _real_parent(path)
        folder, name = os.path.split(real)
        if real in self.outputs or any(folder == d and name.startswith(p) for d, p in self.temporary):
            return False  # the run's own report, or its temporary file
        if real in self.files:
            return True
        inside = any(real == t or real.startswith(t.rstrip(os.sep) + os.sep) for t in self.trees)
        return inside and not name.startswith(".") and not _ignored(name)  # hidden: an editor's file


_IGNORED_DIRS = frozenset({".git", ".hg", ".svn", "__pycache__", ".venv", "node_modules", ".pytest_cache",
                           ".hypothesis", ".mypy_cache", ".tox", ".idea"})


def _ignored(name: str) -> bool:
    """Editors' swap and backup files, and byte-compiled Python (watchfiles' defaults)."""
    return (name.endswith(("~", ".pyc", ".pyo", ".pyd")) or name.startswith((".#", "flycheck_"))
            or name == ".DS_Store" or len(name) > 4 and name[-4:-1] == ".sw")


def _is_dir(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()  # follows a symlink (a loop, or a dangling one, is no folder)
    except OSError:
        return False


def _real(path) -> str:
    return os.path.realpath(os.fspath(path))


def _real_parent(path: str) -> str:
    """``path`` with its folder resolved, its last part as named (a deleted file has no target)."""
    folder, name = os.path.split(os.path.abspath(path))
    return os.path.join(os.path.realpath(folder), name)


def file_changes(paths: Paths, outputs: Iterable = (), on_watch: Optional[Callable] = None,
                 **options) -> Iterable:
    """Batches of (change, path) for ``paths`` (or what the function ``paths`` gives);
    ``on_watch`` is told the Targets each time a watch starts."""
    from watchfiles import watch  # only --watch needs it

    outputs = list(outputs)
    current = paths if callable(paths) else (lambda: paths)
    shown = None
    while True:
        targets = Targets(current(), outputs)
        if not targets.dirs:
            return
        if on_watch is not None and targets.dirs != shown:
            on_watch(targets)
            shown = targets.dirs
        for batch in watch(*sorted(targets.dirs), watch_filter=targets.wanted, recursive=False,
                           raise_interrupt=True, **options):
            yield batch
            if Targets(current(), outputs).dirs != targets.dirs:
                break  # a folder came or went, or the run read other files: watch those
        else:
            return  # the stop event was set


__all__ = ["watch_and_run", "file_changes", "Targets"]
