"""The index follows the data through the outbox; rebuild and check repair and report it."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from gongdan.accounts.services import user_profile_update
from gongdan.core.models import OutboxEvent
from gongdan.customers.models import Organization
from gongdan.customers.services import organization_create
from gongdan.jobs.models import OutboxDelivery
from gongdan.jobs.outbox import dispatch_outbox
from gongdan.search import services as search_services
from gongdan.search.models import SearchDocument, SearchTerm
from gongdan.search.selectors import search
from gongdan.tickets import services
from gongdan.tickets.models import Ticket


def _doc(kind: str, obj_id: int) -> SearchDocument:
    return SearchDocument.objects.get(kind=kind, obj_id=obj_id)


def _check() -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("search_check", stdout=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue()
    return 0, out.getvalue()


def test_nothing_is_indexed_before_the_commit(world: Any) -> None:
    ticket = world.ticket(title="扫描仪无法使用")  # commit hooks are not run here

    assert not SearchDocument.objects.filter(kind="ticket", obj_id=ticket.pk).exists()


def test_creating_and_commenting_update_the_ticket_document(
    world: Any, live: Callable[[], Any]
) -> None:
    with live():
        ticket = world.ticket(title="扫描仪无法使用", description="扫描仪卡住")
    with live():
        services.comment_create(actor=world.customer, ticket=ticket, body="换了数据线也不行")
    with live():
        services.comment_create(
            actor=world.agent, ticket=ticket, body="驱动版本太旧", is_internal=True
        )

    doc = _doc("ticket", ticket.pk)
    assert doc.title == f"{ticket.number} 扫描仪无法使用"
    assert doc.body == "扫描仪卡住\n换了数据线也不行" and doc.internal == "驱动版本太旧"
    assert "数据线" in doc.body_tokens.split() and "驱动" in doc.internal_tokens.split()


def test_edits_and_merges_are_followed(world: Any, live: Callable[[], Any]) -> None:
    with live():
        ticket = world.ticket(title="旧标题")
    with live():
        services.ticket_update(actor=world.agent, ticket=ticket, title="新标题 键盘进水")

    assert [h.obj_id for h in search(user=world.agent, q="键盘进水").hits] == [ticket.pk]
    assert search(user=world.agent, q="旧标题").hits == []


def test_each_event_is_indexed_once(world: Any, live: Callable[[], Any]) -> None:
    with live():
        ticket = world.ticket(title="一次")
    with live():
        services.comment_create(actor=world.customer, ticket=ticket, body="两次")

    deliveries = OutboxDelivery.objects.filter(subscriber="search.ticket")
    assert deliveries.count() == 2


def test_a_failing_index_write_is_retried_later(
    world: Any, live: Callable[[], Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**kwargs: Any) -> int:
        raise RuntimeError("index unavailable")

    monkeypatch.setattr("gongdan.search.subscribers.index_tickets", broken)
    with live():
        ticket = world.ticket(title="重试索引")
    assert not SearchDocument.objects.filter(kind="ticket", obj_id=ticket.pk).exists()

    monkeypatch.setattr("gongdan.search.subscribers.index_tickets", search_services.index_tickets)
    OutboxEvent.objects.filter(processed_at=None).update(available_at=timezone.now())
    dispatch_outbox()

    assert _doc("ticket", ticket.pk).title.endswith("重试索引")


def test_people_and_organizations_follow_their_services(
    world: Any, live: Callable[[], Any]
) -> None:
    with live():
        org = organization_create(actor=world.admin, code="yinhe", name="银河科技")
    with live():
        user_profile_update(user=world.agent, display_name="李四")

    assert _doc("organization", org.pk).title == "银河科技"
    assert [h.obj_id for h in search(user=world.admin, q="ls", kind="user").hits] == [
        world.agent.pk
    ]


def test_check_reports_missing_stale_and_orphaned_then_rebuild_repairs(
    world: Any, live: Callable[[], Any]
) -> None:
    with live():
        indexed = world.ticket(title="已索引")
    missing = world.ticket(title="未索引")  # not committed through the outbox
    Ticket.objects.filter(pk=indexed.pk).update(title="改过的标题")  # a write behind our back
    org = Organization.objects.create(code="gone", name="已删除")
    SearchDocument.objects.create(kind="organization", obj_id=org.pk + 1000, digest="x")

    code, out = _check()

    assert code == 1
    assert "ticket: 2 objects, 1 missing, 1 stale, 0 orphaned" in out
    assert f"  missing: {missing.pk}" in out and f"  stale: {indexed.pk}" in out
    assert f"  orphaned: {org.pk + 1000}" in out

    call_command("search_rebuild", stdout=io.StringIO())

    code, out = _check()
    assert code == 0 and "search index consistent" in out
    assert [h.obj_id for h in search(user=world.admin, q="改过的标题").hits] == [indexed.pk]


def test_a_dictionary_change_makes_documents_stale_until_rebuilt(
    world: Any, live: Callable[[], Any]
) -> None:
    with live():
        world.ticket(title="用友畅捷通报错")
    call_command("search_rebuild", stdout=io.StringIO())
    assert _check()[0] == 0

    SearchTerm.objects.create(word="畅捷通")

    assert _check()[0] == 1
    call_command("search_rebuild", "--batch", "1", stdout=io.StringIO())
    assert _check()[0] == 0


def test_rebuild_skips_unchanged_documents(world: Any, live: Callable[[], Any]) -> None:
    with live():
        world.ticket(title="无变化")
    call_command("search_rebuild", stdout=io.StringIO())
    out = io.StringIO()

    call_command("search_rebuild", "--kind", "ticket", stdout=out)

    assert "ticket: 1 objects, 0 documents written" in out.getvalue()


def test_a_merge_moves_the_text_to_the_surviving_ticket(
    world: Any, live: Callable[[], Any]
) -> None:
    with live():
        source = world.ticket(title="重复的工单")
    with live():
        target = world.ticket(title="原来的工单")
    with live():
        services.comment_create(actor=world.customer, ticket=source, body="硒鼓漏粉")
    with live():
        services.ticket_merge(actor=world.agent, source=source, target=target)

    assert _doc("ticket", target.pk).body == "硒鼓漏粉"
    assert [h.obj_id for h in search(user=world.customer, q="硒鼓漏粉").hits] == [target.pk]


def test_workspace_edits_of_contacts_and_organizations_reach_the_index(
    world: Any, live: Callable[[], Any]
) -> None:
    contact = world.customer_contact
    client = world.client_for(world.admin)
    search_services.search_rebuild()
    contact_form = {
        "name": "钱七",
        "email": contact.email,
        "mobile": "",
        "organization": world.acme.pk,
    }
    organization_form = {"name": "新艾克米", "is_active": "on"}

    with live():
        contact_response = client.post(f"/desk/customers/contacts/{contact.pk}/", contact_form)
    with live():
        org_response = client.post(
            f"/desk/customers/organizations/{world.acme.pk}/", organization_form
        )

    assert (contact_response.status_code, org_response.status_code) == (302, 302)
    assert _doc("organization", world.acme.pk).title == "新艾克米"
    assert _doc("contact", contact.pk).title == "钱七"
    assert "新艾克米" in _doc("contact", contact.pk).body
    hits = search(user=world.agent, q="qianqi", kind="contact").hits
    assert [h.obj_id for h in hits] == [contact.pk]
