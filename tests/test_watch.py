"""--watch: the loop with an injected change iterator, real file events, and a real watcher
process (issue 26): saves by rename seen every time, its own outputs never a change (a
symlink loop under the watched folder included), Ctrl-C and SIGTERM ending it during a run
and between runs. Every wait is bounded by a timeout."""
from __future__ import annotations

import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time

import pytest

from conftest import AS_OF, ROOT
from valuate.engine.watch import file_changes, watch_and_run


def test_runs_again_after_each_batch_and_returns_the_last_code():
    codes = iter([1, 0, 2])
    said = []
    batches = [{("modified", "/x/pack.yaml")}, {("added", "/x/tests/a.yaml"), ("modified", "/x/b.yaml")}]
    assert watch_and_run(["/x"], lambda: next(codes), said.append, changes=iter(batches)) == 2
    assert said == ["valuate: changed: pack.yaml; running again", "valuate: changed: a.yaml, b.yaml; running again",
                    "valuate: stopped watching"]


def test_ctrl_c_stops_watching_quietly():
    def interrupted():
        yield {("modified", "/x/a.yaml")}
        raise KeyboardInterrupt
    runs = []
    code = watch_and_run(["/x"], lambda: runs.append(1) or 0, lambda _: None, changes=interrupted())
    assert code == 0 and len(runs) == 2


def test_a_real_change_is_seen(tmp_path):
    target = tmp_path / "rules.yaml"
    target.write_text("a: 1\n")
    stop = threading.Event()
    timers = [threading.Timer(10, stop.set), threading.Timer(0.3, lambda: target.write_text("a: 2\n"))]
    for timer in timers:  # the first never lets the suite hang
        timer.daemon = True
        timer.start()
    batch = next(iter(file_changes([tmp_path, tmp_path / "missing"], debounce=50, step=10, stop_event=stop)))
    stop.set()
    timers[0].cancel()
    assert any(path.endswith("rules.yaml") for _, path in batch)


def test_check_watch_runs_once_and_stops_on_ctrl_c(cli, monkeypatch):
    import valuate.engine.watch as watch

    def no_changes(paths, outputs=(), on_watch=None, **options):
        watched = paths()
        assert "facts/samples/catalog.yaml" in watched  # named by the command line
        assert any(p.endswith("rules/itil4/pack.yaml") for p in watched)  # read by the run
        raise KeyboardInterrupt
        yield  # a generator
    monkeypatch.setattr(watch, "file_changes", no_changes)
    result = cli("check", "facts/samples/catalog.yaml", "--as-of", "2026-11-28", "--watch")
    assert result.exit_code == 1 and "15 services:" in result.output and "stopped watching" in result.output


def test_a_stop_code_ends_the_watch():
    runs = []
    code = watch_and_run(["/x"], lambda: runs.append(1) or 130, lambda _: None,
                         changes=iter([{("modified", "/x/a")}] * 5), stop_codes=(130,))
    assert code == 130 and len(runs) == 1


def test_targets_watch_folders_and_keep_only_what_is_read(tmp_path):
    from valuate.engine.watch import Targets
    (tmp_path / "pack" / "rules").mkdir(parents=True)
    (tmp_path / "pack" / "loop").symlink_to(tmp_path / "pack")  # a symlink loop: walked once
    (tmp_path / "cat.yaml").write_text("services: []\n")
    out = tmp_path / "pack" / "report.json"
    t = Targets([tmp_path / "pack", tmp_path / "cat.yaml", tmp_path / "missing.yaml"], [out])
    assert t.dirs == {str(tmp_path), str(tmp_path / "pack"), str(tmp_path / "pack" / "rules")}
    assert t.wanted(None, str(tmp_path / "cat.yaml")) and t.wanted(None, str(tmp_path / "pack" / "rules" / "r.yaml"))
    assert t.wanted(None, str(tmp_path / "pack" / "loop" / "rules" / "r.yaml"))  # the same file, another way in
    assert t.wanted(None, str(tmp_path / "missing.yaml"))  # named, created later
    assert not t.wanted(None, str(tmp_path / "other.yaml"))  # beside a file read, not read
    assert not t.wanted(None, str(out)) and not t.wanted(None, str(tmp_path / "pack" / ".report.json.ab12-7.x.tmp"))
    assert not t.wanted(None, str(tmp_path / "pack" / "rules" / ".r.yaml.swp"))


# -- a real watcher process ------------------------------------------------------------------

SAMPLE = ROOT / "facts" / "samples" / "catalog.yaml"


class Watcher:
    """``valuate ... --watch`` in its own process group, its standard error read line by line.

    Each watch starts with "valuate: watching N folders for changes ..." (said just before
    the watcher is set up, so a test waits a moment after it before it edits a file)."""

    def __init__(self, cwd, *args):
        self.proc = subprocess.Popen([sys.executable, "-m", "valuate", *map(str, args), "--watch"], cwd=cwd,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                     start_new_session=True)
        self.lines: list = []
        self._queue: queue.Queue = queue.Queue()
        reader = threading.Thread(target=self._read, daemon=True)
        reader.start()

    def _read(self):
        for line in self.proc.stderr:
            self._queue.put(line.rstrip("\n"))

    def wait_for(self, fragment: str, count: int = 1, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while sum(fragment in line for line in self.lines) < count:
            try:
                self.lines.append(self._queue.get(timeout=max(deadline - time.monotonic(), 0.01)))
            except queue.Empty:
                raise AssertionError(f"no {count} x {fragment!r} within {timeout} s: {self.lines}") from None
        if fragment == "for changes":
            time.sleep(0.3)

    def quiet_for(self, seconds: float) -> list:
        """The lines that came within ``seconds``."""
        deadline, got = time.monotonic() + seconds, []
        while time.monotonic() < deadline:
            try:
                got.append(self._queue.get(timeout=0.05))
            except queue.Empty:
                pass
        self.lines += got
        return got

    def stop(self, signum=signal.SIGINT, timeout: float = 15, settle: float = 0.5) -> int:
        """Ctrl-C (or ``signum``), once the last run has had ``settle`` seconds to end."""
        time.sleep(settle)
        os.killpg(self.proc.pid, signum)  # Ctrl-C reaches the whole foreground group
        try:
            code = self.proc.wait(timeout=timeout)
        finally:
            self.kill()
        self.quiet_for(0.2)
        return code

    def kill(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


@pytest.fixture
def watcher():
    started = []

    def start(cwd, *args):
        started.append(Watcher(cwd, *args))
        return started[-1]
    yield start
    for w in started:
        w.kill()


def _save_by_rename(path, text):
    """How editors and git save: a new file renamed over the old one."""
    tmp = path.with_name(f".{path.name}.new")
    tmp.write_text(text)
    os.replace(tmp, path)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify")
def test_saves_by_rename_are_seen_every_time(tmp_path, watcher):
    shutil.copy(SAMPLE, tmp_path / "catalog.yaml")
    w = watcher(tmp_path, "check", "catalog.yaml", "--as-of", AS_OF, "-f", "json:out.json")
    w.wait_for("for changes")
    text = (tmp_path / "catalog.yaml").read_text()
    for i in range(1, 4):
        _save_by_rename(tmp_path / "catalog.yaml", text + f"# save {i}\n")
        w.wait_for("changed: catalog.yaml; running again", count=i)
        w.wait_for("wrote out.json", count=i + 1)
        time.sleep(0.3)  # the next save is a change of its own
    (tmp_path / "catalog.yaml").write_text(text)  # an ordinary write too
    w.wait_for("running again", count=4)
    w.wait_for("wrote out.json", count=5)
    assert w.stop() == 1
    assert "valuate: stopped watching" in w.lines and not any("KeyboardInterrupt" in line for line in w.lines)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify")
def test_its_own_outputs_never_start_a_run_even_under_a_symlink_loop(tmp_path, watcher):
    cats = tmp_path / "cats"
    cats.mkdir()
    shutil.copy(SAMPLE, cats / "catalog.yaml")
    (cats / "loop").symlink_to(cats)  # a symlink loop under the watched folder
    (cats / "deeper").mkdir()
    (cats / "deeper" / "up").symlink_to(tmp_path)
    w = watcher(tmp_path, "check", "cats", "--as-of", AS_OF, "-f", "html:cats/report.html",
                "-f", "sarif:cats/deeper/report.sarif", "--fail-on", "never")
    w.wait_for("for changes")
    assert not any("running again" in line for line in w.quiet_for(3))  # its own reports: no change
    _save_by_rename(cats / "catalog.yaml", SAMPLE.read_text() + "# one edit\n")
    w.wait_for("running again")
    w.wait_for("wrote cats/report.html", count=2)
    later = w.quiet_for(4)
    assert not any("running again" in line for line in later), later  # one edit, one run
    assert w.stop() == 0


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify")
def test_a_report_inside_a_watched_pack_is_not_a_change(tmp_path, watcher):
    shutil.copytree(ROOT / "tests" / "adversarial" / "merge-keys-pack", tmp_path / "pack")
    shutil.copy(SAMPLE, tmp_path / "catalog.yaml")
    w = watcher(tmp_path, "check", "catalog.yaml", "--rules", "pack", "--as-of", AS_OF,
                "-f", "json:pack/report.json", "--fail-on", "never")
    w.wait_for("for changes")
    assert not any("running again" in line for line in w.quiet_for(3))
    rules = tmp_path / "pack" / "rules" / "merged.yaml"
    _save_by_rename(rules, rules.read_text() + "# edited\n")
    w.wait_for("changed: merged.yaml; running again")
    w.wait_for("wrote pack/report.json", count=2)
    assert w.stop() == 0


@pytest.fixture(scope="module")
def slow_catalog(tmp_path_factory):
    """A run of some seconds: 20,000 records (serially) for Ctrl-C to land in."""
    import json
    folder = tmp_path_factory.mktemp("slow")
    with open(folder / "big.jsonl", "w") as fh:
        for i in range(20_000):
            fh.write(json.dumps({"id": f"s{i}", "name": f"S {i}"}) + "\n")
    return folder


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="process groups")
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_during_a_run_ends_the_watch(slow_catalog, watcher, jobs):
    w = watcher(slow_catalog, "check", "big.jsonl", "--as-of", AS_OF, "--jobs", jobs, "-f", "jsonl:out.jsonl")
    deadline = time.monotonic() + 30
    while not list(slow_catalog.glob(".out.jsonl.*.tmp")) and time.monotonic() < deadline:
        time.sleep(0.02)  # the run is writing its report
    assert list(slow_catalog.glob(".out.jsonl.*.tmp")), "the run never started writing"
    assert w.stop(signal.SIGINT, timeout=15, settle=0) == 130
    assert w.lines.count("valuate: interrupted") == 1 and w.lines[-1] == "valuate: stopped watching", w.lines
    assert not any("KeyboardInterrupt" in line or "running again" in line for line in w.lines), w.lines
    assert not (slow_catalog / "out.jsonl").exists() and not list(slow_catalog.glob(".out.jsonl.*.tmp"))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="process groups")
@pytest.mark.parametrize("signum, code", [(signal.SIGINT, 1), (signal.SIGTERM, 143)])
def test_ctrl_c_or_sigterm_between_runs_ends_the_watch(tmp_path, watcher, signum, code):
    shutil.copy(SAMPLE, tmp_path / "catalog.yaml")
    w = watcher(tmp_path, "check", "catalog.yaml", "--as-of", AS_OF)
    w.wait_for("for changes")
    time.sleep(0.3)  # watching now
    assert w.stop(signum) == code
    assert w.lines[-1] == "valuate: stopped watching", w.lines
    assert not any("KeyboardInterrupt" in line for line in w.lines), w.lines


def test_standard_input_cannot_be_watched(cli):
    result = cli("check", "-", "--as-of", AS_OF, "--watch", input="services: []\n")
    assert result.exit_code == 2 and "cannot watch standard input" in result.output


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify")
def test_the_run_store_written_by_each_run_is_not_a_change(tmp_path, watcher):
    """--store: each run records itself in the SQLite file, named among the files the run
    reads (no report may replace it); its write must not start the next run, forever."""
    shutil.copy(SAMPLE, tmp_path / "catalog.yaml")
    w = watcher(tmp_path, "check", "catalog.yaml", "--as-of", AS_OF, "--store", "runs.db", "--fail-on", "never")
    w.wait_for("for changes")
    _save_by_rename(tmp_path / "catalog.yaml", SAMPLE.read_text() + "# one edit\n")
    w.wait_for("recorded run 2")
    later = w.quiet_for(4)
    assert not any("running again" in line for line in later), later  # one edit, one run
    assert w.stop() == 0
