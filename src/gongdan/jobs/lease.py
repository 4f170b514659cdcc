"""A lease in the database: at most one holder at a time; a holder that stops renewing loses it."""

from __future__ import annotations

import os
import socket
import uuid
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from gongdan.jobs.models import SchedulerLease

# This process's identity as a lease holder (host, pid and a random part for pid reuse).
HOLDER = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def lease_hold(name: str, *, ttl: timedelta, holder: str = HOLDER) -> bool:
    """Take or renew the lease ``name`` for ``ttl``; False while another holder's is current."""
    now = timezone.now()
    taken = (
        SchedulerLease.objects.filter(name=name)
        .filter(Q(holder=holder) | Q(expires_at__lte=now))
        .update(holder=holder, expires_at=now + ttl)
    )
    if taken:
        return True
    try:
        with transaction.atomic():
            SchedulerLease.objects.create(name=name, holder=holder, expires_at=now + ttl)
    except IntegrityError:  # someone else holds it (or took it a moment ago)
        return False
    return True


def lease_release(name: str, *, holder: str = HOLDER) -> None:
    """Give the lease up at once (a clean shutdown), so another consumer need not wait."""
    SchedulerLease.objects.filter(name=name, holder=holder).delete()
