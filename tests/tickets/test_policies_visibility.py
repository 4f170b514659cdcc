"""Who sees which tickets, and what of them."""

from gongdan.testing import World
from gongdan.tickets import selectors, services
from gongdan.tickets.selectors import TicketFilters, View


def _numbers(world: World, user) -> set[str]:  # type: ignore[no-untyped-def]
    return set(selectors.ticket_list(user=user).values_list("number", flat=True))


def test_visibility_by_persona(world: World) -> None:
    mine = world.ticket(by=world.customer)
    colleague = world.ticket(by=world.org_admin)
    foreign = world.ticket(by=world.other_customer)
    field = world.ticket(by=world.customer, ticket_type=world.repair)

    assert _numbers(world, world.customer) == {mine.number, field.number}
    assert _numbers(world, world.org_admin) == {mine.number, colleague.number, field.number}
    assert _numbers(world, world.other_customer) == {foreign.number}
    assert _numbers(world, world.agent) == {mine.number, colleague.number, foreign.number}
    assert _numbers(world, world.other_agent) == {field.number}
    assert len(_numbers(world, world.supervisor)) == 4


def test_internal_notes_never_reach_customers(world: World) -> None:
    ticket = world.ticket()
    services.comment_create(actor=world.agent, ticket=ticket, body="客户很急", is_internal=True)
    services.comment_create(actor=world.agent, ticket=ticket, body="正在处理")

    customer_bodies = [c.body for c in selectors.comment_list(user=world.customer, ticket=ticket)]
    customer_kinds = [e.kind for e in selectors.timeline_list(user=world.customer, ticket=ticket)]

    assert customer_bodies == ["正在处理"]
    assert "comment.note" not in customer_kinds


def test_views_and_counts(world: World) -> None:
    unassigned = world.ticket()
    taken = world.ticket()
    services.ticket_assign(actor=world.agent, ticket=taken, assignee=world.agent)

    counts = selectors.view_counts(user=world.agent)
    mine = selectors.ticket_list(user=world.agent, filters=TicketFilters(view=View.MINE))

    assert counts == {
        "mine": 1,
        "unassigned": 1,
        "open": 2,
        "due": 0,
        "breached": 0,
        "pending": 0,
        "resolved": 0,
    }
    assert [t.number for t in mine] == [taken.number]
    assert unassigned.number != taken.number


def _ids_from_sql(user, at_most: int = 100):  # type: ignore[no-untyped-def]
    from django.db import connection

    from gongdan.tickets import policies

    found = policies.customer_ticket_ids_sql(user, at_most=at_most)
    if found is None:
        return None
    with connection.cursor() as cursor:
        cursor.execute(*found)
        return {row[0] for row in cursor.fetchall()}


def test_a_customers_ticket_ids_read_by_index_are_the_rows_they_may_see(world: World) -> None:
    """``customer_ticket_ids_sql`` (the search's starting set) is ``ticket_visibility`` read as
    index lookups: requester, watcher, organization for an organization admin."""
    from gongdan.accounts.models import User
    from gongdan.tickets.models import Ticket

    world.ticket(by=world.customer)
    world.ticket(by=world.org_admin)
    watched = world.ticket(by=world.other_customer)
    world.ticket(by=world.other_customer)
    services.watcher_add(actor=world.agent, ticket=watched, contact=world.customer_contact)
    loose = User.objects.create_user(username="no_contact", password="x", role="customer")

    for user in (world.customer, world.org_admin, world.other_customer, loose):
        visible = set(selectors.ticket_list(user=user).values_list("pk", flat=True))
        assert _ids_from_sql(user) == visible, user.username
    assert watched.pk in _ids_from_sql(world.customer)
    assert _ids_from_sql(loose) == set()
    world.customer.is_active = False  # a deactivated login sees nothing, as in the lists
    assert _ids_from_sql(world.customer) == set()
    # Staff see whole teams: no list for them. Each part stops after at_most + 1 rows.
    assert _ids_from_sql(world.agent) is None and _ids_from_sql(world.admin) is None
    assert Ticket.objects.filter(organization=world.acme).count() == 2
    assert len(_ids_from_sql(world.org_admin, at_most=1)) > 1  # enough to tell "too many"
