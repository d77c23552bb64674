"""Catalog text made literal Markdown, and the anchors of service sections.

Every Markdown format (the report, its board summary, the pull-request
summary) escapes catalog text with ``md``, so a service name cannot inject
markup, links, HTML or mentions anywhere.
"""
from __future__ import annotations

import re

from ..model import ServiceResult

# Catalog text never starts a line here (it follows "- ", "| ", "### "), so only
# the inline syntax needs escaping; "@" becomes an entity so no one is mentioned.
_SPECIAL = re.compile(r"([\\`*_\[\]|~#])")
# GitHub and GitLab turn bare URLs, www. names and e-mail addresses into links
# (the GFM autolink extension) even in escaped text, and some renderers join
# an entity back into the text before looking. An invisible WORD JOINER
# (U+2060) after the scheme, after "www" and after "@" breaks every such
# pattern in every renderer while the text reads the same.
_JOINER = "\u2060"
_AUTOLINK = re.compile(r"(?i)(?:[a-z][a-z0-9+.-]*(?=://)|\bwww(?=\.)|\b(?:mailto|xmpp)(?=:))")


def md(text) -> str:
    """Catalog text as literal Markdown: entities for HTML, backslashes for Markdown
    syntax, no autolinks and no mentions."""
    s = _SPECIAL.sub(r"\\\1", str(text))
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("@", "&#64;" + _JOINER)
    s = _AUTOLINK.sub(lambda m: m.group() + _JOINER, s)
    return " ".join(s.split())  # newlines would end a table row or a list item


def anchor(result: ServiceResult) -> str:
    return f"service-{result.position}"
