"""Where valuate's bundled data lives: rule packs, the fact schema, mapping presets.

The data ships inside the ``valuate`` package (``rules/`` and ``facts/`` are
package data), so it is found through the package itself, with
``importlib.resources``: the same code finds it in a checkout, an editable
install and a wheel in site-packages, instead of guessing from ``__file__``.
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path


def _package_root() -> Path:
    # This module is valuate.engine.data: the data sits beside engine/ in valuate.
    package = __package__.rpartition(".")[0] or __package__
    root = resources.files(package)
    if not isinstance(root, Path):  # a zip import: pip always installs unpacked
        raise RuntimeError(f"valuate's data must be on the file system, found {root!r}")
    return root


ROOT = _package_root()
RULES_DIR = ROOT / "rules"
FACTS_DIR = ROOT / "facts"
DEFAULT_PACK = RULES_DIR / "itil4"
FACT_SCHEMA = FACTS_DIR / "service.schema.json"
PRESETS_DIR = FACTS_DIR / "mappings"
