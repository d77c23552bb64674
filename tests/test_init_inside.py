"""``valuate init`` never writes outside DIRECTORY (issue 26): not through a symlinked folder
or file below it (with or without --force), not through a link made between check and write;
a dangling symlink, /dev/null or a file as DIRECTORY, or a folder where a file goes, is exit 2
with nothing written. The real CLI, in a subprocess."""
from __future__ import annotations

import os

import pytest

from clirun import refused, snapshot, valuate


@pytest.fixture
def outside(tmp_path):
    """A folder that must stay as it is, with a file in it."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "precious.txt").write_text("keep me\n")
    return folder


def test_a_symlinked_folder_below_directory_is_refused(tmp_path, outside):
    target = tmp_path / "policy"
    target.mkdir()
    (target / "schemas").symlink_to(outside)
    before = snapshot(tmp_path)
    for force in ([], ["--force"]):
        refused(valuate("init", target, *force, cwd=tmp_path), "schemas is a symbolic link", "never through a link")
        assert snapshot(tmp_path) == before  # nothing written, inside or outside


def test_a_symlinked_file_below_directory_is_refused_even_with_force(tmp_path, outside):
    target = tmp_path / "policy"
    assert valuate("init", target, cwd=tmp_path).returncode == 0
    (target / "valuate.toml").unlink()
    (target / "valuate.toml").symlink_to(outside / "precious.txt")
    before = snapshot(tmp_path)
    refused(valuate("init", target, "--force", cwd=tmp_path), "valuate.toml is a symbolic link")
    assert snapshot(tmp_path) == before and (outside / "precious.txt").read_text() == "keep me\n"


def test_a_symlinked_pack_folder_is_refused(tmp_path, outside):
    target = tmp_path / "policy"
    target.mkdir()
    (target / "team").symlink_to(outside)
    refused(valuate("init", target, cwd=tmp_path), "team is a symbolic link")
    assert sorted(p.name for p in outside.iterdir()) == ["precious.txt"]


def test_force_over_a_hard_link_leaves_the_other_name_alone(tmp_path, outside):
    target = tmp_path / "policy"
    assert valuate("init", target, cwd=tmp_path).returncode == 0
    (target / "waivers.yaml").unlink()
    os.link(outside / "precious.txt", target / "waivers.yaml")
    assert valuate("init", target, "--force", cwd=tmp_path).returncode == 0
    assert (outside / "precious.txt").read_text() == "keep me\n"
    assert "waivers" in (target / "waivers.yaml").read_text()


def test_a_dangling_symlink_as_directory(tmp_path):
    target = tmp_path / "policy"
    target.symlink_to(tmp_path / "nowhere")
    before = snapshot(tmp_path)
    refused(valuate("init", target, "--force", cwd=tmp_path), "which does not exist")
    assert snapshot(tmp_path) == before


def test_a_file_as_directory(tmp_path):
    (tmp_path / "policy").write_text("x")
    got = valuate("init", "policy", "--force", cwd=tmp_path)
    assert got.returncode == 2 and "'policy' is a file" in got.stderr  # click's check of the argument
    assert (tmp_path / "policy").read_text() == "x"


def test_dev_null_as_directory(tmp_path):
    refused(valuate("init", "/dev/null", cwd=tmp_path), "/dev/null exists and is not a directory")
    refused(valuate("init", "/dev/null", "--force", cwd=tmp_path), "/dev/null exists and is not a directory")


@pytest.mark.parametrize("where", ["valuate.toml", "team/rules/team.yaml", "schemas/pack.schema.json"])
def test_a_folder_where_a_file_goes(tmp_path, where):
    target = tmp_path / "policy"
    (target / where).mkdir(parents=True)
    before = snapshot(tmp_path)
    refused(valuate("init", target, "--force", cwd=tmp_path), f"{where} is a directory")
    assert snapshot(tmp_path) == before


def test_a_file_where_a_folder_goes(tmp_path):
    target = tmp_path / "policy"
    target.mkdir()
    (target / "schemas").write_text("x")
    refused(valuate("init", target, "--force", cwd=tmp_path), "schemas is not a directory")


def test_a_fifo_where_a_file_goes_is_refused_not_waited_on(tmp_path):
    target = tmp_path / "policy"
    target.mkdir()
    os.mkfifo(target / "profile.yaml")
    refused(valuate("init", target, "--force", cwd=tmp_path, timeout=30), "profile.yaml is not a regular file")


def test_directory_may_be_a_link_to_a_directory(tmp_path, outside):
    (tmp_path / "link").symlink_to(outside)
    made = valuate("init", "link", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert (outside / "team" / "pack.yaml").is_file() and not list(outside.rglob(".*.tmp"))


def test_a_link_swapped_in_after_the_check_is_not_followed(tmp_path, outside, monkeypatch):
    """The race: a folder turned into a link between the survey and the write."""
    from valuate.engine.errors import UserError
    from valuate.engine.governance import inside

    target = tmp_path / "policy"
    target.mkdir()
    real_write = inside._write

    def swap_then_write(root, shown, rel, text):
        if rel.startswith("schemas/") and not (target / "schemas").is_symlink():
            (target / "schemas").symlink_to(outside)
        real_write(root, shown, rel, text)
    monkeypatch.setattr(inside, "_write", swap_then_write)
    with pytest.raises(UserError, match="schemas"):
        inside.write_inside(str(target), {"a.txt": "a", "schemas/x.json": "{}"}, force=False)
    assert sorted(p.name for p in outside.iterdir()) == ["precious.txt"]
