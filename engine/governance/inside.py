"""Writing a set of files inside one directory, and never outside it (``valuate init``).

A symbolic link below the directory (``schemas -> /etc``, or ``valuate.toml``
pointing at a file elsewhere) would carry the writes out of it, and so would
a name swapped for a link between the check and the write. So every folder
is opened relative to the one above it without following links
(``O_NOFOLLOW``, ``dir_fd``), and each file is written as a new file and
renamed into place: a rename replaces the name in the directory, never what a
link or a hard link elsewhere points to. A link anywhere below the directory
is refused, with or without ``--force``; the directory itself may be a link
to a directory (the user named it).

Everything is checked before the first file is written, so a refusal leaves
the directory as it was.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Optional

from ..errors import Location, UserError

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_NOFOLLOW", 0)
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)


def write_inside(target: str, files: dict, force: bool) -> None:
    """Write ``files`` (path relative to ``target``, with "/" -> text) inside ``target``.

    Refuses (UserError, before anything is written) any link or non-directory on the way,
    anything but a regular file where a file goes, and existing files unless ``force``."""
    root = _open_root(target)
    try:
        existing = []
        for rel in files:
            found = _survey(root, target, rel)
            if found:
                existing.append(str(Path(target) / rel))
        if existing and not force:
            raise UserError(f"would overwrite {', '.join(existing)} (--force to overwrite)", Location(file=target))
        for rel, text in files.items():
            _write(root, target, rel, text)
    finally:
        os.close(root)


def _open_root(target: str) -> int:
    path = Path(target)
    if path.is_symlink() and not path.exists():
        raise UserError(f"{target} is a symbolic link to {os.readlink(path)}, which does not exist: "
                        "give a directory (or a name not taken yet)", Location(file=target))
    if path.exists() and not path.is_dir():
        raise UserError(f"{target} exists and is not a directory: give a directory (or a name not taken yet)",
                        Location(file=target))
    try:
        path.mkdir(parents=True, exist_ok=True)
        return os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as err:
        raise UserError(f"cannot create the directory {target}: {err.strerror}", Location(file=target)) from None


def _survey(root: int, target: str, rel: str) -> bool:
    """Whether ``rel`` exists (a regular file); refuses what would lead outside or is no file."""
    parts = rel.split("/")
    fd, opened = root, []
    try:
        for depth, name in enumerate(parts):
            info = _lstat(fd, name)
            shown = str(Path(target, *parts[:depth + 1]))
            if info is None:
                return False
            if stat.S_ISLNK(info.st_mode):
                raise UserError(f"{shown} is a symbolic link: valuate init writes only inside {target}, never "
                                "through a link (remove the link, or choose another directory)", Location(file=shown))
            last = depth == len(parts) - 1
            if last and not stat.S_ISREG(info.st_mode):
                what = "a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file"
                raise UserError(f"{shown} is {what}: valuate init writes a file there", Location(file=shown))
            if last:
                return True
            if not stat.S_ISDIR(info.st_mode):
                raise UserError(f"{shown} is not a directory: valuate init writes files under it",
                                Location(file=shown))
            fd = _open_dir(fd, name, shown)
            opened.append(fd)
        return False
    finally:
        for d in opened:
            os.close(d)


def _write(root: int, target: str, rel: str, text: str) -> None:
    *folders, name = rel.split("/")
    fd, opened = root, []
    shown = str(Path(target, rel))
    try:
        for depth, folder in enumerate(folders):
            try:
                os.mkdir(folder, 0o777, dir_fd=fd)
            except FileExistsError:
                pass
            except OSError as err:
                raise UserError(f"cannot create {Path(target, *folders[:depth + 1])}: {err.strerror}",
                                Location(file=shown)) from None
            fd = _open_dir(fd, folder, str(Path(target, *folders[:depth + 1])))
            opened.append(fd)
        _replace(fd, name, text.encode("utf-8"), shown)
    finally:
        for d in opened:
            os.close(d)


def _replace(fd: int, name: str, data: bytes, shown: str) -> None:
    """A new file renamed over ``name`` in the folder ``fd``: never written through a link."""
    temporary = f".{name}.{os.getpid()}.tmp"
    try:
        out = os.open(temporary, _NEW_FILE, 0o666, dir_fd=fd)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(out, view):]
        finally:
            os.close(out)
        os.replace(temporary, name, src_dir_fd=fd, dst_dir_fd=fd)
    except OSError as err:
        _unlink(fd, temporary)
        raise UserError(f"cannot write {shown}: {err.strerror}", Location(file=shown)) from None


def _open_dir(fd: int, name: str, shown: str) -> int:
    try:
        return os.open(name, _DIR_FLAGS, dir_fd=fd)
    except OSError as err:  # ELOOP: it became a link since it was checked
        raise UserError(f"{shown} is not a directory inside the target (a link?): {err.strerror}",
                        Location(file=shown)) from None


def _lstat(fd: int, name: str) -> Optional[os.stat_result]:
    try:
        return os.lstat(name, dir_fd=fd)
    except FileNotFoundError:
        return None


def _unlink(fd: int, name: str) -> None:
    try:
        os.unlink(name, dir_fd=fd)
    except OSError:
        pass


__all__ = ["write_inside"]
