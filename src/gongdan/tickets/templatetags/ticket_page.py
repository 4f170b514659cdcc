"""Template helpers of the ticket page's timeline and composer."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from gongdan.tickets.models import Comment
from gongdan.tickets.rendering import comment_html

register = template.Library()


@register.simple_tag
def comment_body(comment: Comment) -> SafeString:
    """The comment's body as HTML: Markdown or plain text, quoted history folded."""
    return comment_html(comment)
