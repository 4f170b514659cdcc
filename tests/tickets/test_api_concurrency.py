"""Concurrency proofs on PostgreSQL: real threads, real transactions (skipped on SQLite)."""

from __future__ import annotations

import pytest

from gongdan.testing import Api, World, run_together
from gongdan.tickets.models import Ticket

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def tx_world(world: World) -> World:
    return world


def test_50_concurrent_creations_get_50_distinct_numbers_without_gaps(tx_world: World) -> None:
    api = Api(tx_world)
    token = api.token(tx_world.customer)

    def create(i: int) -> int:
        from django.test import Client

        response = Client().post(
            "/api/v1/tickets",
            data={"title": f"并发 {i}"},
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}"},
        )
        return response.status_code

    statuses = run_together(50, create)

    numbers = sorted(Ticket.objects.values_list("number", flat=True))
    sequence = sorted(int(n.rsplit("-", 1)[1]) for n in numbers)
    assert statuses == [201] * 50
    assert len(set(numbers)) == 50
    assert sequence == list(range(1, 51))


def test_two_concurrent_patches_with_one_version_give_200_and_409(tx_world: World) -> None:
    api = Api(tx_world)
    ticket = tx_world.ticket()
    tokens = [api.token(tx_world.agent), api.token(tx_world.supervisor)]

    def patch(i: int) -> int:
        from django.test import Client

        response = Client().patch(
            f"/api/v1/tickets/{ticket.number}",
            data={"title": f"版本 {i}"},
            content_type="application/json",
            headers={"Authorization": f"Bearer {tokens[i]}", "If-Match": '"1"'},
        )
        return response.status_code

    statuses = run_together(2, patch)

    ticket.refresh_from_db()
    assert sorted(statuses) == [200, 409]
    assert ticket.version == 2
    assert ticket.title == f"版本 {statuses.index(200)}"
