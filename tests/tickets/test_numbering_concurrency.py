from __future__ import annotations

import threading

import pytest
from django.db import connection

from gongdan.testing import World
from gongdan.tickets import services
from gongdan.tickets.models import Ticket

THREADS = 50


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_creations_get_fifty_distinct_gapless_numbers(world: World) -> None:
    requester = world.customer_contact
    start = threading.Barrier(THREADS)
    numbers: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def create(index: int) -> None:
        try:
            start.wait(timeout=30)
            ticket = services.ticket_create(
                actor=world.agent,
                title=f"并发 {index}",
                requester=requester,
                ticket_type=world.incident,
            )
            with lock:
                numbers.append(ticket.number)
        except BaseException as exc:
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=create, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert len(set(numbers)) == THREADS
    prefix = numbers[0].rsplit("-", 1)[0]
    assert sorted(int(n.rsplit("-", 1)[1]) for n in numbers) == list(range(1, THREADS + 1))
    assert all(n.startswith(prefix) for n in numbers)
    assert Ticket.objects.count() == THREADS
