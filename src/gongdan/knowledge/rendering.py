"""Markdown → safe HTML for article bodies, and the plain text the search index reads.

markdown-it-py (CommonMark + tables + strikethrough) renders with raw HTML switched off, so
typed tags come out escaped; nh3 (the ammonia sanitiser) then keeps only an allow-list of
tags and attributes and only http(s)/mailto and same-site links, as a second wall should the
renderer ever let something through.
"""

from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    ["table", "strikethrough"]
)

TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "s", "del", "code",
    "pre", "blockquote", "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th",
    "td",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"}}
SCHEMES = {"http", "https", "mailto"}
_TAG = re.compile(r"<[^>]+>")


def render(source: str) -> str:
    """Sanitised HTML for Markdown ``source``; links get ``rel="noopener noreferrer"``."""
    html = _md.render(source or "")
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=SCHEMES,
        link_rel="noopener noreferrer",
    )


def plain_text(html: str) -> str:
    """The words of rendered ``html`` (for the search index and snippets)."""
    import html as html_lib

    return " ".join(html_lib.unescape(_TAG.sub(" ", html)).split())
