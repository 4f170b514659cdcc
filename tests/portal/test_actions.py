"""Replying, confirming, reopening and cancelling from the portal."""

from django.urls import reverse

from gongdan.testing import World, upload
from gongdan.tickets import services
from gongdan.tickets.choices import Status
from gongdan.tickets.models import Comment, Ticket
from tests.portal.conftest import resolved_ticket


def test_reply_with_an_attachment(world: World) -> None:
    ticket = world.ticket()
    client = world.client_for(world.customer)

    response = client.post(
        reverse("portal:reply", args=[ticket.number]),
        {"body": "还是不行", "attachments": [upload("日志.txt", b"log")]},
    )

    assert response.status_code == 302
    assert response.url == reverse("portal:detail", args=[ticket.number])
    comment = Comment.objects.get(ticket=ticket)
    assert (comment.body, comment.is_internal, comment.author, comment.author_contact) == (
        "还是不行",
        False,
        world.customer,
        world.customer_contact,
    )
    assert list(comment.attachments.values_list("name", flat=True)) == ["日志.txt"]


def test_reply_to_a_pending_ticket_moves_it_back_into_work(world: World) -> None:
    ticket = world.ticket()
    ticket = services.ticket_transition(actor=world.agent, ticket=ticket, to=Status.IN_PROGRESS)
    ticket = services.ticket_transition(actor=world.agent, ticket=ticket, to=Status.PENDING)

    world.client_for(world.customer).post(
        reverse("portal:reply", args=[ticket.number]), {"body": "补充信息"}
    )

    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS


def test_empty_reply_shows_an_error_and_adds_nothing(world: World) -> None:
    ticket = world.ticket()

    response = world.client_for(world.customer).post(
        reverse("portal:reply", args=[ticket.number]), {"body": "   "}
    )

    assert response.status_code == 422
    assert response.context["reply_form"].errors == {"body": ["This field is required."]}
    assert Comment.objects.count() == 0


def test_reply_with_a_forbidden_file_adds_nothing(world: World) -> None:
    ticket = world.ticket()

    response = world.client_for(world.customer).post(
        reverse("portal:reply", args=[ticket.number]),
        {"body": "看附件", "attachments": [upload("x.exe", b"MZ")]},
    )

    assert response.status_code == 422
    assert list(response.context["reply_form"].errors) == ["attachments"]
    assert Comment.objects.count() == 0


def test_script_in_a_reply_is_stored_as_text_and_rendered_escaped(world: World) -> None:
    ticket = world.ticket()
    client = world.client_for(world.customer)

    client.post(
        reverse("portal:reply", args=[ticket.number]),
        {"body": '<script>alert("xss")</script><img src=x onerror=alert(1)>'},
    )
    html = client.get(reverse("portal:detail", args=[ticket.number])).content.decode()

    assert Comment.objects.get().body == '<script>alert("xss")</script><img src=x onerror=alert(1)>'
    assert (
        "&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"
        in html
    )
    assert '<script>alert("xss")' not in html
    assert "<img src=x" not in html


def test_confirm_closes_a_resolved_ticket(world: World) -> None:
    ticket = resolved_ticket(world)

    response = world.client_for(world.customer).post(
        reverse("portal:confirm", args=[ticket.number])
    )

    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED
    assert ticket.closed_at is not None


def test_confirm_of_an_unresolved_ticket_is_refused_and_changes_nothing(world: World) -> None:
    ticket = world.ticket()
    version = ticket.version

    response = world.client_for(world.customer).post(
        reverse("portal:confirm", args=[ticket.number])
    )

    assert response.status_code == 422
    assert [str(m) for m in response.context["messages"]] == [
        "A ticket cannot move from New to Closed."
    ]
    ticket.refresh_from_db()
    assert (ticket.status, ticket.version) == (Status.NEW, version)


def test_reopen_without_a_reason_shows_an_error_and_changes_nothing(world: World) -> None:
    ticket = resolved_ticket(world)
    version = ticket.version

    response = world.client_for(world.customer).post(
        reverse("portal:reopen", args=[ticket.number]), {"reason": "  "}
    )

    assert response.status_code == 422
    assert response.context["reopen_form"].errors == {"reason": ["Please say why."]}
    assert 'id="reopen-box" class="collapse mt-3 show"' in response.content.decode()
    ticket.refresh_from_db()
    assert (ticket.status, ticket.version) == (Status.RESOLVED, version)
    assert Comment.objects.count() == 0


def test_reopen_with_a_reason(world: World) -> None:
    ticket = resolved_ticket(world)

    response = world.client_for(world.customer).post(
        reverse("portal:reopen", args=[ticket.number]), {"reason": "打印还是失败"}
    )

    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Status.REOPENED
    assert list(Comment.objects.values_list("body", "is_internal")) == [("打印还是失败", False)]


def test_cancel_with_a_reason(world: World) -> None:
    ticket = world.ticket()

    response = world.client_for(world.customer).post(
        reverse("portal:cancel", args=[ticket.number]), {"reason": "自己修好了"}
    )

    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Status.CANCELLED
    assert list(Comment.objects.values_list("body", flat=True)) == ["自己修好了"]


def test_cancel_without_a_reason_changes_nothing(world: World) -> None:
    ticket = world.ticket()

    response = world.client_for(world.customer).post(
        reverse("portal:cancel", args=[ticket.number]), {"reason": ""}
    )

    assert response.status_code == 422
    assert response.context["cancel_form"].errors == {"reason": ["Please say why."]}
    assert Ticket.objects.get().status == Status.NEW


def test_org_admin_may_confirm_a_colleagues_ticket(world: World) -> None:
    ticket = resolved_ticket(world)

    response = world.client_for(world.org_admin).post(
        reverse("portal:confirm", args=[ticket.number])
    )

    assert response.status_code == 302
    assert Ticket.objects.get().status == Status.CLOSED


def test_detail_offers_only_the_moves_the_status_allows(world: World) -> None:
    open_ticket = world.ticket()
    resolved = resolved_ticket(world)
    client = world.client_for(world.customer)

    open_html = client.get(reverse("portal:detail", args=[open_ticket.number])).content.decode()
    resolved_html = client.get(reverse("portal:detail", args=[resolved.number])).content.decode()

    assert reverse("portal:cancel", args=[open_ticket.number]) in open_html
    assert reverse("portal:confirm", args=[open_ticket.number]) not in open_html
    assert reverse("portal:confirm", args=[resolved.number]) in resolved_html
    assert reverse("portal:reopen", args=[resolved.number]) in resolved_html
    assert reverse("portal:cancel", args=[resolved.number]) not in resolved_html
