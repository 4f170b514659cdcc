"""Recall@5 over a seeded bilingual corpus: the right ticket is in the first five results."""

from __future__ import annotations

import io
from typing import Any

from django.core.management import call_command

from gongdan.search.selectors import search
from gongdan.tickets import services

from .corpus import QUERIES, TICKETS


def test_recall_at_5_is_at_least_90_percent(world: Any) -> None:
    numbers = {}
    for key, (title, description) in TICKETS.items():
        ticket = services.ticket_create(
            actor=world.agent,
            requester=world.customer_contact,
            ticket_type=world.incident,
            title=title,
            description=description,
        )
        numbers[ticket.number] = key
    call_command("search_rebuild", "--kind", "ticket", stdout=io.StringIO())
    assert len(QUERIES) >= 60

    recalls, misses = [], []
    for q, wanted in QUERIES:
        top = {
            numbers[h.number] for h in search(user=world.admin, q=q, kind="ticket", limit=5).hits
        }
        recall = len(top & wanted) / len(wanted)
        recalls.append(recall)
        if recall < 1:
            misses.append((q, sorted(wanted - top)))

    assert sum(recalls) / len(recalls) >= 0.9, misses
    assert len(misses) <= 3, misses
