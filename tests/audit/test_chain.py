"""The audit log's hash chain: sealed in order, verified end to end, and any change, removal or
insertion of a sealed event — or of the head — is reported; the links are an HMAC under a key
outside the database, and an anchor kept elsewhere catches a cut tail (issue 12, defect 6)."""

from __future__ import annotations

import hashlib
import importlib
import io
import json
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection

from gongdan.audit.chain import Anchor, chain_key, derived_key, link, seal, verify
from gongdan.audit.models import GENESIS, AuditEvent, AuditHead
from gongdan.audit.services import audit_record, event_digest
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


def _sql(statement: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:  # an attacker with database access, not the ORM
        cursor.execute(statement, params)


def test_a_changed_actor_id_is_reported(world: World) -> None:
    # Given sealed events by the admin
    event = _events(world, 2)[0]
    seal()
    event.refresh_from_db()

    # When someone moves one of them to another user, keeping the name
    _sql("UPDATE audit_auditevent SET actor_id = %s WHERE id = %s", [world.agent.pk, event.pk])

    # Then the verifier sees it
    report = verify()
    assert not report.ok
    assert report.problems == [f"position {event.seq} (event {event.pk}): its content was changed"]


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("occurred_at", "2020-01-01 00:00:00"),
        ("actor_label", "someone else"),
        ("action", "test.other"),
        ("object_type", "customers.Contact"),
        ("object_id", "999999"),
        ("object_repr", "另一个"),
        ("data", '{"n": 7, "名": "值"}'),
        ("actor_id", None),
    ],
)
def test_every_stored_column_is_sealed(world: World, column: str, value: Any) -> None:
    event = _events(world, 3)[1]
    seal()
    event.refresh_from_db()

    _sql(f"UPDATE audit_auditevent SET {column} = %s WHERE id = %s", [value, event.pk])

    assert verify().problems == [
        f"position {event.seq} (event {event.pk}): its content was changed"
    ]


def test_a_changed_id_or_position_breaks_the_link(world: World) -> None:
    event = _events(world, 3)[1]
    seal()
    event.refresh_from_db()

    _sql("UPDATE audit_auditevent SET id = %s WHERE id = %s", [event.pk + 1000, event.pk])

    assert verify().problems == [
        f"position {event.seq} (event {event.pk + 1000}): the link does not follow from the "
        "previous one under this installation's key"
    ]


def test_the_last_event_deleted_and_the_head_moved_back_is_caught_by_the_anchor(
    world: World,
) -> None:
    # Given a sealed chain whose anchor was kept elsewhere
    _events(world, 3)
    seal()
    anchor = verify().anchor
    last = AuditEvent.objects.get(seq=anchor.seq)

    # When the newest event is deleted and the head moved back to the genuine previous link
    _sql("DELETE FROM audit_auditevent WHERE id = %s", [last.pk])
    _sql(
        "UPDATE audit_audithead SET seq = %s, chain = %s WHERE id = 1",
        [anchor.seq - 1, last.prev_digest],
    )

    # Then the chain alone looks whole, but not against the anchor
    assert verify().ok
    report = verify(anchor=anchor)
    assert report.problems == [
        f"the anchor's position {anchor.seq} is not in the chain (it ends at {anchor.seq - 1}): "
        "events at the end were removed and the head moved back"
    ]
    with pytest.raises(CommandError):
        call_command(
            "audit_verify", "--anchor", str(anchor), stdout=io.StringIO(), stderr=io.StringIO()
        )


def test_an_anchor_still_matches_after_more_events_are_sealed(world: World) -> None:
    _events(world, 2)
    seal()
    anchor = verify().anchor
    _events(world, 2)

    out = io.StringIO()
    call_command("audit_verify", "--seal", "--anchor", str(anchor), stdout=out)

    head = AuditHead.objects.get()
    assert f"Anchor (keep it outside the database): {head.seq}:{head.seq}:{head.chain}" in (
        out.getvalue()
    )
    assert head.seq == anchor.seq + 2


def test_an_anchor_whose_link_was_replaced_is_reported(world: World) -> None:
    _events(world, 2)
    seal()
    anchor = verify().anchor

    forged = Anchor(anchor.seq, anchor.count, "f" * 64)

    assert verify(anchor=forged).problems == [
        f"position {anchor.seq} does not match the anchor {forged}"
    ]


def test_an_anchor_from_an_empty_chain_still_verifies(world: World) -> None:
    AuditEvent.objects.all().delete()
    empty = verify().anchor
    _events(world, 1)
    seal()

    assert (str(empty), verify(anchor=empty).ok) == (f"0:0:{GENESIS}", True)


def test_a_malformed_anchor_is_a_command_error(world: World) -> None:
    with pytest.raises(CommandError, match="Not an anchor"):
        call_command("audit_verify", "--anchor", "12:abc", stdout=io.StringIO())


def test_a_full_recomputation_with_plain_sha256_fails_the_hmac(world: World) -> None:
    # Given a sealed chain
    target = _events(world, 3)[1]
    seal()

    # When an attacker changes an event and recomputes every digest and link with SHA-256
    # (the old scheme; without the key, an HMAC cannot be computed)
    AuditEvent.objects.filter(pk=target.pk).update(action="test.forged")
    prev = GENESIS
    for event in AuditEvent.objects.order_by("seq"):
        content = {f: getattr(event, f) for f in ["occurred_at", "actor_id", "actor_label"]}
        content |= {f: getattr(event, f) for f in ["action", "object_type", "object_id"]}
        digest = event_digest(**content, object_repr=event.object_repr, data=event.data)
        chain = hashlib.sha256((prev + digest).encode()).hexdigest()
        AuditEvent.objects.filter(pk=event.pk).update(digest=digest, prev_digest=prev, chain=chain)
        prev = chain
    AuditHead.objects.update(chain=prev)

    # Then every link is refused from the first position on
    report = verify()
    assert not report.ok
    assert "position 1 " in report.problems[0]
    assert "does not follow from the previous one" in report.problems[0]
    assert all("content was changed" not in p for p in report.problems)


def test_a_recomputation_under_another_key_fails(world: World, settings: Any) -> None:
    _events(world, 2)
    settings.GONGDAN_AUDIT_KEY = "the attacker's guess"
    seal()

    settings.GONGDAN_AUDIT_KEY = "the installation's key"

    assert "does not follow from the previous one" in verify().problems[0]


def test_an_inserted_event_is_reported(world: World) -> None:
    # Given a sealed chain
    events = _events(world, 3)
    seal()
    middle = AuditEvent.objects.get(pk=events[1].pk)

    # When an event is inserted before the middle one, later positions shifted up by one
    for event in AuditEvent.objects.filter(seq__gte=middle.seq).order_by("-seq"):
        _sql("UPDATE audit_auditevent SET seq = seq + 1 WHERE id = %s", [event.pk])
    forged = audit_record(actor=world.admin, action="test.forged", obj=world.acme)
    AuditEvent.objects.filter(pk=forged.pk).update(
        seq=middle.seq,
        prev_digest=middle.prev_digest,
        chain=hashlib.sha256((middle.prev_digest + forged.digest).encode()).hexdigest(),
    )
    AuditHead.objects.update(seq=AuditEvent.objects.count())

    # Then the forged link and the next one are reported
    problems = verify().problems
    assert problems[0] == (
        f"position {middle.seq} (event {forged.pk}): the link does not follow from the previous "
        "one under this installation's key"
    )
    assert problems[1].startswith(f"position {middle.seq + 1} (event {middle.pk}): the link")


def test_deleting_a_user_keeps_their_id_on_their_events(world: World) -> None:
    event = audit_record(actor=world.other_agent, action="test.by_user", obj=world.acme)
    seal()
    user_id = world.other_agent.pk

    world.other_agent.delete()

    assert AuditEvent.objects.get(pk=event.pk).actor_id == user_id
    assert verify().ok


def test_audit_reseal_moves_the_chain_to_a_new_key_after_checking_it(
    world: World, settings: Any
) -> None:
    # Given a chain sealed under the key derived from SECRET_KEY
    _events(world, 3)
    seal()
    old = derived_key(settings.SECRET_KEY)

    # When the installation gets its own key and the chain is resealed from the old one
    settings.GONGDAN_AUDIT_KEY = "a new key kept in the vault"
    assert not verify().ok
    out = io.StringIO()
    call_command("audit_reseal", "--old-key", old, stdout=out)

    # Then it verifies under the new key, and the new anchor was printed
    report = verify()
    assert report.ok
    assert f"Anchor (keep it outside the database): {report.anchor}" in out.getvalue()
    assert chain_key() == b"a new key kept in the vault"


def test_audit_reseal_refuses_a_chain_broken_under_the_old_key(world: World) -> None:
    event = _events(world, 2)[0]
    seal()
    AuditEvent.objects.filter(pk=event.pk).update(action="test.forged")
    before = list(AuditEvent.objects.order_by("seq").values_list("digest", "chain"))

    with pytest.raises(CommandError, match="not resealed"):
        call_command("audit_reseal", stdout=io.StringIO(), stderr=io.StringIO())

    assert list(AuditEvent.objects.order_by("seq").values_list("digest", "chain")) == before


_UPGRADE = importlib.import_module("gongdan.audit.migrations.0003_hmac_chain_keeps_actor")


def _old_scheme_chain(world: World) -> None:
    """The chain as the previous version sealed it: SHA-256 digests without the actor's id,
    SHA-256 links."""
    _events(world, 3)
    prev, seq = GENESIS, 0
    for event in AuditEvent.objects.order_by("id"):
        items = [event.occurred_at.isoformat(), event.actor_label, event.action]
        items += [event.object_type, event.object_id, event.object_repr, event.data]
        text = json.dumps(items, sort_keys=True, ensure_ascii=False, cls=DjangoJSONEncoder)
        digest = hashlib.sha256(text.encode()).hexdigest()
        seq += 1
        chain = hashlib.sha256((prev + digest).encode()).hexdigest()
        AuditEvent.objects.filter(pk=event.pk).update(
            digest=digest, seq=seq, prev_digest=prev, chain=chain
        )
        prev = chain
    AuditHead.objects.update_or_create(pk=1, defaults={"seq": seq, "chain": prev})


def test_the_upgrade_reseals_an_intact_old_chain_under_the_new_scheme(world: World) -> None:
    _old_scheme_chain(world)
    assert not verify().ok

    _UPGRADE.reseal_under_hmac(apps, SimpleNamespace(connection=connection))

    report = verify()
    assert report.ok and report.sealed == AuditEvent.objects.count()
    first = AuditEvent.objects.get(seq=1)
    assert first.chain == link(GENESIS, 1, first.pk, first.digest, key=chain_key())


def test_the_upgrade_stops_on_a_broken_old_chain(world: World, monkeypatch: Any) -> None:
    _old_scheme_chain(world)
    AuditEvent.objects.filter(seq=2).update(action="test.forged")

    with pytest.raises(RuntimeError, match=r"position 2 .* content changed"):
        _UPGRADE.reseal_under_hmac(apps, SimpleNamespace(connection=connection))
    monkeypatch.setenv("GONGDAN_AUDIT_RESEAL_BROKEN", "1")
    _UPGRADE.reseal_under_hmac(apps, SimpleNamespace(connection=connection))

    assert verify().ok
