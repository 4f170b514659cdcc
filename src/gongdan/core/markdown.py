"""Markdown → safe HTML, shared by the apps that show what people typed as Markdown.

markdown-it-py (CommonMark + tables + strikethrough) renders with raw HTML switched off, so
typed tags come out escaped; nh3 (the ammonia sanitiser) then keeps only an allow-list of
tags and attributes and only http(s)/mailto links, as a second wall should the renderer ever
let something through. ``breaks=True`` keeps a typed line break a line break: Chinese text has
no spaces between lines, and agents write replies as they would a mail.
"""

from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt

TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "s", "del", "code",
    "pre", "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
SCHEMES = {"http", "https", "mailto"}

_md = MarkdownIt(
    "commonmark", {"html": False, "linkify": False, "typographer": False, "breaks": True}
).enable(["table", "strikethrough"])


#: Texts up to this length are remembered (rendering is a pure function of the text, ~1 ms a
#: comment in pure Python): a ticket page shown again renders its comments from memory.
CACHED_LENGTH = 20_000


def render_markdown(source: str) -> str:
    """Sanitised HTML for Markdown ``source`` (line breaks kept); links get ``noopener``."""
    source = source or ""
    if len(source) <= CACHED_LENGTH:
        return _cached(source)
    return _render(source)


@lru_cache(maxsize=2048)
def _cached(source: str) -> str:
    return _render(source)


def _render(source: str) -> str:
    html = _md.render(source)
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=SCHEMES,
        link_rel="noopener noreferrer",
    )
