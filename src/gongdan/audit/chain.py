"""The audit log's hash chain: sealing new events, and verifying the whole chain.

Events are written by the services inside their own transactions, many at once; linking each to
its predecessor at that moment would serialise every write in the system. Instead the sealer
links them shortly after, in batches, under a lock on the chain's head row: events not yet
sealed (``seq`` empty) get the next positions in id order. An event whose transaction commits
late (after later ids were sealed) is simply sealed in the next batch: the chain's order is the
sealing order, never a gap.

Each link is an HMAC-SHA256 under a key that is not in the database (``GONGDAN_AUDIT_KEY``, or
derived from ``SECRET_KEY``): someone who can rewrite the table can recompute digests, but not
links. Deleting the newest events and moving the head back to a genuine earlier link needs no
key; an anchor kept elsewhere (``Anchor``, printed and checked by ``audit_verify``) catches it.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from gongdan.audit.models import GENESIS, AuditEvent, AuditHead
from gongdan.audit.services import event_digest
from gongdan.core.orm import update_rows

BATCH = 5000
CONTENT = [
    "occurred_at",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "data",
]


def derived_key(secret_key: str) -> str:
    """The chain key derived from a ``SECRET_KEY`` (used when ``GONGDAN_AUDIT_KEY`` is empty)."""
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"gongdan", info=b"audit-chain").derive(
        secret_key.encode()
    )
    return raw.hex()


def chain_key() -> bytes:
    return (getattr(settings, "GONGDAN_AUDIT_KEY", "") or derived_key(settings.SECRET_KEY)).encode()


def link(prev: str, seq: int, event_id: int, digest: str, *, key: bytes) -> str:
    """The chain value of position ``seq``: binds the previous link, the position, the event's
    id and its content digest."""
    message = f"{prev}:{seq}:{event_id}:{digest}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _head() -> AuditHead:
    AuditHead.objects.get_or_create(pk=1)
    return AuditHead.objects.select_for_update().get(pk=1)


def seal(*, batch: int = BATCH) -> int:
    """Link every unsealed event into the chain; returns how many were sealed."""
    sealed, key = 0, chain_key()
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
                event.chain = head.chain = link(
                    head.chain, head.seq, event.pk, event.digest, key=key
                )
            update_rows(events, ["seq", "prev_digest", "chain"])
            head.sealed_at = timezone.now()
            head.save()
            sealed += len(events)


def reseal() -> int:
    """Recompute every event's digest and every link under the current scheme and key, keeping
    the chain's order. Only for a chain just verified under its old scheme or key (an upgrade, a
    key change): whatever was changed before is sealed as genuine. Returns the events resealed.
    """
    key, count = chain_key(), 0
    with transaction.atomic():
        head = _head()
        prev = GENESIS
        rows = AuditEvent.objects.order_by("seq", "id").values_list("id", "seq", *CONTENT)
        events = []
        for pk, seq, *content in rows.iterator(chunk_size=2000):
            event = AuditEvent(pk=pk, seq=seq)
            event.digest = event_digest(**dict(zip(CONTENT, content, strict=True)))
            if seq is not None:
                event.prev_digest, event.chain = prev, link(prev, seq, pk, event.digest, key=key)
                prev = event.chain
            events.append(event)
            count += 1
        update_rows(events, ["digest", "prev_digest", "chain"])
        head.chain = prev
        head.save(update_fields=["chain"])
    return count


@dataclass(frozen=True)
class Anchor:
    """A point of the chain kept outside the database: ``<position>:<count>:<chain value>``."""

    seq: int
    count: int
    chain: str

    def __str__(self) -> str:
        return f"{self.seq}:{self.count}:{self.chain}"

    @classmethod
    def parse(cls, text: str) -> Anchor:
        match = re.fullmatch(r"\s*(\d{1,18}):(\d{1,18}):([0-9a-f]{64})\s*", text)
        if match is None:
            raise ValueError(text)
        return cls(int(match[1]), int(match[2]), match[3])


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

    @property
    def anchor(self) -> Anchor:
        return Anchor(self.head_seq, self.sealed, self.head_chain)


def _sealed_rows() -> Iterator[tuple[Any, ...]]:
    fields = ["id", "seq", "prev_digest", "chain", "digest", *CONTENT]
    qs = AuditEvent.objects.filter(seq__isnull=False).order_by("seq").values_list(*fields)
    yield from qs.iterator(chunk_size=2000)


class _Walk:
    """The verifier's state while it follows the chain from the first position."""

    def __init__(
        self, report: Report, anchor: Anchor | None, key: bytes, max_problems: int
    ) -> None:
        self.report, self.anchor, self.max_problems = report, anchor, max_problems
        self.key, self.prev, self.expected = key, GENESIS, 1
        self.anchor_seen = False
        if anchor is not None and anchor.seq == 0:  # taken from an empty chain: always there
            self.anchor_seen = True
            if (anchor.count, anchor.chain) != (0, GENESIS):
                self.problem(f"position 0 does not match the anchor {anchor}")

    def problem(self, text: str) -> None:
        if len(self.report.problems) < self.max_problems:
            self.report.problems.append(text)

    def step(self, row: tuple[Any, ...]) -> None:
        pk, seq, prev_digest, chain, digest, *content = row
        if seq != self.expected:
            self.problem(f"position {self.expected}: missing (the next sealed event is at {seq})")
            self.expected = seq
        if event_digest(**dict(zip(CONTENT, content, strict=True))) != digest:
            self.problem(f"position {seq} (event {pk}): its content was changed")
        if prev_digest != self.prev or link(self.prev, seq, pk, digest, key=self.key) != chain:
            self.problem(
                f"position {seq} (event {pk}): the link does not follow from the previous one "
                "under this installation's key"
            )
        self.prev = chain
        self.expected += 1
        self.report.sealed += 1
        if self.anchor is not None and seq == self.anchor.seq:
            self.anchor_seen = True
            if chain != self.anchor.chain or self.report.sealed != self.anchor.count:
                self.problem(f"position {seq} does not match the anchor {self.anchor}")

    def finish(self, head: AuditHead) -> None:
        report = self.report
        if report.sealed != head.seq or self.prev != head.chain:
            self.problem(
                f"the chain ends at position {self.expected - 1}, the head says {head.seq}: "
                "events at the end were removed or the head was changed"
            )
        if self.anchor is not None and not self.anchor_seen:
            self.problem(
                f"the anchor's position {self.anchor.seq} is not in the chain (it ends at "
                f"{self.expected - 1}): events at the end were removed and the head moved back"
            )


def verify(
    *, anchor: Anchor | None = None, key: bytes | None = None, max_problems: int = 20
) -> Report:
    """Walk the chain from the start: every event's content still gives its digest, every link
    follows from the one before under the key, positions have no gap, the head is the last
    link, and (given an ``anchor`` kept elsewhere) the anchored link is still there. ``key``
    defaults to the installation's (``chain_key``); another one checks a chain before a reseal.
    """
    head = AuditHead.objects.filter(pk=1).first() or AuditHead(seq=0, chain=GENESIS)
    report = Report(head_seq=head.seq, head_chain=head.chain)
    report.unsealed = AuditEvent.objects.filter(seq__isnull=True).count()
    walk = _Walk(report, anchor, key or chain_key(), max_problems)
    for row in _sealed_rows():
        walk.step(row)
    walk.finish(head)
    return report
