"""Safe YAML loading that remembers where every value came from.

Only PyYAML's *safe* constructor is used (a subclass of ``SafeLoader`` /
``CSafeLoader`` that adds position tracking and rejects duplicate keys), so a
YAML file can never construct Python objects. Before constructing anything
the node graph is measured: alias bombs and absurd nesting are refused with a
message naming the file, instead of exhausting memory later.
"""
from __future__ import annotations

import os
import stat
from typing import Any, Iterator, Optional

import yaml

from .errors import Location, UserError, excerpt
from .stdio import real_path
from .values import HugeInt
from .yamlwords import in_words

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: Defaults for what one YAML document may expand to (aliases expanded).
MAX_NODES = 5_000_000
MAX_DEPTH = 64


class LocDict(dict):
    """A mapping from YAML that knows the line/column of itself and of each key."""

    __slots__ = ("mark", "key_marks")

    def where(self, key: Any = None) -> tuple[int, int]:
        if key is not None and key in self.key_marks:
            return self.key_marks[key]
        return self.mark


class LocList(list):
    """A sequence from YAML that knows the line/column of itself and of each item."""

    __slots__ = ("mark", "item_marks")

    def where(self, index: Optional[int] = None) -> tuple[int, int]:
        if index is not None and 0 <= index < len(self.item_marks):
            return self.item_marks[index]
        return self.mark


def _pos(node: yaml.Node) -> tuple[int, int]:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


class _LocatingLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """SafeLoader that builds LocDict/LocList and refuses duplicate keys.

    A merge key (``<<: *base``) is YAML: the mapping's own keys override the
    merged ones, and of several merged mappings (``<<: [*a, *b]``) the first
    listed wins, as the merge-key spec says. Only a key written twice among one
    mapping's own keys (a merged mapping's too) is a duplicate."""

    def construct_yaml_map(self, node):  # noqa: D401 - PyYAML hook
        data = LocDict()
        data.mark = _pos(node)
        data.key_marks = {}
        yield data
        for key_node, value_node in _pairs(node, self._key, set()):  # the later pair wins
            key = self._key(node, key_node)
            data.key_marks[key] = _pos(key_node)
            data[key] = self.construct_object(value_node, deep=True)

    def _key(self, node, key_node):
        key = self.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                "while constructing a mapping", node.start_mark,
                "found an unhashable key", key_node.start_mark)
        return key

    def construct_yaml_seq(self, node):  # noqa: D401 - PyYAML hook
        data = LocList()
        data.mark = _pos(node)
        data.item_marks = [_pos(child) for child in node.value]
        yield data
        data.extend(self.construct_object(child, deep=True) for child in node.value)


    def construct_yaml_timestamp(self, node):  # noqa: D401 - PyYAML hook
        # PyYAML builds a date from anything shaped like one and raises a bare
        # ValueError for 2026-02-30, year 0 or a +25:00 offset. Such a value
        # stays the text it was written as, so whoever reads it (the fact
        # validator, a pack's date literal, a waiver's expiry) refuses it with
        # its own message, on its own field, at its own line.
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError):
            return self.construct_scalar(node)

    def construct_yaml_int(self, node):  # noqa: D401 - PyYAML hook
        try:
            return super().construct_yaml_int(node)
        except ValueError:
            # More digits than Python converts (4,300): kept as a marker that
            # validation refuses as too large; anything else tagged !!int is wrong.
            text = str(self.construct_scalar(node)).replace("_", "")
            if text.lstrip("+-").isdigit():
                return HugeInt.of(text)
            raise yaml.constructor.ConstructorError(None, None, f"{text!r} is not an integer",
                                                    node.start_mark) from None


MERGE = "tag:yaml.org,2002:merge"
_MERGED = object()  # the merge key among a mapping's keys (a quoted "<<" is a key like any other)


def _pairs(node: yaml.MappingNode, key_of, busy: set) -> list:
    """The (key node, value node) pairs of a mapping with its merges laid out, in the order
    in which the later pair wins; a key twice among the mapping's own keys is an error."""
    if id(node) in busy:  # a mapping merged into itself: nothing more to merge
        return []
    busy = busy | {id(node)}
    own, merged, first = [], [], {}
    for key_node, value_node in node.value:
        if key_node.tag == MERGE:
            if _MERGED in first:
                raise _duplicate("<<", first[_MERGED], key_node)
            first[_MERGED] = _pos(key_node)
            sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
            for source in reversed(sources):  # the first listed is laid last, so it wins
                if not isinstance(source, yaml.MappingNode):
                    raise yaml.constructor.ConstructorError(
                        "while constructing a mapping", node.start_mark,
                        f"expected a mapping or a list of mappings to merge (<<), found {source.id}",
                        source.start_mark)
                merged.extend(_pairs(source, key_of, busy))
            continue
        key = key_of(node, key_node)
        if key in first:
            raise _duplicate(key, first[key], key_node)
        first[key] = _pos(key_node)
        own.append((key_node, value_node))
    return merged + own


def _duplicate(key, first: tuple, key_node) -> yaml.constructor.ConstructorError:
    line, col = first
    return yaml.constructor.ConstructorError(
        None, None, f"duplicate key {excerpt(key)} (first defined at line {line}, column {col})",
        key_node.start_mark)


_LocatingLoader.add_constructor("tag:yaml.org,2002:map", _LocatingLoader.construct_yaml_map)
_LocatingLoader.add_constructor("tag:yaml.org,2002:seq", _LocatingLoader.construct_yaml_seq)
_LocatingLoader.add_constructor("tag:yaml.org,2002:timestamp", _LocatingLoader.construct_yaml_timestamp)
_LocatingLoader.add_constructor("tag:yaml.org,2002:int", _LocatingLoader.construct_yaml_int)


def _measure(node: yaml.Node, max_nodes: int, max_depth: int) -> None:
    """Refuse documents whose expanded size or depth passes the limits.

    Sizes are memoised per node, so a billion-laughs document is measured in
    time linear in its *written* size while its expanded size is computed.
    """
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, int, bool]] = [(node, 1, False)]
    while stack:
        current, depth, done = stack.pop()
        if depth > max_depth:
            raise _LimitError(f"nesting deeper than {max_depth} levels", current)
        key = id(current)
        if key in sizes and not done:
            continue
        children: list[yaml.Node] = []
        if isinstance(current, yaml.MappingNode):
            for k, v in current.value:
                children.extend((k, v))
        elif isinstance(current, yaml.SequenceNode):
            children = list(current.value)
        if not done:
            sizes[key] = -1  # in progress; a cycle cannot occur in YAML node graphs
            stack.append((current, depth, True))
            stack.extend((c, depth + 1, False) for c in children if id(c) not in sizes)
            continue
        total = 1 + sum(max(sizes.get(id(c), 1), 1) for c in children)
        if total > max_nodes:
            raise _LimitError(
                f"document expands to more than {max_nodes:,} values "
                "(YAML aliases multiply what is written)", current)
        sizes[key] = total


class _LimitError(Exception):
    def __init__(self, message: str, node: yaml.Node):
        super().__init__(message)
        self.node = node


class YamlSyntaxError(UserError):
    """A file that is not valid YAML: reported with the ``[yaml]`` tag wherever it is read."""


def _located(file: str, err: yaml.YAMLError, text: str = "") -> UserError:
    if isinstance(err, yaml.reader.ReaderError):
        line = text.count("\n", 0, err.position) + 1
        col = err.position - (text.rfind("\n", 0, err.position) + 1) + 1
        char = f"#x{err.character:04x}" if isinstance(err.character, int) else repr(err.character)
        return YamlSyntaxError(f"invalid YAML: character {char} is not allowed ({err.reason})",
                               Location(file=file, line=line, column=col))
    mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
    problem = getattr(err, "problem", None) or str(err)
    context = getattr(err, "context", None)
    words = in_words(err, text) if isinstance(err, yaml.MarkedYAMLError) else None
    said = words or (f"{context}, {problem}" if context and problem else (problem or context or str(err)))
    if mark is None:
        return YamlSyntaxError(f"invalid YAML: {said}", Location(file=file))
    return YamlSyntaxError(f"invalid YAML: {said}",
                           Location(file=file, line=mark.line + 1, column=mark.column + 1))


def load_documents(text: str, file: str, *, max_nodes: int = MAX_NODES,
                   max_depth: int = MAX_DEPTH) -> Iterator[Any]:
    """Yield each document of a YAML stream, safely constructed and located."""
    loader = _LocatingLoader(text)
    try:
        while True:
            try:
                if not loader.check_node():
                    return
                node = loader.get_node()
                _measure(node, max_nodes, max_depth)
                yield loader.construct_document(node)
            except yaml.YAMLError as err:
                raise _located(file, err, text) from None
            except _LimitError as err:
                line, col = _pos(err.node)
                raise UserError(str(err), Location(file=file, line=line, column=col)) from None
            except RecursionError:
                raise UserError(f"nesting too deep to read (over {max_depth} levels)",
                                Location(file=file)) from None
    finally:
        loader.dispose()


def load_single(text: str, file: str, **limits: int) -> Any:
    """Load a file that must hold exactly one YAML document (None if empty)."""
    docs = list(load_documents(text, file, **limits))
    if len(docs) > 1:
        raise UserError("expected one YAML document, found several (separated by ---)",
                        Location(file=file))
    return docs[0] if docs else None


#: What a configuration file (mapping, profile, waivers, rule tests) may weigh
#: when no limit is given: the rule-pack limit's default.
TEXT_LIMIT = 8 << 20


def read_text(path: str, max_bytes: int = TEXT_LIMIT, limit_name: str = "max_pack_bytes") -> str:
    """Read a UTF-8 text file (a BOM is allowed) with a clear error.

    Only regular files are read, and at most ``max_bytes``: a FIFO, a device
    such as /dev/zero or a directory would otherwise be read forever."""
    raw = read_bytes(path, max_bytes, limit_name)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise UserError(f"not valid UTF-8 (byte 0x{raw[err.start]:02x} at offset {err.start})",
                        Location(file=str(path), line=line)) from None
    return text


def read_bytes(path: str, max_bytes: int, limit_name: str = "max_file_bytes") -> bytes:
    """The bytes of a regular file of at most ``max_bytes``, or a UserError naming it."""
    where = Location(file=str(path))
    try:
        check_regular(path)  # before opening: opening a FIFO blocks until someone writes to it
        with open(real_path(path), "rb") as fh:
            raw = fh.read(max_bytes + 1)
    except OSError as err:
        raise UserError(f"cannot read file: {err.strerror or err}", where) from None
    if len(raw) > max_bytes:
        raise UserError(f"the file is over the limit of {max_bytes:,} bytes (--limit {limit_name}=...)", where)
    return raw


def check_regular(path: str) -> os.stat_result:
    """The file's stat, or a UserError when it is a FIFO, a device, a directory..."""
    info = os.stat(real_path(path))  # standard input is read from its spooled copy
    if not stat.S_ISREG(info.st_mode):
        raise UserError(f"not a regular file ({file_kind(info.st_mode)})", Location(file=str(path)))
    return info


def file_kind(mode: int) -> str:
    """What a non-regular file is, in words."""
    for test, word in ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a device"),
                       (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return word
    return "something other than a file"
