"""valuate's engine: one wing per concern (see docs/architecture.md).

ingest (readers, mappings, parsers, provenance) · model (frozen results) ·
rules (pack loading, schema) · compile (packs to durable-rules rulesets) ·
policy (packs tuned by profiles, waivers) · evaluate (a durable-rules host
per process, composition) · explain (trees, why not, what would make it
pass) · report (one module per output format) · pipeline (the one run) ·
governance (lint, rules test, diff, tune). The library API is ``valuate``'s.
"""
