"""Missing directories of an output are made inside the working tree, never through a
symlink that leads out of it; anywhere else the missing one is named (issue 25 item 6)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import AS_OF, ROOT, SAMPLE
from valuate.engine.errors import UserError
from valuate.engine.outdirs import make_parents, missing_parents

CATALOG = str(ROOT / SAMPLE)


@pytest.fixture
def here(tmp_path, monkeypatch) -> Path:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return work


def check(cli, *formats):
    args = [a for f in formats for a in ("-f", f)]
    return cli("check", CATALOG, "--as-of", AS_OF, "--fail-on", "never", *args)


def test_missing_directories_are_made(cli, here):
    done = check(cli, "sarif:reports/ci/valuate.sarif", "junit:reports/valuate.junit.xml")
    assert done.exit_code == 0, done.output
    assert (here / "reports/ci/valuate.sarif").is_file() and (here / "reports/valuate.junit.xml").is_file()
    done = cli("baseline", "create", CATALOG, "--as-of", AS_OF, "-o", "ci/base/valuate-baseline.json")
    assert done.exit_code == 0 and (here / "ci/base/valuate-baseline.json").is_file()
    done = cli("facts", CATALOG, "-o", "out/facts.yaml")
    assert done.exit_code == 1 and (here / "out/facts.yaml").is_file()  # 1: the sample has an invalid record


def test_never_through_a_symlink_that_leaves_the_working_directory(cli, here, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (here / "link").symlink_to(outside)
    done = check(cli, "sarif:link/new/valuate.sarif")
    assert done.exit_code == 2
    assert "directory link/new/ does not exist" in done.output and "link/ leads out of" in done.output
    assert list(outside.iterdir()) == []
    (here / "inner").mkdir()
    (here / "back").symlink_to(here / "inner")  # a link that stays inside is followed
    assert check(cli, "sarif:back/new/valuate.sarif").exit_code == 0
    assert (here / "inner/new/valuate.sarif").is_file()


def test_outside_the_working_directory_the_missing_one_is_named(cli, here, tmp_path):
    done = check(cli, f"sarif:{tmp_path}/nowhere/deeper/valuate.sarif")
    assert done.exit_code == 2 and f"directory {tmp_path}/nowhere/ does not exist" in done.output
    assert "create it first" in done.output and not (tmp_path / "nowhere").exists()


def test_a_file_or_a_dangling_link_in_the_way_is_named(cli, here):
    (here / "plain").write_text("x")
    done = check(cli, "sarif:plain/valuate.sarif")
    assert done.exit_code == 2 and "plain/ is not a directory" in done.output
    (here / "dangling").symlink_to(here / "gone")
    done = check(cli, "sarif:dangling/a/valuate.sarif")
    assert done.exit_code == 2 and "dangling/ is not a directory" in done.output
    assert not (here / "gone").exists()


def test_no_directory_is_made_when_another_output_is_refused(cli, here, tmp_path):
    (here / "link").symlink_to(tmp_path)
    done = check(cli, "sarif:fine/valuate.sarif", "junit:link/x/j.xml")
    assert done.exit_code == 2 and not (here / "fine").exists()


def test_the_working_tree_is_the_checkout(cli, here):
    (here / ".git").mkdir()
    (here / "sub").mkdir()
    os.chdir(here / "sub")
    assert check(cli, "sarif:../reports/valuate.sarif").exit_code == 0
    assert (here / "reports/valuate.sarif").is_file()
    os.chdir(here)


def test_the_functions(here):
    assert missing_parents("a/b/c.json") == [str(here / "a"), str(here / "a/b")]
    make_parents("a/b/c.json")
    assert (here / "a/b").is_dir() and missing_parents("a/b/c.json") == []
    os.chmod(here / "a", 0o500)
    try:
        if os.geteuid() != 0:  # root may write anyway
            with pytest.raises(UserError, match="cannot create directory a/x/"):
                make_parents("a/x/c.json")
    finally:
        os.chmod(here / "a", 0o700)
