"""The audit log's hash chain: sealing new events, and verifying the whole chain.

Events are written by the services inside their own transactions, many at once; linking each to
its predecessor at that moment would serialise every write in the system. Instead the sealer
links them shortly after, in batches, under a lock on the chain's head row: events not yet
sealed (``seq`` empty) get the next positions in id order. An event whose transaction commits
late (after later ids were sealed) is simply sealed in the next batch: the chain's order is the
sealing order, never a gap.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from gongdan.audit.models import GENESIS, AuditEvent, AuditHead
from gongdan.audit.services import event_digest
from gongdan.core.orm import update_rows

BATCH = 5000
CONTENT = ["occurred_at", "actor_label", "action", "object_type", "object_id", "object_repr"]


def link(prev: str, digest: str) -> str:
    return hashlib.sha256((prev + digest).encode()).hexdigest()


def _head() -> AuditHead:
    AuditHead.objects.get_or_create(pk=1)
    return AuditHead.objects.select_for_update().get(pk=1)


def seal(*, batch: int = BATCH) -> int:
    """Link every unsealed event into the chain; returns how many were sealed."""
    sealed = 0
    while True:
        with transaction.atomic():
            head = _head()
            events = list(
                AuditEvent.objects.filter(seq__isnull=True)
                .only("id", "digest")
                .order_by("id")[:batch]
            )
            if not events:
                return sealed
            for event in events:
                head.seq += 1
                event.seq, event.prev_digest = head.seq, head.chain
                event.chain = head.chain = link(head.chain, event.digest)
            update_rows(events, ["seq", "prev_digest", "chain"])
            head.sealed_at = timezone.now()
            head.save()
            sealed += len(events)


@dataclass
class Report:
    sealed: int = 0
    unsealed: int = 0
    head_seq: int = 0
    head_chain: str = GENESIS
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _sealed_rows() -> Iterator[tuple[object, ...]]:
    fields = ["id", "seq", "prev_digest", "chain", "digest", "data", *CONTENT]
    qs = AuditEvent.objects.filter(seq__isnull=False).order_by("seq").values_list(*fields)
    yield from qs.iterator(chunk_size=2000)


def verify(*, max_problems: int = 20) -> Report:
    """Walk the chain from the start: every event's content still gives its digest, every link
    follows from the one before, positions have no gap, and the head is the last link."""
    head = AuditHead.objects.filter(pk=1).first() or AuditHead(seq=0, chain=GENESIS)
    report = Report(head_seq=head.seq, head_chain=head.chain)
    report.unsealed = AuditEvent.objects.filter(seq__isnull=True).count()
    prev, expected = GENESIS, 1

    def problem(text: str) -> None:
        if len(report.problems) < max_problems:
            report.problems.append(text)

    for pk, seq, prev_digest, chain, digest, data, *content in _sealed_rows():
        if seq != expected:
            problem(f"position {expected}: missing (the next sealed event is at {seq})")
            expected = int(seq)  # type: ignore[call-overload]
        recomputed = event_digest(**dict(zip(CONTENT, content, strict=True)), data=data)
        if recomputed != digest:
            problem(f"position {seq} (event {pk}): its content was changed")
        if prev_digest != prev or link(prev, str(digest)) != chain:
            problem(f"position {seq} (event {pk}): the link to the previous event is broken")
        prev = str(chain)
        expected += 1
        report.sealed += 1
    if report.sealed != head.seq or prev != head.chain:
        problem(
            f"the chain ends at position {expected - 1}, the head says {head.seq}: "
            "events at the end were removed or the head was changed"
        )
    return report
