"""--watch: the loop with an injected change iterator, and one short real file event."""
from __future__ import annotations

import threading

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

    def no_changes(paths, **options):
        assert "facts/samples/catalog.yaml" in paths
        raise KeyboardInterrupt
        yield  # a generator
    monkeypatch.setattr(watch, "file_changes", no_changes)
    result = cli("check", "facts/samples/catalog.yaml", "--as-of", "2026-11-28", "--watch")
    assert result.exit_code == 1 and "15 services:" in result.output and "stopped watching" in result.output
