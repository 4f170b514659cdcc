"""The audit log's hash chain: sealed in order, verified end to end, and any change, removal or
insertion of a sealed event — or of the head — is reported."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from gongdan.audit.chain import seal, verify
from gongdan.audit.models import AuditEvent, AuditHead
from gongdan.audit.services import audit_record
from gongdan.testing import World


def _events(world: World, n: int) -> list[AuditEvent]:
    return [
        audit_record(
            actor=world.admin, action="test.event", obj=world.acme, data={"n": i, "名": "值"}
        )
        for i in range(n)
    ]


def test_events_are_sealed_once_in_order_and_the_chain_verifies(world: World) -> None:
    before = AuditEvent.objects.count()  # the world's own setup events
    _events(world, 5)

    assert seal() == before + 5
    assert seal() == 0
    _events(world, 2)
    assert seal() == 2

    report = verify()
    head = AuditHead.objects.get()
    assert report.ok and report.sealed == before + 7 and report.unsealed == 0
    assert (head.seq, head.chain) == (report.head_seq, report.head_chain)
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, before + 8))


def test_a_changed_event_is_reported(world: World) -> None:
    event = _events(world, 3)[1]
    seal()
    AuditEvent.objects.filter(pk=event.pk).update(data={"n": 99, "名": "值"})

    report = verify()

    assert not report.ok and "content was changed" in report.problems[0]


def test_a_removed_event_is_reported(world: World) -> None:
    events = _events(world, 3)
    seal()
    with connection.cursor() as cursor:  # an attacker with database access, not the ORM
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])

    assert not verify().ok


def test_a_rewritten_tail_does_not_match_the_head(world: World) -> None:
    events = _events(world, 3)
    seal()
    last = AuditEvent.objects.get(pk=events[-1].pk)
    AuditEvent.objects.filter(pk=last.pk).delete()  # drop the newest event

    report = verify()

    assert not report.ok and "head" in report.problems[-1]


def test_a_late_event_is_sealed_after_later_ones_without_a_gap(world: World) -> None:
    events = _events(world, 3)
    # The middle event's transaction has not committed yet when the sealer runs: its id is a
    # hole the sealer cannot see.
    late = AuditEvent.objects.get(pk=events[1].pk)
    AuditEvent.objects.filter(pk=late.pk).delete()
    seal()
    late.save(force_insert=True)  # now it commits, with an id below sealed ones

    assert seal() == 1
    late.refresh_from_db()
    assert late.seq == AuditHead.objects.get().seq  # the last position, after the later ids
    assert verify().ok


def test_the_command_reports_and_fails_loudly(world: World) -> None:
    event = _events(world, 2)[0]
    out = io.StringIO()
    call_command("audit_verify", "--seal", stdout=out)
    assert "intact" in out.getvalue()

    AuditEvent.objects.filter(pk=event.pk).update(action="test.other")
    with pytest.raises(CommandError):
        call_command("audit_verify", stdout=io.StringIO(), stderr=io.StringIO())


def test_deleting_a_user_keeps_their_events_verifiable(world: World) -> None:
    audit_record(actor=world.other_agent, action="test.by_user", obj=world.acme)
    seal()
    world.other_agent.delete()  # the actor foreign key is cleared; the name stays

    assert verify().ok
