"""The GitHub Action's check step (action.yml): run ``valuate check`` from the action's inputs.

Inputs arrive in the environment (never in the script text), and none is word-split:

- ``CATALOGS``: one catalog path per line; a single line that is not itself an
  existing path is read as a shell would (``"my services/catalog.yaml" other.yaml``),
  so a path with spaces is one path when it is on a line of its own or quoted.
  Empty: ``catalogs`` of valuate.toml.
- ``ARGS``: more options, read as a shell would (quotes and backslashes, no
  expansion, nothing run).
- ``SARIF``: the SARIF file to write (relative to the working directory).

The step adds ``github`` (standard output: the annotations) and ``sarif:FILE`` to
the formats the repository configures (``format`` in valuate.toml or
``VALUATE_FORMAT``) instead of replacing them: a command-line ``--format``
replaces the configured list, so the configured formats are passed again. A
configured format that would also go to standard output (``text``) is left out,
with a note, since standard output carries the annotations. Options given in
``ARGS`` that name formats replace the configured ones, as on the command line.

Writes ``exit-code`` (valuate's) and ``sarif`` (the SARIF file, from the
repository root, when it was written) to ``$GITHUB_OUTPUT``; the step itself
exits 0, so the upload runs before the job fails on the exit code.
"""
from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

VALUATE = os.environ.get("VALUATE_COMMAND", "valuate")  # the tests point it at their own install


def catalogs(text: str) -> list:
    """The catalog paths of the ``catalogs`` input (see the module's docstring)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) == 1 and not Path(lines[0]).exists():  # a line that is a path stays one
        return shlex.split(lines[0])
    return lines


def _names_formats(args: list) -> bool:
    return any(a in ("-f", "--format") or a.startswith("--format=") or (a.startswith("-f") and len(a) > 2)
               for a in args)


def configured(args: list) -> list:
    """The formats valuate.toml / VALUATE_FORMAT configure that may be kept beside github on stdout."""
    if _names_formats(args):
        return []
    # config show takes check's options (--config FILE, --no-config ...): the list in force for this run
    done = subprocess.run([VALUATE, "config", "show", "--json", *args], capture_output=True, text=True)
    if done.returncode != 0:
        return []  # the check itself names what is wrong with the configuration
    settings = json.loads(done.stdout)["settings"]
    if settings["format"].get("default"):
        return []
    to_stdout = settings["output"]["value"] in (None, "-")
    kept = []
    for spec in settings["format"]["value"]:
        fmt, sep, file = spec.partition(":")
        if (not sep and to_stdout) or file == "-":
            print(f"valuate action: the configured format {spec!r} goes to standard output, where the "
                  f"annotations go; left out (write it to a file: {fmt}:valuate.{fmt})", file=sys.stderr)
        elif fmt != "github":
            kept.append(spec)
    return kept


def command(env: dict) -> list:
    args = shlex.split(env.get("ARGS", ""))
    sarif = env.get("SARIF") or "valuate.sarif"
    formats = ["github:-"] + [s for s in configured(args) if s != f"sarif:{sarif}"] + [f"sarif:{sarif}"]
    return [VALUATE, "check", *catalogs(env.get("CATALOGS", "")),
            *[x for spec in formats for x in ("--format", spec)], *args]


def main() -> int:
    env = dict(os.environ)
    code = subprocess.run(command(env)).returncode
    sarif = Path(env.get("SARIF") or "valuate.sarif")
    root = Path(env.get("GITHUB_WORKSPACE") or ".").resolve()
    outputs = [f"exit-code={code}"]
    if sarif.is_file():
        where = sarif.resolve()
        outputs.append(f"sarif={where.relative_to(root) if where.is_relative_to(root) else where}")
    out = env.get("GITHUB_OUTPUT")
    if out:
        with open(out, "a", encoding="utf-8") as fh:
            fh.write("".join(line + "\n" for line in outputs))
    else:
        print("\n".join(outputs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
