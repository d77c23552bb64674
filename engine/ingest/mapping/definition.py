"""A loaded mapping file: where the records are and how each field is made.

Everything here is checked when the mapping is loaded (``spec.load``), so a
mistake in the mapping is reported once, with ``file:line:col``, before any
record is read.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from ...errors import Problem, ProblemsError
from .sourcepath import SourcePath


@dataclass(frozen=True)
class FieldSpec:
    """How one canonical fact (``target``, relative inside items) is made."""

    target: str
    kind: str  # scalar | list | items | each
    sources: tuple = ()  # SourcePath, tried in order: the first non-empty wins
    constant: Any = None
    has_constant: bool = False
    default: Any = None
    has_default: bool = False
    parser: Optional[str] = None  # None only for items/each
    options: dict = field(default_factory=dict, hash=False, compare=False)
    value_map: Optional[dict] = field(default=None, hash=False, compare=False)  # casefolded text -> value
    split: tuple = ()
    join_with: Optional[str] = None
    pick: Optional[str] = None
    unknown: frozenset = frozenset()
    nothing: frozenset = frozenset()  # words meaning "none at all": an empty list (list and each fields)
    items: tuple = ()  # tuple of tuples of FieldSpec (kind == items)
    each: Optional[SourcePath] = None  # kind == each
    fields: tuple = ()  # FieldSpec relative to each element (kind == each)
    optional: bool = False  # the export may lack the field altogether
    file: str = ""
    line: Optional[int] = None
    column: Optional[int] = None
    at: str = field(default="", compare=False)  # where in the mapping file: fields.outcomes.fields.impact


@dataclass(frozen=True)
class InputOptions:
    format: Optional[str] = None
    encoding: str = "utf-8"
    delimiter: Optional[str] = None
    sheet: Any = None
    header_row: int = 1


@dataclass(frozen=True)
class JoinSpec:
    """Another export mapped on its own and merged into matching services."""

    name: str
    mapping: "Mapping"
    files: tuple = ()  # paths or glob patterns
    on: str = "id"
    key: str = "id"
    duplicates: str = "agree"  # agree | first | last | error
    merge: str = "fill"  # fill | override
    format: Optional[str] = None


@dataclass(frozen=True)
class Mapping:
    file: str  # as messages and provenance name it (a preset: facts/mappings/NAME.yaml)
    name: str
    description: str = ""
    input: InputOptions = InputOptions()
    records: Optional[SourcePath] = None
    where: tuple = ()  # (SourcePath, frozenset of accepted texts)
    fields: tuple = ()  # FieldSpec
    ignore: tuple = ()  # glob patterns over source paths
    unknown: frozenset = frozenset()
    nothing: frozenset = frozenset()  # the words list fields read as an empty list, unless a field says
    joins: tuple = ()  # JoinSpec
    source: str = ""  # the file as read ("" for an inline join mapping): what a server hashes and watches


class MappingError(ProblemsError):
    """A mapping file with problems; each names file:line:col (printed as the pack's are)."""
