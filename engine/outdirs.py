"""Missing directories of an output (``-f sarif:reports/valuate.sarif``), created on the way.

CI jobs write reports into folders that a fresh checkout does not have. The
missing directories are made one level at a time, only inside the working
tree (the git checkout the job runs in, or without one the working
directory), and never through a symlink that leads out of it: the deepest
directory that exists is resolved (symlinks followed) and must still be
inside the working tree, and so must each directory made. Anywhere
else the missing directory is named, for the user to create (valuate does
not grow trees in places it was not pointed at through a link).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

from .errors import Location, UserError


def make_parents(path: str, cwd: Optional[str] = None) -> None:
    """Create the missing parent directories of the output ``path``, or a UserError naming
    the first one that is missing and why it is not made."""
    for directory in missing_parents(path, cwd):
        try:
            os.mkdir(directory)
        except FileExistsError:  # made meanwhile by someone else: fine if it is a real directory
            pass
        except OSError as err:
            raise UserError(f"cannot write output: cannot create directory {_shown(directory)}: "
                            f"{err.strerror or err}", Location(file=str(path))) from None
        if not _inside(os.path.realpath(directory), _root(cwd)):
            raise UserError(f"cannot write output: {_shown(directory)} leads out of the working tree",
                            Location(file=str(path)))


def missing_parents(path: str, cwd: Optional[str] = None) -> list:
    """The directories ``make_parents`` would create, outermost first (nothing is made), or
    the UserError it would raise: so that several outputs are all checked before any is made."""
    parent = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(parent):
        return []
    root = _root(cwd)
    missing, existing = [], parent
    while not os.path.lexists(existing):
        missing.append(existing)
        existing = os.path.dirname(existing)
    first = _shown(missing[-1] if missing else parent)
    where = Location(file=str(path))
    if not missing or not os.path.isdir(existing):  # a file, or a dangling link, stands in the way
        raise UserError(f"cannot write output: {_shown(existing if missing else parent)} is not a directory",
                        where)
    if not _inside(os.path.realpath(existing), root):
        how = "leads out of" if _inside(os.path.abspath(existing), root) else "is outside"
        raise UserError(f"cannot write output: directory {first} does not exist, and valuate creates missing "
                        f"directories only inside the working tree ({_shown(existing)} {how} it); "
                        "create it first", where)
    return list(reversed(missing))


def _root(cwd: Optional[str]) -> str:
    """The working tree: the nearest directory at or above the working directory that holds
    ``.git`` (a job run in a subdirectory writes where valuate.toml says), else the working
    directory itself."""
    here = os.path.realpath(cwd or os.getcwd())
    for folder in (here, *map(str, Path(here).parents)):
        if os.path.exists(os.path.join(folder, ".git")):
            return folder
    return here


def _inside(path: str, root: str) -> bool:
    return os.path.commonpath([path, root]) == root


def _shown(directory: str) -> str:
    """A directory as the user would write it: relative to the working directory when inside."""
    try:
        shown = str(Path(directory).relative_to(Path.cwd()))
    except ValueError:
        shown = directory
    return shown if shown.endswith("/") else shown + "/"
