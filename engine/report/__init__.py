"""Output formats: one module per format, behind one registry.

A format is a ``Writer``: created with the output stream and the run's
``RunInfo``, fed ``ServiceResult`` records one at a time in input order
(``write``), and closed with the final ``Summary`` (``close``). Formats that
can stream (jsonl, text) write as records arrive; formats that need the whole
report (html, markdown, junit, sarif, json) subclass ``CollectingWriter`` and
implement ``render(report, out)``. The registry's keys feed the CLI's
``--format`` choices, so a format that is not registered cannot be asked for.
``markdown-summary`` is the one format that does not list every record: it
names the services needing a decision and counts the rest (a pull-request
comment has a size limit).
"""
from __future__ import annotations

from typing import TextIO

from ..model import Report, RunInfo, ServiceResult, Summary
from .base import PLAIN, CollectingWriter, Tee, Writer, WriterOptions
from .csv_report import CsvWriter
from .github import GithubWriter
from .gitlab_codequality import CodeQualityWriter
from .html import HtmlWriter
from .json_report import JsonWriter
from .jsonl import JsonlWriter
from .junit import JunitWriter
from .markdown import MarkdownWriter
from .markdown_summary import MarkdownSummaryWriter
from .sarif import SarifWriter
from .text import TextWriter

FORMATS: dict[str, type] = {
    "text": TextWriter,
    "json": JsonWriter,
    "jsonl": JsonlWriter,
    "markdown": MarkdownWriter,
    "markdown-summary": MarkdownSummaryWriter,
    "html": HtmlWriter,
    "junit": JunitWriter,
    "sarif": SarifWriter,
    "github": GithubWriter,
    "gitlab-codequality": CodeQualityWriter,
    "csv": CsvWriter,
}


def writer_for(fmt: str, out: TextIO, run: RunInfo, options: WriterOptions = PLAIN) -> Writer:
    """The writer of a registered format; an unknown one is an error, never a default."""
    try:
        cls = FORMATS[fmt]
    except KeyError:
        raise ValueError(f"unknown output format {fmt!r}; known: {', '.join(FORMATS)}") from None
    return cls(out, run, options)


def render(fmt: str, report: Report, out: TextIO) -> None:
    """Render a whole in-memory report (tests, small catalogs)."""
    writer = writer_for(fmt, out, report.run)
    for result in report.services:
        writer.write(result)
    writer.close(report.summary)


__all__ = ["FORMATS", "Writer", "WriterOptions", "PLAIN", "CollectingWriter", "Tee", "writer_for", "render",
           "ServiceResult", "Summary"]
