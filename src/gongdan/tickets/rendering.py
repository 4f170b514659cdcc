"""How a reply or note body is shown on the ticket page (and in the composer's preview).

- Written by staff in the workspace or through the API: Markdown (``core.markdown``: sanitised,
  line breaks kept), the composer's preview uses the same function;
- anything else (customer mail, portal, phone notes typed by a customer): plain text, escaped,
  its line breaks kept by CSS (``.gd-body``).

In both, the quoted history of a mail reply (``quoting.split_quoted``) is folded behind a
"show quoted text" toggle.
"""

from __future__ import annotations

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from gongdan.core.markdown import render_markdown
from gongdan.tickets.choices import Channel
from gongdan.tickets.models import Comment
from gongdan.tickets.quoting import split_quoted

MARKDOWN_CHANNELS = frozenset({Channel.WEB, Channel.API})


def is_markdown(comment: Comment) -> bool:
    """Staff-written in the workspace or by API: the composer's Markdown."""
    return (
        comment.channel in MARKDOWN_CHANNELS
        and comment.author_id is not None
        and comment.author_contact_id is None
    )


def _html(text: str, markdown: bool) -> SafeString:
    return mark_safe(render_markdown(text)) if markdown else escape(text)  # noqa: S308 - nh3


def body_html(text: str, *, markdown: bool) -> SafeString:
    """The body as HTML: one ``.gd-body`` block, then the folded quoted history, if any."""
    visible, quoted = split_quoted(text)
    css = "gd-body gd-md" if markdown else "gd-body"
    html = format_html('<div class="{}">{}</div>', css, _html(visible, markdown))
    if not quoted:
        return html
    return format_html(
        '{}<details class="gd-quoted"><summary class="small text-body-secondary">{}</summary>'
        '<div class="gd-quote-text{}">{}</div></details>',
        html,
        _("show quoted text"),
        " gd-md" if markdown else "",
        _html(quoted, markdown),
    )


def comment_html(comment: Comment) -> SafeString:
    return body_html(comment.body, markdown=is_markdown(comment))
