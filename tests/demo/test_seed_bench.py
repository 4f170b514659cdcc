from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from gongdan.accounts.models import User
from gongdan.customers.models import Contact
from gongdan.tickets import services
from gongdan.tickets.choices import Status
from gongdan.tickets.models import Comment, Ticket, TimelineEntry


@pytest.mark.django_db
@pytest.mark.usefixtures("empty_db")  # the demo and bench seed an empty installation
def test_seed_bench_bulk_creates_consistent_tickets_and_keeps_the_sequence() -> None:
    call_command("seed_demo", tickets=20, stdout=io.StringIO())

    call_command("seed_bench", tickets=1500, comments=True, batch=400, stdout=io.StringIO())

    assert Ticket.objects.count() == 1520
    bench = Ticket.objects.exclude(created_by__isnull=False)
    assert set(bench.values_list("status", flat=True)) == set(Status.values)
    assert (
        not bench.exclude(status=Status.NEW)
        .filter(
            status__in=[Status.ASSIGNED, Status.IN_PROGRESS, Status.PENDING, Status.RESOLVED],
            assignee__isnull=True,
        )
        .exists()
    )
    assert not bench.filter(status=Status.CLOSED, closed_at__isnull=True).exists()
    assert Comment.objects.filter(ticket__in=bench).count() >= 2 * 1500
    assert TimelineEntry.objects.filter(ticket__in=bench, kind="ticket.created").count() == 1500
    # A ticket created afterwards through the service continues each day's sequence.
    latest = Ticket.objects.order_by("-created_at").first()
    assert latest is not None
    created = services.ticket_create(
        actor=User.objects.get(username="admin"),
        title="after bench",
        requester=Contact.objects.first(),
        created_at=latest.created_at,
    )
    assert Ticket.objects.filter(number=created.number).count() == 1
    prefix, day, value = created.number.split("-")
    same_day = Ticket.objects.filter(number__startswith=f"{prefix}-{day}-").count()
    assert int(value) == same_day


@pytest.mark.django_db
@pytest.mark.usefixtures("empty_db")
def test_seed_bench_history_walks_every_ticket_from_new_to_its_status() -> None:
    call_command("seed_demo", tickets=5, stdout=io.StringIO())

    call_command(
        "seed_bench", tickets=400, comments=True, history=True, years=1.0, stdout=io.StringIO()
    )

    bench = Ticket.objects.exclude(created_by__isnull=False)
    assert bench.count() == 400
    entries: dict[int, list[TimelineEntry]] = {}
    for entry in TimelineEntry.objects.filter(ticket__in=bench).order_by("created_at", "id"):
        entries.setdefault(entry.ticket_id, []).append(entry)
    kinds = {e.kind for rows in entries.values() for e in rows}
    assert {"ticket.status_changed", "ticket.assigned", "ticket.team_changed"} <= kinds
    for ticket in bench:
        rows = entries[ticket.pk]
        assert rows[0].kind == "ticket.created"
        status = Status.NEW
        for change in (e for e in rows if e.kind == "ticket.status_changed"):
            assert change.data["old"] == status
            status = change.data["new"]
        assert status == ticket.status
        assignments = [e for e in rows if e.kind == "ticket.assigned"]
        assert (assignments[-1].data["new"] if assignments else None) == ticket.assignee_id
        # In time order (entries are read by time), within the ticket's own lifetime.
        assert ticket.created_at <= rows[-1].created_at <= ticket.updated_at
