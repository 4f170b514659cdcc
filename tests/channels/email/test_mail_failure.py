"""A notification mail that the SMTP server keeps refusing ends, after the task queue's retries,
as an internal timeline entry of its ticket (agents only) and an audit event."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from huey.contrib.djhuey import HUEY

from gongdan.audit.models import AuditEvent
from gongdan.channels.email.models import OutboundMessage
from gongdan.jobs.models import FailedTask
from gongdan.testing import World
from gongdan.tickets import services
from gongdan.tickets.choices import TimelineKind
from gongdan.tickets.models import TimelineEntry
from gongdan.tickets.presenters import describe
from gongdan.tickets.selectors import timeline_list
from tests.channels.email.conftest import Smtp

REFUSAL = "550 5.1.1 Mailbox unavailable"


def _run_retries() -> int:
    """Run every scheduled retry at once (the backoff's time passes instantly); count runs."""
    runs = 0
    for _ in range(10):
        due = HUEY.scheduled()
        if not due:
            break
        HUEY.storage.flush_schedule()
        for task in due:
            HUEY.execute(task, timestamp=task.eta + timedelta(seconds=1))
            runs += 1
    return runs


def test_a_refused_mail_is_retried_then_recorded_on_the_timeline_for_agents_only(
    smtp: Smtp, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    smtp.reject = REFUSAL
    HUEY.storage.flush_schedule()
    ticket = world.ticket()
    TimelineEntry.objects.filter(ticket=ticket).delete()

    with django_capture_on_commit_callbacks(execute=True):
        services.comment_create(actor=world.agent, ticket=ticket, body="请重启打印机。")
    assert not TimelineEntry.objects.filter(ticket=ticket, kind=TimelineKind.MAIL_FAILED)
    retries = _run_retries()

    assert retries == 5
    assert smtp.refused == [world.customer.email] * 6 and smtp.messages == []
    entry = TimelineEntry.objects.get(ticket=ticket, kind=TimelineKind.MAIL_FAILED)
    assert entry.is_internal
    assert entry.data["to"] == world.customer.email
    assert entry.data["subject"] == f"[{ticket.number}] {ticket.title}"
    assert entry.data["kind"] == "ticket.staff_replied"
    assert entry.data["attempts"] == 6
    assert "550" in entry.data["error"] and "Mailbox unavailable" in entry.data["error"]
    assert world.customer.email in describe(entry)
    assert entry in timeline_list(user=world.agent, ticket=ticket)
    assert entry not in timeline_list(user=world.customer, ticket=ticket)
    audit = AuditEvent.objects.get(action="mail.failed")
    assert audit.object_id == str(ticket.pk) and audit.data["to"] == world.customer.email
    assert FailedTask.objects.get().task_name.endswith("deliver_email")
    assert OutboundMessage.objects.filter(ticket=ticket, sent_at__isnull=True).count() == 6


def test_the_customer_never_sees_the_failure_on_the_portal(
    smtp: Smtp, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    smtp.reject = REFUSAL
    HUEY.storage.flush_schedule()
    ticket = world.ticket()
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_create(actor=world.agent, ticket=ticket, body="x")
    _run_retries()
    assert TimelineEntry.objects.filter(ticket=ticket, kind=TimelineKind.MAIL_FAILED).exists()

    portal = world.client_for(world.customer).get(f"/portal/tickets/{ticket.number}/")
    desk = world.client_for(world.agent).get(f"/desk/tickets/{ticket.number}/")

    assert portal.status_code == 200 and desk.status_code == 200
    assert "Mailbox unavailable" not in portal.content.decode()
    assert "Mailbox unavailable" in desk.content.decode()


def test_a_mail_that_goes_through_on_a_retry_leaves_no_failure_entry(
    smtp: Smtp, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    smtp.reject = "451 4.3.0 Try again later"
    HUEY.storage.flush_schedule()
    ticket = world.ticket()
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_create(actor=world.agent, ticket=ticket, body="第二次能到")
    smtp.reject = ""

    _run_retries()

    assert len(smtp.to(world.customer.email)) == 1
    assert not TimelineEntry.objects.filter(ticket=ticket, kind=TimelineKind.MAIL_FAILED)
    assert not FailedTask.objects.exists()
