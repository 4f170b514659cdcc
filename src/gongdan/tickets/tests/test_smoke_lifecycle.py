from gongdan.core.testing import World, upload
from gongdan.tickets import selectors, services
from gongdan.tickets.choices import Status


def test_customer_ticket_lifecycle_records_every_step(world: World) -> None:
    ticket = world.ticket(attachments=[upload()])
    assert ticket.number.startswith("GD-")
    assert ticket.team == world.it_team
    ticket = services.ticket_assign(actor=world.agent, ticket=ticket, assignee=world.agent)
    services.comment_create(actor=world.agent, ticket=ticket, body="内部备注", is_internal=True)
    services.comment_create(actor=world.agent, ticket=ticket, body="已重启打印机")
    ticket = services.ticket_transition(actor=world.agent, ticket=ticket, to=Status.RESOLVED)
    ticket = services.ticket_transition(actor=world.customer, ticket=ticket, to=Status.CLOSED)
    assert ticket.status == Status.CLOSED
    customer_view = [c.body for c in selectors.comment_list(user=world.customer, ticket=ticket)]
    assert customer_view == ["已重启打印机"]
