"""How the ``ticket.mention`` timeline entry reads (registered in ``TicketsConfig.ready()``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from gongdan.tickets import hooks

MENTION_KIND = "ticket.mention"


def mention_sentence(d: dict[str, Any]) -> str:
    if d.get("granted"):
        return _("mentioned %(who)s in a note (%(granted)s may now read this ticket)") % {
            "who": d.get("who", ""),
            "granted": d.get("granted", ""),
        }
    return _("mentioned %(who)s in a note") % {"who": d.get("who", "")}


def install() -> None:
    hooks.timeline_sentences[MENTION_KIND] = mention_sentence
