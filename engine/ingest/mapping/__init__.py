"""Raw catalog exports in: mapping files, typed parsers, presets, provenance.

    from engine.ingest.mapping import load, read_mapped
    for raw in read_mapped("export.csv", load("servicenow-csv")): ...

``load`` reads a mapping file (or a preset from facts/mappings/), checking
every key with file:line:col; ``read_mapped`` reads an export through it and
yields RawRecords carrying the canonical fact, its provenance and any
per-record errors.
"""
from .definition import JoinSpec, Mapping, MappingError
from .reader import ReadStats, read_mapped
from .spec import PRESETS_DIR, load, presets, resolve

__all__ = ["Mapping", "MappingError", "JoinSpec", "ReadStats", "read_mapped", "load", "presets",
           "resolve", "PRESETS_DIR"]
