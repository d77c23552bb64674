"""Issue 26, "CLI and files": no two outputs are one file, and no output replaces an input.

Each case is a real CLI run in a work folder; a refused run must exit 2 with one
line and leave every file of the folder byte for byte as it was (no report, no
temporary file). The inputs are spelled other ways than the run read them
(``./``, absolute, through a symlink or a hard link), since the rule is about
files, not names.
"""
from __future__ import annotations

import os
import shutil

import pytest

from clirun import check, refused, snapshot, valuate
from conftest import AS_OF, DATA, ROOT

SAMPLE = ROOT / "facts" / "samples" / "catalog.yaml"
PACK_RULE = """rules:
  - metadata:
      id: TINY-001
      title: Has an owner
      criterion: utility
      severity: error
      rationale: Someone answers for the service.
      remediation: Name the owner.
    condition: {fact: owner, is: present}
"""


@pytest.fixture
def work(tmp_path):
    shutil.copy(SAMPLE, tmp_path / "catalog.yaml")
    (tmp_path / "cats").mkdir()
    shutil.copy(SAMPLE, tmp_path / "cats" / "catalog.yaml")
    (tmp_path / "pack" / "rules").mkdir(parents=True)
    (tmp_path / "pack" / "pack.yaml").write_text('pack: tiny\nversion: "0.1"\ntitle: One rule\n')
    (tmp_path / "pack" / "rules" / "tiny.yaml").write_text(PACK_RULE)
    (tmp_path / "base.yaml").write_text("parameters:\n  min_headroom: 0.2\n")
    (tmp_path / "profile.yaml").write_text("extends: base.yaml\nrules:\n  ADV-011: {enabled: false}\n")
    shutil.copy(ROOT / "examples" / "waivers.yaml", tmp_path / "waivers.yaml")
    (tmp_path / "export.json").write_text('[{"id": "a", "name": "A", "target": "99.9%"}]\n')
    shutil.copy(ROOT / "tests" / "adversarial" / "mapped.mapping.yaml", tmp_path / "m.yaml")
    shutil.copy(DATA / "slo-services.yaml", tmp_path / "slo.yaml")
    shutil.copy(DATA / "sloth-getting-started-excerpt.yml", tmp_path / "sloth.yml")
    (tmp_path / "plain.yaml").write_text("records: services[*]\nfields:\n  id: service\n"
                                         "  warranty.availability.measured: measured\nignore: [title]\n")
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "x.toml").write_text('fail_on = "never"\n')
    assert valuate("check", "catalog.yaml", "--as-of", AS_OF, "-f", "json:prev.json", cwd=tmp_path).returncode == 1
    assert valuate("baseline", "create", "catalog.yaml", "--as-of", AS_OF, "-o", "base.json",
                   cwd=tmp_path).returncode == 0
    return tmp_path


def _spell(work, name: str, how: str) -> str:
    """Another name for the file ``name``: its absolute path, ./name, a symlink, a hard link."""
    if how == "absolute":
        return str(work / name)
    if how == "dot":
        return f"./{name}"
    if how == "dotdot":
        return f"cats/../{name}"
    link = work / f"other-{how}-{name.replace('/', '_')}"
    if how == "symlink":
        link.symlink_to(work / name)
    else:
        os.link(work / name, link)
    return link.name


SAME_FILE = ["dot", "absolute", "dotdot", "symlink", "hardlink"]


@pytest.mark.parametrize("how", SAME_FILE)
def test_two_outputs_that_are_one_file_are_refused_before_anything_is_written(work, how):
    (work / "r.out").write_text("an earlier report\n")
    other = _spell(work, "r.out", how)
    before = snapshot(work)
    proc = check("catalog.yaml", "-f", "json:r.out", "-f", f"html:{other}", cwd=work)
    refused(proc, "two reports would be written to one file", "r.out", other)
    assert snapshot(work) == before


def test_two_outputs_through_a_symlinked_folder_are_one_file(work):
    (work / "reports").mkdir()
    (work / "alias").symlink_to(work / "reports")
    before = snapshot(work)
    refused(check("catalog.yaml", "-f", "json:reports/r.json", "-f", "sarif:alias/r.json", cwd=work),
            "one file")
    assert snapshot(work) == before


INPUTS = {  # (the command's arguments, the input an output names, how it is spelled)
    "config valuate.toml": (("catalog.yaml",), "valuate.toml", "dot"),
    "config --config": (("catalog.yaml", "--config", "conf/x.toml"), "conf/x.toml", "absolute"),
    "catalog": (("catalog.yaml",), "catalog.yaml", "absolute"),
    "catalog in a folder": (("cats",), "cats/catalog.yaml", "hardlink"),
    "baseline": (("catalog.yaml", "--baseline", "base.json"), "base.json", "symlink"),
    "compared report": (("catalog.yaml", "--compare", "prev.json"), "prev.json", "dot"),
    "waivers": (("catalog.yaml", "--waivers", "waivers.yaml"), "waivers.yaml", "hardlink"),
    "profile": (("catalog.yaml", "--profile", "profile.yaml"), "profile.yaml", "symlink"),
    "what a profile extends": (("catalog.yaml", "--profile", "profile.yaml"), "base.yaml", "absolute"),
    "a pack's pack.yaml": (("catalog.yaml", "--rules", "pack"), "pack/pack.yaml", "dot"),
    "a pack's rule file": (("catalog.yaml", "--rules", "pack"), "pack/rules/tiny.yaml", "hardlink"),
    "the bundled pack": (("catalog.yaml",), str(ROOT / "rules" / "itil4" / "pack.yaml"), "as is"),
    "mapping": (("export.json", "--mapping", "m.yaml"), "m.yaml", "symlink"),
    "join": (("slo.yaml", "--mapping", "plain.yaml", "--join", "sloth=sloth.yml"), "sloth.yml", "hardlink"),
}


@pytest.mark.parametrize("case", INPUTS)
def test_no_output_replaces_an_input_of_the_run(work, case):
    args, name, how = INPUTS[case]
    if case == "config valuate.toml":
        (work / "valuate.toml").write_text('fail_on = "never"\n')
    target = name if how == "as is" else _spell(work, name, how)
    bundled = (ROOT / "rules" / "itil4" / "pack.yaml").read_bytes()
    before = snapshot(work)
    for formats in (("-f", f"json:{target}"), ("-f", "json:fine.json", "-f", f"html:{target}")):
        refused(check(*args, *formats, cwd=work), "would overwrite an input of this run")
        assert snapshot(work) == before, case
    assert (ROOT / "rules" / "itil4" / "pack.yaml").read_bytes() == bundled


@pytest.mark.parametrize("target", ["pack/rules/new.yaml", "pack/tests/new.yaml", "pack/new.yml"])
def test_no_output_lands_inside_a_pack_where_the_next_run_would_read_it(work, target):
    before = snapshot(work)
    refused(check("catalog.yaml", "--rules", "pack", "-f", f"json:{target}", cwd=work), "inside pack")
    assert snapshot(work) == before


def test_no_catalog_lands_inside_a_folder_of_catalogs_but_a_page_may(work):
    before = snapshot(work)
    refused(check("cats", "-f", "json:cats/report.json", cwd=work), "inside cats")
    assert snapshot(work) == before
    assert check("cats", "-f", "html:cats/report.html", "--fail-on", "never", cwd=work).returncode == 0


def test_pyproject_config_is_an_input(work):
    (work / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.valuate]\nfail_on = "never"\n')
    before = snapshot(work)
    refused(check("catalog.yaml", "-o", "./pyproject.toml", cwd=work), "would overwrite an input")
    assert snapshot(work) == before


@pytest.mark.parametrize("command, target", [
    (("facts", "export.json", "--mapping", "m.yaml", "-o"), "m.yaml"),
    (("facts", "export.json", "--mapping", "m.yaml", "-o"), "export.json"),
    (("baseline", "create", "catalog.yaml", "--profile", "profile.yaml", "--as-of", AS_OF, "-o"), "base.yaml"),
    (("baseline", "create", "catalog.yaml", "--as-of", AS_OF, "-o"), "catalog.yaml"),
    (("baseline", "create", "catalog.yaml", "--waivers", "waivers.yaml", "--as-of", AS_OF, "-o"), "waivers.yaml"),
])
def test_facts_and_baseline_create_replace_no_input(work, command, target):
    other = _spell(work, target, "symlink")
    before = snapshot(work)
    refused(valuate(*command, other, cwd=work), "would overwrite an input")
    assert snapshot(work) == before


def test_baseline_create_still_updates_its_own_file(work):
    first = (work / "base.json").read_bytes()
    proc = valuate("baseline", "create", "catalog.yaml", "--as-of", "2026-11-29", "-o", "base.json", cwd=work)
    assert proc.returncode == 0, proc.stderr
    assert (work / "base.json").read_bytes() != first  # rewritten, the earlier entries' dates kept


def test_an_input_read_while_the_run_goes_on_is_checked_before_the_rename(tmp_path, monkeypatch):
    """Inputs come from what the reading code notes (engine/reads.py), not a list kept by hand:
    a file read after the outputs were opened still refuses the rename."""
    from valuate.engine.atomic import atomic_outputs
    from valuate.engine.errors import UserError
    from valuate.engine.reads import run_inputs
    from valuate.engine.stdio import real_path

    monkeypatch.chdir(tmp_path)
    (tmp_path / "late.yaml").write_text("kept: true\n")
    with run_inputs():
        with pytest.raises(UserError, match="would overwrite an input"):
            with atomic_outputs(["ok.json", "late.yaml"]) as (ok, late):
                ok.write("{}")
                real_path("late.yaml")  # what every reader asks before it opens a file
                late.write("{}")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["late.yaml"]
    assert (tmp_path / "late.yaml").read_text() == "kept: true\n"
