"""A real `valuate serve` on 127.0.0.1 for tests, and what they read of its processes (Linux /proc)."""
from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from conftest import AS_OF, ROOT

CHILD = b"engine.serve.child"  # the command line of the server's worker (and builder) processes


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, tmp: Path, *args: str, as_of: str = AS_OF, ready_timeout: float = 90):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tmp / f"serve-{self.port}.log"
        self.err = open(self.log, "w+")
        dates = ("--as-of", as_of) if as_of else ()
        self.proc = subprocess.Popen([sys.executable, "-m", "valuate", "serve", "--port", str(self.port),
                                      *dates, *args], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=self.err)
        deadline = time.monotonic() + ready_timeout
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/readyz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        self.stop()
        raise AssertionError(f"valuate serve did not become ready: {self.stderr()[-2000:]}")

    def stderr(self) -> str:
        self.err.flush()
        return self.log.read_text()

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.err.close()

    def workers(self) -> list:
        """The pids of the server's worker processes now."""
        return [pid for pid in children(self.proc.pid) if CHILD in _cmdline(pid)]

    def wait_workers(self, count: int, avoid=(), timeout: float = 30) -> list:
        """Wait until ``count`` workers run, none of them in ``avoid``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            now = [p for p in self.workers() if p not in avoid and alive(p)]
            if len(now) >= count:
                return now
            time.sleep(0.05)
        raise AssertionError(f"the server did not get {count} new worker(s): {self.workers()}")


def children(pid: int) -> list:
    """Processes whose parent is ``pid``."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def status_kib(pid: int, field: str) -> int:
    """A /proc/PID/status figure in KiB (VmRSS: resident now; VmHWM: the peak resident size)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def raw_request(port: int, data: bytes, timeout: float = 30) -> bytes:
    """Send ``data`` on a fresh connection and read until the server closes it (or ``timeout``)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        out = b""
        while True:
            try:
                chunk = s.recv(65536)
            except (ConnectionResetError, socket.timeout):
                return out
            if not chunk:
                return out
            out += chunk
