"""WeCom messages in: a text from a known user becomes a new ticket or a reply.

A message naming a ticket number the sender may see is a reply on it; any other text from a
customer opens a ticket (channel ``wechat``: WeChat / WeCom). Staff must name a ticket. Senders
are recognised by their WeCom userid (``ImIdentity``); unknown senders are recorded and ignored.
The unique (vendor, app, MsgId) row is written in the same transaction as the ticket or reply,
so WeCom's re-deliveries of a message make one ticket.
"""

from __future__ import annotations

import re
from typing import Any
from xml.etree import ElementTree

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from gongdan.accounts.choices import Role
from gongdan.accounts.models import User
from gongdan.channels.choices import Vendor
from gongdan.channels.models import ImIdentity, InboundMessage, WecomApp
from gongdan.channels.wecom.notify import send_wecom_text
from gongdan.core.errors import DomainError, NotFound
from gongdan.core.events import enqueue_on_commit
from gongdan.tickets.choices import Channel
from gongdan.tickets.models import Ticket
from gongdan.tickets.selectors import ticket_get
from gongdan.tickets.services import comment_create, ticket_create

NUMBER = re.compile(r"\b([A-Z][A-Z0-9]{0,9}-\d{8}-\d{4,})\b")
TITLE_MAX = 60
MAX_XML_BYTES = 64 * 1024


class BadXml(Exception):
    pass


def parse_xml(text: str | bytes) -> dict[str, str]:
    """The children of the root element as a dict; refuses DTDs (no entity expansion)."""
    raw = text.encode() if isinstance(text, str) else text
    if len(raw) > MAX_XML_BYTES or b"<!DOCTYPE" in raw.upper() or b"<!ENTITY" in raw.upper():
        raise BadXml("refused")
    try:
        root = ElementTree.fromstring(raw)  # noqa: S314 - DTDs refused above: no entities
    except ElementTree.ParseError as exc:
        raise BadXml(str(exc)) from exc
    return {child.tag: (child.text or "") for child in root}


def _title(content: str) -> str:
    first = content.strip().splitlines()[0].strip() if content.strip() else ""
    if not first:
        return _("Message from WeCom")
    return first if len(first) <= TITLE_MAX else first[: TITLE_MAX - 1] + "…"


def _acknowledge(app: WecomApp, sender: str, language: str, outcome: str, number: str) -> None:
    """Tell the sender (through the app, after commit) which ticket their message went to."""
    if not app.secret or app.agent_id is None:
        return

    with translation.override(language or settings.LANGUAGE_CODE):
        if outcome == "ticket":
            text = _("Received: your ticket number is %(number)s.") % {"number": number}
        else:
            text = _("Your message was added to ticket %(number)s.") % {"number": number}
    enqueue_on_commit(send_wecom_text, app.pk, sender, text)


def _act(sender: str, content: str) -> tuple[str, Ticket | None, User | None]:
    identity = (
        ImIdentity.objects.select_related("user")
        .filter(vendor=Vendor.WECOM, external_id=sender, user__is_active=True)
        .first()
    )
    if identity is None:
        return "unknown_sender", None, None
    user: User = identity.user
    match = NUMBER.search(content)
    ticket: Ticket | None = None
    if match:
        try:
            ticket = ticket_get(user=user, number=match.group(1))
        except NotFound:
            ticket = None
    try:
        if ticket is not None:
            comment_create(actor=user, ticket=ticket, body=content, channel=Channel.WECHAT)
            return "reply", ticket, user
        if user.role != Role.CUSTOMER:
            return "no_ticket", None, user
        ticket = ticket_create(
            actor=user, title=_title(content), description=content, channel=Channel.WECHAT
        )
        return "ticket", ticket, user
    except DomainError as exc:
        return f"rejected:{exc.code}"[:32], ticket, user


def wecom_message_receive(*, app: WecomApp, message: dict[str, Any]) -> InboundMessage | None:
    """Take in one decrypted message; returns its record (the earlier one for a re-delivery).

    Only text messages with a MsgId are taken; events and other types return None.
    """
    msg_id = str(message.get("MsgId") or "").strip()
    if message.get("MsgType") != "text" or not msg_id:
        return None
    sender = str(message.get("FromUserName") or "")[:64]
    key = {"vendor": Vendor.WECOM, "app_code": app.code, "msg_id": msg_id[:64]}
    try:
        with transaction.atomic():
            inbound = InboundMessage.objects.create(**key, sender=sender, outcome="pending")
            inbound.outcome, inbound.ticket, user = _act(sender, str(message.get("Content") or ""))
            inbound.save(update_fields=["outcome", "ticket"])
            ticket = inbound.ticket
            if user is not None and ticket is not None and inbound.outcome in ("ticket", "reply"):
                _acknowledge(app, sender, user.language, inbound.outcome, ticket.number)
    except IntegrityError:
        return InboundMessage.objects.filter(**key).first()
    return inbound
