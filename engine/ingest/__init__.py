"""Reading catalogs: a reader per format, record shape, validation to canonical facts."""
from .records import RawRecord
from .registry import EXTENSIONS, READERS, expand_catalogs, format_for, read_catalog
from .validate import validate

__all__ = ["RawRecord", "READERS", "EXTENSIONS", "expand_catalogs", "format_for", "read_catalog", "validate"]
