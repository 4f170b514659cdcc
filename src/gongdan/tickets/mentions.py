"""@mentions in internal notes: finding them in a text, and the staff an agent may mention.

A mention is ``@`` and a username (letters of any script, digits, ``. + - _``), not preceded by
a word character (so ``name@example.com`` is no mention). Only active staff are ever resolved:
a customer's username or an unknown name is plain text.
"""

from __future__ import annotations

import re

from django.db.models import Q, QuerySet

from gongdan.accounts.choices import STAFF_ROLES
from gongdan.accounts.models import User

MENTION = re.compile(r"(?<![\w@.])@([\w.+-]{1,150})")
MAX_MENTIONS = 20
SUGGESTIONS = 8


def mentioned_usernames(text: str) -> list[str]:
    """The usernames mentioned in ``text``, each once, in order (at most ``MAX_MENTIONS``)."""
    names: list[str] = []
    for match in MENTION.finditer(text or ""):
        name = match.group(1).rstrip(".-")
        if name and name not in names:
            names.append(name)
    return names[:MAX_MENTIONS]


def mentionable_staff() -> QuerySet[User]:
    return User.objects.filter(is_active=True, role__in=STAFF_ROLES)


def mentioned_staff(text: str) -> list[User]:
    """Active staff mentioned in ``text`` (one query; none when nobody is mentioned)."""
    names = mentioned_usernames(text)
    if not names:
        return []
    found = {u.username: u for u in mentionable_staff().filter(username__in=names)}
    return [found[n] for n in names if n in found]


def staff_suggestions(*, user: User, query: str) -> list[User]:
    """Up to ``SUGGESTIONS`` active staff whose username or name starts with / contains
    ``query`` (for the composer's autocomplete; staff only, checked by the view)."""
    query = (query or "").strip().lstrip("@")[:50]
    if not query:
        return []
    match = (
        Q(username__istartswith=query)
        | Q(display_name__icontains=query)
        | Q(first_name__istartswith=query)
        | Q(last_name__istartswith=query)
    )
    return list(
        mentionable_staff()
        .filter(match)
        .exclude(pk=user.pk)
        .order_by("username")
        .only("pk", "username", "display_name", "first_name", "last_name")[:SUGGESTIONS]
    )
