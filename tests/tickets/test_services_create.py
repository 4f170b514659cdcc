"""Creating tickets: numbers, defaults, validation, and nothing half-written on bad input."""

from datetime import UTC, datetime

import pytest

from gongdan.core.errors import DomainError
from gongdan.testing import World, upload
from gongdan.tickets.choices import Channel, Status
from gongdan.tickets.models import Attachment, Ticket


def test_numbers_follow_the_local_day_and_count_up(world: World) -> None:
    # 2026-11-22 17:00 UTC is already 2026-11-23 in Asia/Shanghai.
    at = datetime(2026, 11, 22, 17, 0, tzinfo=UTC)

    first = world.ticket(created_at=at)
    second = world.ticket(created_at=at)

    assert (first.number, second.number) == ("GD-20261123-0001", "GD-20261123-0002")


def test_customer_ticket_goes_to_the_type_default_team_via_the_portal(world: World) -> None:
    ticket = world.ticket(by=world.customer)

    assert (ticket.team, ticket.channel, ticket.status) == (
        world.it_team,
        Channel.PORTAL,
        Status.NEW,
    )
    assert ticket.requester == world.customer_contact
    assert ticket.organization == world.acme


def test_staff_creates_on_behalf_of_a_caller_and_assigns(world: World) -> None:
    ticket = world.ticket(by=world.agent, channel=Channel.PHONE, assignee=world.agent)

    assert (ticket.status, ticket.assignee, ticket.channel) == (
        Status.ASSIGNED,
        world.agent,
        Channel.PHONE,
    )


def test_a_ten_thousand_character_title_is_refused_and_nothing_is_written(world: World) -> None:
    with pytest.raises(DomainError) as error:
        world.ticket(title="长" * 10_000)

    assert error.value.fields == {
        "title": "Ensure this value has at most 200 characters (it has 10000)."
    }
    assert Ticket.objects.count() == 0


def test_forbidden_attachment_type_rolls_back_the_whole_ticket(world: World) -> None:
    with pytest.raises(DomainError) as error:
        world.ticket(attachments=[upload("run.exe", b"MZ")])

    assert error.value.code == "attachment.forbidden_type"
    assert Ticket.objects.count() == 0
    assert Attachment.objects.count() == 0


def test_oversize_attachment_is_refused_with_413(world: World, settings) -> None:
    settings.GONGDAN_ATTACHMENT_MAX_BYTES = 10

    with pytest.raises(DomainError) as error:
        world.ticket(attachments=[upload("big.txt", b"x" * 11)])

    assert (error.value.code, error.value.status) == ("attachment.too_large", 413)
    assert Ticket.objects.count() == 0


def test_attachment_names_are_sanitised(world: World) -> None:
    ticket = world.ticket(attachments=[upload("../../etc/故障 截图<1>.png", b"\x89PNG")])

    attachment = ticket.attachments.get()
    assert attachment.name == "故障_截图1.png"
    assert attachment.content_type == "image/png"
    assert ".." not in attachment.file.name


def test_html_is_stored_verbatim_as_text(world: World) -> None:
    ticket = world.ticket(title="<script>alert(1)</script>", description="<b>粗体</b>")

    ticket.refresh_from_db()
    assert (ticket.title, ticket.description) == ("<script>alert(1)</script>", "<b>粗体</b>")


def test_customer_cannot_set_an_assignee(world: World) -> None:
    with pytest.raises(DomainError) as error:
        world.ticket(by=world.customer, assignee=world.agent)

    assert error.value.code == "permission.staff_only"
    assert Ticket.objects.count() == 0


def test_agent_of_another_team_cannot_be_assignee(world: World) -> None:
    with pytest.raises(DomainError) as error:
        world.ticket(by=world.agent, assignee=world.other_agent)

    assert error.value.code == "ticket.invalid_assignee"
