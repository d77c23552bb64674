"""Live processes from /proc (Linux), for tests that watch workers come and go."""
from __future__ import annotations

from pathlib import Path

PARENT, SESSION = 1, 3  # fields of /proc/PID/stat after the command name: ppid, session id


def live_processes(field: int, value: int) -> list:
    """The pids, sorted, whose stat ``field`` is ``value``; zombies (exited) left out."""
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[field]) == value and fields[0] != "Z":
                out.append(int(entry.name))
    return sorted(out)
