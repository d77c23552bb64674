"""Loading a mapping file (YAML) into a checked ``Mapping``.

Top-level keys: ``description``, ``input`` (format, encoding, delimiter,
sheet, header_row), ``records`` (where the records are), ``where`` (keep only
records whose field has one of the given values), ``fields`` (canonical fact
path -> how to make it), ``ignore`` (export fields left out on purpose),
``unknown`` (words meaning "not recorded"), ``nothing`` (words meaning "none at
all" in a list field: an empty list), ``join`` (other exports merged by key). Every problem is reported with file:line:col; nothing is half-loaded.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any, Optional

from ...errors import Location, UserError
from ...data import FACTS_DIR
from ...schema import FactSchema
from ...errors import did_you_mean
from ...documents import Reader, join, kind_of
from ...yamlio import load_single, read_text
from ..formats import FORMATS
from .fields import FieldReader, nothing_option, words_option
from .definition import InputOptions, JoinSpec, Mapping, MappingError
from .parsers import unknown_set
from .sourcepath import PathSyntaxError, parse_path

PRESETS_DIR = FACTS_DIR / "mappings"
TOP_KEYS = ("description", "input", "records", "where", "fields", "ignore", "unknown", "nothing", "join")
MAX_ROWS = 1_048_576  # a worksheet's last row (XLSX); a CSV header further down is a mistake too
INPUT_KEYS = ("format", "encoding", "delimiter", "sheet", "header_row")
JOIN_KEYS = ("name", "file", "mapping", "format", "on", "key", "duplicates", "merge")


def presets() -> list[str]:
    return sorted(p.stem for p in PRESETS_DIR.glob("*.yaml"))


def resolve(name_or_path: str, base: Optional[Path] = None) -> Path:
    """A preset name (facts/mappings/NAME.yaml) or a mapping file path."""
    text = str(name_or_path)
    candidate = Path(text) if base is None or Path(text).is_absolute() else base / text
    if candidate.is_file():
        return candidate
    if "/" not in text and "\\" not in text and not text.endswith((".yaml", ".yml")):
        preset = PRESETS_DIR / f"{text}.yaml"
        if preset.is_file():
            return preset
        raise UserError(f"no mapping preset {text!r} and no such file; presets: {', '.join(presets())}"
                        f"{did_you_mean(text, presets())}")
    raise UserError("no such mapping file", Location(file=str(candidate)))


def load(name_or_path: str, base: Optional[Path] = None, _seen: tuple = ()) -> Mapping:
    path = resolve(name_or_path, base)
    if path.resolve() in _seen:
        raise UserError("a mapping joins itself (directly or through another join)", Location(file=str(path)))
    shown = _display(path)
    doc = load_single(read_text(str(path)), shown)
    mapping = from_document(doc, shown, path.stem, _seen + (path.resolve(),), base=path.parent)
    return replace(mapping, source=str(path))


def _display(path: Path) -> str:
    """The path as a user would write it: relative to the working directory when inside it.
    A preset is named relative to the package (facts/mappings/gitlab.yaml), wherever it is
    installed and whatever the working directory: provenance and coverage sources must not
    depend on the machine."""
    resolved = path.resolve()
    if resolved.parent == PRESETS_DIR.resolve():
        return str(Path(FACTS_DIR.name) / PRESETS_DIR.name / resolved.name)
    try:
        return str(resolved.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


class MappingReader(Reader):
    """The rule reader's helpers, with problems labelled [mapping]."""

    def error(self, message: str, location: Location, code: str = "mapping") -> None:
        super().error(message, location, code)


def from_document(doc: Any, file: str, name: str, seen: tuple = (), base: Optional[Path] = None) -> Mapping:
    """``file`` names the mapping in messages and provenance; ``base``: where its joins'
    relative paths start (the file's folder, which ``file`` may not locate: a preset)."""
    r = MappingReader(file)
    if not r.document(doc, Location(file=file), "a mapping file"):
        raise MappingError(r.problems)
    r.keys(doc, "", ("fields",), TOP_KEYS, "the mapping file")
    unknown = words_option(r, doc, "unknown", "") if "unknown" in doc else unknown_set()
    nothing = nothing_option(r, doc, "", unknown) if "nothing" in doc else frozenset()
    fields = FieldReader(r, FactSchema.default(), unknown, nothing).fields(doc.get("fields", {}), "fields")
    if "fields" in doc and not any(f.target == "id" for f in fields) and not r.problems:
        r.error("fields must say where the service id comes from (id: SOURCE)", r.at(doc, "fields", "fields"))
    base = base or Path(file).parent
    mapping = Mapping(
        file=file, name=name, description=str(doc.get("description") or "").strip(),
        input=_input(r, doc), records=_records(r, doc), where=_where(r, doc), fields=fields,
        ignore=_ignore(r, doc), unknown=unknown, nothing=nothing, joins=_joins(r, doc, base, seen))
    errors = [p for p in r.problems if p.severity == "error"]
    if errors:
        raise MappingError(errors)
    return mapping


def _input(r: Reader, doc: dict) -> InputOptions:
    node = doc.get("input")
    if node is None:
        return InputOptions()
    if not r.mapping(node, r.at(doc, "input", "input"), "input") or \
            not r.keys(node, "input", (), INPUT_KEYS, "input"):
        return InputOptions()
    fmt = node.get("format")
    if fmt is not None and fmt not in FORMATS:
        r.error(f"unknown input format {fmt!r}; known: {', '.join(FORMATS)}{did_you_mean(str(fmt), list(FORMATS))}",
                r.at(node, "format", "input.format"))
    delimiter = node.get("delimiter")
    if delimiter is not None and not (isinstance(delimiter, str) and len(delimiter) == 1):
        r.error(f"delimiter must be one character, got {kind_of(delimiter)}", r.at(node, "delimiter", "input.delimiter"))
    encoding = node.get("encoding", "utf-8")
    try:
        "".encode(encoding)
    except (LookupError, TypeError):
        r.error(f"unknown text encoding {encoding!r} (e.g. utf-8, cp1252, latin-1)", r.at(node, "encoding", "input.encoding"))
    header_row = node.get("header_row", 1)
    if not isinstance(header_row, int) or isinstance(header_row, bool) or not 1 <= header_row <= MAX_ROWS:
        r.error(f"header_row must be a row number from 1 to {MAX_ROWS:,}, got {kind_of(header_row)}",
                r.at(node, "header_row", "input.header_row"))
        header_row = 1
    sheet = node.get("sheet")
    if sheet is not None and not isinstance(sheet, (str, int)):
        r.error(f"sheet must be a sheet name or number, got {kind_of(sheet)}", r.at(node, "sheet", "input.sheet"))
    return InputOptions(fmt, encoding, delimiter, sheet, header_row)


def _records(r: Reader, doc: dict):
    if "records" not in doc:
        return None
    text = doc["records"]
    try:
        return parse_path(text)
    except PathSyntaxError as err:
        r.error(f"records: {err}", r.at(doc, "records", "records"))
        return None


def _where(r: Reader, doc: dict) -> tuple:
    node = doc.get("where")
    if node is None or not r.mapping(node, r.at(doc, "where", "where"), "where"):
        return ()
    out = []
    for key, accepted in node.items():
        loc = r.at(node, key, join("where", str(key)))
        try:
            path = parse_path(str(key))
        except PathSyntaxError as err:
            r.error(str(err), loc)
            continue
        values = accepted if isinstance(accepted, list) else [accepted]
        if not values or not all(isinstance(v, (str, int, float, bool)) for v in values):
            r.error("where: each field takes a value or a list of values", loc)
            continue
        out.append((path, frozenset(str(v).strip() for v in values)))
    return tuple(out)


def _ignore(r: Reader, doc: dict) -> tuple:
    node = doc.get("ignore")
    if node is None:
        return ()
    if not isinstance(node, list) or not all(isinstance(x, str) and x.strip() for x in node):
        r.error("ignore must be a list of export field paths (globs like sys_* allowed)", r.at(doc, "ignore", "ignore"))
        return ()
    return tuple(x.strip() for x in node)


def _joins(r: Reader, doc: dict, base: Path, seen: tuple) -> tuple:
    node = doc.get("join")
    if node is None:
        return ()
    if not r.sequence(node, r.at(doc, "join", "join"), "join"):
        return ()
    out = []
    for i, item in enumerate(node):
        path = f"join[{i}]"
        if not r.mapping(item, r.at(node, i, path), "a join") or not r.keys(item, path, ("mapping",), JOIN_KEYS, "a join"):
            continue
        spec = _join(r, item, path, base, seen)
        if spec is not None:
            out.append(spec)
    return tuple(out)


def _join(r: Reader, item: dict, path: str, base: Path, seen: tuple) -> Optional[JoinSpec]:
    loc = r.at(item, "mapping", join(path, "mapping"))
    target = item["mapping"]
    try:
        if isinstance(target, dict):
            mapping = from_document(target, r.file, f"{Path(r.file).stem}.{path}", seen)
        elif isinstance(target, str):
            mapping = load(target, base, seen)
        else:
            r.error(f"mapping must be a preset name, a file or an inline mapping, got {kind_of(target)}", loc)
            return None
    except MappingError as err:
        r.problems.extend(err.problems)
        return None
    except UserError as err:
        r.error(f"join mapping: {err}", loc)
        return None
    choices = {"duplicates": ("agree", "first", "last", "error"), "merge": ("fill", "override")}
    for key, allowed in choices.items():
        if key in item and item[key] not in allowed:
            r.error(f"{key} must be one of {', '.join(allowed)}, got {item[key]!r}", r.at(item, key, join(path, key)))
    schema = FactSchema.default()
    for key in ("on", "key"):
        value = item.get(key, "id")
        if not isinstance(value, str) or schema.lookup(value) is None:
            r.error(f"{key} must be a canonical fact path, got {value!r}{schema.suggest(str(value))}",
                    r.at(item, key, join(path, key)))
    files = item.get("file", [])
    files = files if isinstance(files, list) else [files]
    if not all(isinstance(f, str) and f.strip() for f in files):
        r.error("file must be a path or a list of paths (globs like slos/*.yaml allowed)",
                r.at(item, "file", join(path, "file")))
        files = []
    return JoinSpec(name=str(item.get("name") or mapping.name), mapping=mapping,
                    files=tuple(str(base / f) for f in files), on=item.get("on", "id"), key=item.get("key", "id"),
                    duplicates=item.get("duplicates", "agree"), merge=item.get("merge", "fill"),
                    format=item.get("format"))

