"""The daily digest by mail: each subscriber's unread notifications of the last day, grouped.

A periodic job (``tasks.notification_digests``, hourly) sends the digests due: from
``GONGDAN_DIGEST_HOUR`` (8 by default, the desk's time zone) on, to each active user whose
digest is on and was not sent today. Each user's day is claimed with one conditional UPDATE
(``last_sent_on`` before today → today) inside the transaction that sends the mail: a second
worker on a doubled tick updates no row and sends nothing; a mail that fails rolls the claim
back, and the next tick tries again. A day without unread notifications sends no mail.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gongdan.accounts.models import User
from gongdan.notifications.models import DigestSubscription, Notification
from gongdan.notifications.presenters import Group, present_grouped

DIGEST_WINDOW = timedelta(days=1)
MAX_ITEMS = 200


def digest_hour() -> int:
    return int(getattr(settings, "GONGDAN_DIGEST_HOUR", 8))


def _claim(digest: DigestSubscription, today: object) -> bool:
    """Take ``digest``'s day: True for the one caller whose UPDATE changed the row."""
    not_yet = Q(last_sent_on__isnull=True) | Q(last_sent_on__lt=today)
    updated = DigestSubscription.objects.filter(not_yet, pk=digest.pk, enabled=True).update(
        last_sent_on=today
    )
    return updated == 1


def digest_text(user: User, groups: list[Group]) -> tuple[str, str]:
    """``(subject, text)`` of a digest, in the user's language."""
    count = sum(len(g.items) for g in groups)
    subject = ngettext("%(count)s unread notification", "%(count)s unread notifications", count) % {
        "count": count
    }
    lines = [_("Your unread notifications of the last day:"), ""]
    for group in groups:
        url = f"{settings.SITE_URL}{group.url}" if group.url.startswith("/") else group.url
        lines.append(f"- {group.text}" + (f"\n  {url}" if url else ""))
    lines += ["", _("Change or stop this digest in your notification preferences.")]
    return subject, "\n".join(lines)


def _send_one(digest: DigestSubscription, now: datetime) -> bool:
    user = digest.user
    rows = list(
        Notification.objects.filter(
            recipient=user, read_at__isnull=True, created_at__gt=now - DIGEST_WINDOW
        ).order_by("-id")[:MAX_ITEMS]
    )
    if not rows or not user.email:
        return False
    with translation.override(user.language or settings.LANGUAGE_CODE):
        subject, text = digest_text(user, present_grouped(rows, user))
    headers = {"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"}
    EmailMultiAlternatives(
        subject, text, settings.DEFAULT_FROM_EMAIL, [user.email], headers=headers
    ).send(fail_silently=False)
    return True


def digests_send_due(*, now: datetime | None = None) -> int:
    """Send every digest due now (see the module docstring); returns the mails sent."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    if local.hour < digest_hour():
        return 0
    today = local.date()
    due = DigestSubscription.objects.filter(
        Q(last_sent_on__isnull=True) | Q(last_sent_on__lt=today),
        enabled=True,
        user__is_active=True,
    ).select_related("user")
    sent = 0
    for digest in due:
        with transaction.atomic():
            if _claim(digest, today) and _send_one(digest, now):
                sent += 1
    return sent
