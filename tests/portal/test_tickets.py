"""Submitting tickets, listing them and reading one, as a signed-in customer."""

import pytest
from django.urls import reverse

from gongdan.testing import World, upload
from gongdan.tickets import services
from gongdan.tickets.choices import Channel, Status
from gongdan.tickets.models import Attachment, Ticket, TicketSequence


def test_submit_a_ticket_with_an_attachment(world: World) -> None:
    client = world.client_for(world.customer)

    response = client.post(
        reverse("portal:new"),
        {
            "ticket_type": world.incident.pk,
            "category": world.printer.pk,
            "title": "三楼打印机卡纸",
            "description": "每次打印第二页都卡纸",
            "attachments": [upload("照片.png", b"\x89PNG fake")],
        },
    )

    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("portal:detail", args=[ticket.number])
    assert (ticket.title, ticket.description, ticket.ticket_type, ticket.category) == (
        "三楼打印机卡纸",
        "每次打印第二页都卡纸",
        world.incident,
        world.printer,
    )
    assert (ticket.requester, ticket.organization, ticket.channel, ticket.team) == (
        world.customer_contact,
        world.acme,
        Channel.PORTAL,
        world.it_team,
    )
    assert list(ticket.attachments.values_list("name", "is_internal")) == [("照片.png", False)]


def test_submit_without_title_shows_an_error_and_creates_nothing(world: World) -> None:
    client = world.client_for(world.customer)

    response = client.post(reverse("portal:new"), {"ticket_type": world.incident.pk, "title": ""})

    assert response.status_code == 422
    assert response.context["form"].errors == {"title": ["This field is required."]}
    assert Ticket.objects.count() == 0


def test_submit_with_an_oversize_file_shows_an_error_and_creates_nothing(
    world: World, settings
) -> None:
    settings.GONGDAN_ATTACHMENT_MAX_BYTES = 1024 * 1024
    client = world.client_for(world.customer)

    response = client.post(
        reverse("portal:new"),
        {
            "ticket_type": world.incident.pk,
            "title": "大文件",
            "attachments": [
                upload("ok.pdf", b"%PDF small"),
                upload("big.pdf", b"x" * (1024 * 1024 + 1)),
            ],
        },
    )

    assert response.status_code == 422
    assert response.context["form"].errors == {"attachments": ["File too large."]}
    assert (Ticket.objects.count(), Attachment.objects.count(), TicketSequence.objects.count()) == (
        0,
        0,
        0,
    )


def test_submit_with_a_forbidden_file_type_shows_an_error_and_creates_nothing(
    world: World,
) -> None:
    client = world.client_for(world.customer)

    response = client.post(
        reverse("portal:new"),
        {
            "ticket_type": world.incident.pk,
            "title": "病毒",
            "attachments": [upload("setup.exe", b"MZ")],
        },
    )

    assert response.status_code == 422
    [message] = response.context["form"].errors["attachments"]
    assert message.startswith("Files of type “.exe” are not accepted.")
    assert (Ticket.objects.count(), Attachment.objects.count()) == (0, 0)


def test_submit_with_an_unknown_type_shows_an_error(world: World) -> None:
    client = world.client_for(world.customer)

    response = client.post(reverse("portal:new"), {"ticket_type": "999999", "title": "x"})

    assert response.status_code == 422
    assert list(response.context["form"].errors) == ["ticket_type"]
    assert Ticket.objects.count() == 0


def test_html_in_the_title_and_description_is_stored_as_text_and_escaped(world: World) -> None:
    client = world.client_for(world.customer)
    client.post(
        reverse("portal:new"),
        {
            "ticket_type": world.incident.pk,
            "title": "<b>bold</b>",
            "description": "<script>alert('x')</script>",
        },
    )
    ticket = Ticket.objects.get()

    html = client.get(reverse("portal:detail", args=[ticket.number])).content.decode()

    assert (ticket.title, ticket.description) == ("<b>bold</b>", "<script>alert('x')</script>")
    assert "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "<script>alert" not in html


def test_my_tickets_lists_only_mine(world: World) -> None:
    mine = world.ticket(title="我的工单")
    world.ticket(by=world.org_admin, title="同事的工单")
    world.ticket(by=world.other_customer, title="别人的工单")

    response = world.client_for(world.customer).get(reverse("portal:tickets"))

    assert response.status_code == 200
    assert [t.number for t in response.context["page"].items] == [mine.number]
    html = response.content.decode()
    assert "我的工单" in html
    assert "同事的工单" not in html
    assert "别人的工单" not in html


def test_org_admin_sees_own_tickets_by_default_and_the_organization_on_request(
    world: World,
) -> None:
    colleague = world.ticket(title="同事的工单")
    own = world.ticket(by=world.org_admin, title="管理员的工单")
    world.ticket(by=world.other_customer, title="别人的工单")
    client = world.client_for(world.org_admin)

    mine = client.get(reverse("portal:tickets"))
    org = client.get(reverse("portal:tickets") + "?scope=org")

    assert [t.number for t in mine.context["page"].items] == [own.number]
    assert [t.number for t in org.context["page"].items] == [own.number, colleague.number]
    assert org.context["scope"] == "org"
    assert "别人的工单" not in org.content.decode()


def test_a_plain_customer_cannot_switch_to_the_organization(world: World) -> None:
    world.ticket(by=world.org_admin, title="管理员的工单")

    response = world.client_for(world.customer).get(reverse("portal:tickets") + "?scope=org")

    assert response.context["scope"] == "mine"
    assert list(response.context["page"].items) == []


def test_my_tickets_pages_by_keyset(world: World, monkeypatch) -> None:
    monkeypatch.setattr("gongdan.portal.views.tickets.PAGE_SIZE", 2)
    numbers = [world.ticket(title=f"t{i}").number for i in range(3)]
    client = world.client_for(world.customer)

    first = client.get(reverse("portal:tickets"))
    second = client.get(reverse("portal:tickets"), {"cursor": first.context["page"].next_cursor})

    assert [t.number for t in first.context["page"].items] == [numbers[2], numbers[1]]
    assert [t.number for t in second.context["page"].items] == [numbers[0]]
    assert second.context["page"].next_cursor is None


def test_a_mangled_cursor_shows_the_first_page(world: World) -> None:
    ticket = world.ticket()

    response = world.client_for(world.customer).get(
        reverse("portal:tickets"), {"cursor": "!!not-a-cursor"}
    )

    assert response.status_code == 200
    assert [t.number for t in response.context["page"].items] == [ticket.number]


def test_htmx_paging_gets_only_the_list_fragment(world: World) -> None:
    world.ticket(title="碎片")

    response = world.client_for(world.customer).get(
        reverse("portal:tickets"), HTTP_HX_REQUEST="true"
    )

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="ticket-list">')
    assert "碎片" in html
    assert '<nav class="navbar' not in html


def test_detail_shows_public_replies_but_never_internal_notes(world: World) -> None:
    ticket = world.ticket()
    services.comment_create(actor=world.agent, ticket=ticket, body="请重启打印机")
    services.comment_create(
        actor=world.agent, ticket=ticket, body="内部：客户是VIP", is_internal=True
    )
    services.attachment_add(
        actor=world.agent, ticket=ticket, upload=upload("内部报告.pdf"), is_internal=True
    )
    services.ticket_update(actor=world.agent, ticket=ticket, tags=["机密标签"])

    response = world.client_for(world.customer).get(reverse("portal:detail", args=[ticket.number]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "请重启打印机" in html
    assert "内部：客户是VIP" not in html
    assert "内部报告.pdf" not in html
    assert "机密标签" not in html
    assert "internal note" not in html


def test_detail_links_public_attachments_to_the_download_view(world: World) -> None:
    ticket = world.ticket(attachments=[upload("报告.pdf")])
    attachment = Attachment.objects.get()

    html = (
        world.client_for(world.customer)
        .get(reverse("portal:detail", args=[ticket.number]))
        .content.decode()
    )

    assert f'href="{reverse("tickets:attachment_download", args=[attachment.pk])}"' in html


def test_org_admin_can_open_a_colleagues_ticket(world: World) -> None:
    ticket = world.ticket(title="同事的工单")

    response = world.client_for(world.org_admin).get(reverse("portal:detail", args=[ticket.number]))

    assert response.status_code == 200


@pytest.mark.parametrize("comments", [5, 30])
def test_detail_page_query_count_does_not_grow_with_comments(
    world: World, comments: int, django_assert_num_queries
) -> None:
    ticket = world.ticket(attachments=[upload("a.pdf")])
    for i in range(comments):
        author = world.agent if i % 2 else world.customer
        services.comment_create(
            actor=author,
            ticket=ticket,
            body=f"reply {i}",
            attachments=[upload(f"f{i}.txt", b"x")] if i % 3 == 0 else [],
        )
        services.comment_create(
            actor=world.agent, ticket=ticket, body=f"note {i}", is_internal=True
        )
    client = world.client_for(world.customer)
    url = reverse("portal:detail", args=[ticket.number])

    with django_assert_num_queries(7):  # + the last 催办
        response = client.get(url)

    assert response.status_code == 200
    assert response.content.decode().count("gd-timeline-reply") == comments


def test_list_page_query_count_is_constant(world: World, django_assert_num_queries) -> None:
    for i in range(12):
        world.ticket(title=f"t{i}")
    client = world.client_for(world.customer)

    with django_assert_num_queries(8):
        response = client.get(reverse("portal:tickets"))

    assert len(response.context["page"].items) == 12


def test_closed_tickets_offer_no_reply_form(world: World) -> None:
    ticket = world.ticket()
    services.ticket_transition(
        actor=world.customer, ticket=ticket, to=Status.CANCELLED, comment="不需要了"
    )

    html = (
        world.client_for(world.customer)
        .get(reverse("portal:detail", args=[ticket.number]))
        .content.decode()
    )

    assert reverse("portal:reply", args=[ticket.number]) not in html
    assert "This ticket is closed." in html


def test_htmx_history_restore_gets_the_whole_page(world: World) -> None:
    response = world.client_for(world.customer).get(
        reverse("portal:tickets"), HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )

    assert '<nav class="navbar' in response.content.decode()
    assert response["Vary"] == "HX-Request, Cookie, Accept-Language"
