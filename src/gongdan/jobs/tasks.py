"""Declaring background jobs, recording the ones that keep failing, and the outbox jobs.

``@job()`` is the way the apps declare a task: Huey's ``db_task`` with retries and exponential
backoff by default (5 retries: 10 s, 20 s, 40 s, 80 s, 160 s). A task must be idempotent — it can
run again after a crash or a retry — and take JSON-able arguments (ids, not rows). Enqueue it
after the transaction commits with ``core.events.enqueue_on_commit``.

When a task fails for the last time, the Huey error signal keeps it as a ``FailedTask`` with its
arguments, error and traceback, where admins see it and can enqueue it again.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import traceback
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task, signal
from huey.signals import SIGNAL_ERROR

from gongdan.core import events
from gongdan.core.models import OutboxEvent
from gongdan.jobs.models import FailedTask
from gongdan.jobs.outbox import dispatch_outbox

logger = logging.getLogger(__name__)

DEFAULT_RETRIES = 5
DEFAULT_RETRY_DELAY = 10  # seconds; doubled at each retry


def job(
    *, retries: int = DEFAULT_RETRIES, retry_delay: int = DEFAULT_RETRY_DELAY, **kwargs: Any
) -> Callable[[Callable[..., Any]], Any]:
    """A background task with retries and exponential backoff (see the module docstring)."""
    return db_task(retries=retries, retry_delay=retry_delay, retry_backoff=2, **kwargs)


def _jsonable(value: Any) -> Any:
    try:
        return json.loads(json.dumps(value))
    except (TypeError, ValueError):
        return repr(value)


def task_name(task: Any) -> str:
    return str(HUEY._registry.task_to_string(type(task)))


@signal(SIGNAL_ERROR)
def _record_final_failure(signal_name: str, task: Any, exc: BaseException | None = None) -> None:
    """Keep a task that failed with no retries left (called inside Huey's ``except`` block)."""
    if task.retries:
        return  # Huey will run it again
    try:
        with transaction.atomic():
            FailedTask.objects.create(
                task_name=task_name(task),
                task_id=str(task.id),
                args=_jsonable(list(task.args or ())),
                kwargs=_jsonable(dict(task.kwargs or {})),
                error=repr(exc)[:4000] if exc is not None else "",
                traceback=traceback.format_exc(),
                attempts=(task.default_retries or 0) + 1,
            )
    except Exception:  # never let bookkeeping break the consumer
        logger.exception("could not record the failure of task %s", task.id)


# --- the outbox ----------------------------------------------------------------------------------


@job(retries=3, retry_delay=5)
def dispatch_outbox_job() -> int:
    """Dispatch every due outbox event (several consumers may run this at once, safely)."""
    return dispatch_outbox()


@db_periodic_task(crontab(minute="*"))
def outbox_sweep() -> int:
    """The safety net: events whose kick was lost, retries whose backoff has passed."""
    return dispatch_outbox()


@db_periodic_task(crontab(minute="17", hour="3"))
def outbox_purge() -> int:
    """Delete processed events (and their deliveries) older than the retention period."""
    days = int(getattr(settings, "GONGDAN_OUTBOX_RETENTION_DAYS", 30))
    cutoff = timezone.now() - timedelta(days=days)
    deleted, _ = OutboxEvent.objects.filter(processed_at__lt=cutoff).delete()
    return deleted


_kick_lock = threading.Lock()
_last_kick = 0.0
KICK_INTERVAL = 0.5  # seconds: at most two dispatch jobs enqueued per second per process


def kick_outbox() -> None:
    """Ask a consumer to dispatch soon (after a commit that emitted events).

    Debounced per process: a burst of writes enqueues one job, which drains every due event.
    With Huey in immediate mode (tests) the dispatch runs right here, every time.
    """
    global _last_kick
    if HUEY.immediate:
        dispatch_outbox_job()
        return
    now = time.monotonic()
    with _kick_lock:
        if now - _last_kick < KICK_INTERVAL:
            return
        _last_kick = now
    try:
        dispatch_outbox_job()
    except Exception:  # the queue is away: the periodic sweep will deliver
        logger.exception("could not enqueue the outbox dispatch")


def install() -> None:
    """Dispatch after every commit that wrote outbox events (``JobsConfig.ready()``)."""
    events.on_outbox_commit.register(kick_outbox)
