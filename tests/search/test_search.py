"""What a search finds: AND semantics, phrases, filters, jumps, people by pinyin, ranking."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gongdan.core.errors import Forbidden, ValidationFailed
from gongdan.customers.services import contact_create
from gongdan.search.models import SearchDocument
from gongdan.search.selectors import SearchFilters, search
from gongdan.search.services import index_objects
from gongdan.tickets import services
from gongdan.tickets.models import Ticket


def _numbers(result: Any) -> list[str]:
    return [h.number for h in result.hits if h.kind == "ticket"]


@pytest.fixture
def tickets(world: Any, live: Callable[[], Any]) -> dict[str, Ticket]:
    made = {}
    specs = {
        "vpn": ("VPN 连不上", "在家办公时 VPN 客户端一直连不上公司网络"),
        "printer": ("打印机卡纸", "三楼的打印机卡纸了，打印不出来"),
        "password": ("忘记邮箱密码", "请帮我重置邮箱密码"),
        "network": ("会议室网络中断", "会议室的网络经常断开"),
        "english": ("Outlook crashes on start", "Outlook shows an error and closes"),
    }
    for key, (title, description) in specs.items():
        with live():
            made[key] = world.ticket(title=title, description=description)
    return made


def test_every_word_must_match(world: Any, tickets: dict[str, Ticket]) -> None:
    assert _numbers(search(user=world.admin, q="VPN 连不上", kind="ticket")) == [
        tickets["vpn"].number
    ]
    assert _numbers(search(user=world.admin, q="VPN 打印机", kind="ticket")) == []


@pytest.mark.parametrize(
    ("q", "key"),
    [("打印", "printer"), ("密码", "password"), ("网络", "network"), ("outlook", "english")],
)
def test_two_character_words_find_longer_text(
    world: Any, tickets: dict[str, Ticket], q: str, key: str
) -> None:
    found = _numbers(search(user=world.admin, q=q, kind="ticket"))

    assert found[0] == tickets[key].number


def test_a_phrase_needs_its_words_in_a_row(world: Any, tickets: dict[str, Ticket]) -> None:
    assert _numbers(search(user=world.admin, q='"打印机卡纸"', kind="ticket")) == [
        tickets["printer"].number
    ]
    assert _numbers(search(user=world.admin, q='"卡纸打印机"', kind="ticket")) == []


def test_words_in_a_public_reply_are_found(
    world: Any, tickets: dict[str, Ticket], live: Callable[[], Any]
) -> None:
    with live():
        services.comment_create(actor=world.agent, ticket=tickets["vpn"], body="请升级客户端到 6.2")

    assert _numbers(search(user=world.customer, q="升级客户端")) == [tickets["vpn"].number]


def test_filters_narrow_tickets(
    world: Any, tickets: dict[str, Ticket], live: Callable[[], Any]
) -> None:
    with live():
        repair = world.ticket(title="打印机维修", ticket_type=world.repair)
    done = services.ticket_transition(
        actor=world.admin, ticket=tickets["printer"], to="cancelled", comment="重复"
    )
    assert done.status == "cancelled"

    by_type = search(
        user=world.admin, q="打印机", filters=SearchFilters(ticket_type=world.repair.pk)
    )
    by_team = search(user=world.admin, q="打印机", filters=SearchFilters(team=world.it_team.pk))
    by_status = search(user=world.admin, q="打印机", filters=SearchFilters(status=["cancelled"]))
    by_org = search(
        user=world.admin, q="打印机", filters=SearchFilters(organization=world.globex.pk)
    )
    tomorrow = timezone.localdate() + timedelta(days=1)
    by_date = search(user=world.admin, q="打印机", filters=SearchFilters(created_from=tomorrow))

    assert _numbers(by_type) == [repair.number]
    assert _numbers(by_team) == [tickets["printer"].number]
    assert _numbers(by_status) == [tickets["printer"].number]
    assert _numbers(by_org) == []
    assert _numbers(by_date) == []


def test_an_exact_ticket_number_jumps_to_the_ticket(world: Any, tickets: dict[str, Ticket]) -> None:
    number = tickets["vpn"].number

    staff = search(user=world.agent, q=number.lower())
    customer = search(user=world.customer, q=number)
    outsider = search(user=world.other_customer, q=number)

    assert staff.jump is not None and staff.jump.url == f"/desk/tickets/{number}/"
    assert customer.jump is not None and customer.jump.url == f"/portal/tickets/{number}/"
    assert outsider.jump is None and outsider.hits == []


def test_an_email_or_phone_jumps_to_the_person_for_staff(
    world: Any, live: Callable[[], Any]
) -> None:
    with live():
        caller = contact_create(actor=world.agent, name="王五", mobile="13800138000")

    by_email = search(user=world.agent, q="CUSTOMER@customer.test")
    by_phone = search(user=world.agent, q="138 0013 8000")
    for_customer = search(user=world.customer, q="customer@customer.test")

    assert by_email.jump is not None and by_email.jump.kind == "contact"
    assert by_email.jump.obj_id == world.customer_contact.pk
    assert by_phone.jump is not None and (by_phone.jump.kind, by_phone.jump.obj_id) == (
        "contact",
        caller.pk,
    )
    assert by_phone.jump.url == f"/desk/tickets/?view=all&requester={caller.pk}"
    assert for_customer.jump is None


@pytest.mark.parametrize("q", ["张三", "zhangsan", "zs", "zhang"])
def test_people_are_found_by_name_pinyin_and_initials(
    world: Any, live: Callable[[], Any], q: str
) -> None:
    with live():
        person = contact_create(
            actor=world.agent, name="张三", email="zs@acme.test", organization=world.acme
        )

    hits = search(user=world.agent, q=q, kind="contact").hits

    assert [(h.kind, h.obj_id) for h in hits] == [("contact", person.pk)]


def test_organizations_are_found_by_pinyin_initials(world: Any) -> None:
    index_objects(kind="organization", ids=[world.acme.pk, world.globex.pk])

    hits = search(user=world.agent, q="akm", kind="organization").hits

    assert [h.obj_id for h in hits] == [world.acme.pk]


def test_everything_mixes_tickets_and_people_for_staff(
    world: Any, live: Callable[[], Any], tickets: dict[str, Ticket]
) -> None:
    with live():
        contact_create(actor=world.agent, name="网络 管理员", email="net@acme.test")

    kinds = {h.kind for h in search(user=world.admin, q="网络").hits}

    assert kinds == {"ticket", "contact"}


def test_recent_changes_rank_higher_among_equal_matches(
    world: Any, live: Callable[[], Any]
) -> None:
    with live():
        old = world.ticket(title="显示器闪烁")
    with live():
        new = world.ticket(title="显示器闪烁")
    SearchDocument.objects.filter(kind="ticket", obj_id=old.pk).update(
        ts=int((timezone.now() - timedelta(days=365)).timestamp())
    )

    assert _numbers(search(user=world.admin, q="显示器")) == [new.number, old.number]


def test_a_title_match_ranks_above_a_body_match(world: Any, live: Callable[[], Any]) -> None:
    with live():
        body = world.ticket(title="电脑很慢", description="也许是硬盘的问题")
    with live():
        title = world.ticket(title="硬盘坏了", description="电脑开不了机")

    assert _numbers(search(user=world.admin, q="硬盘")) == [title.number, body.number]


def test_snippets_are_escaped_with_marks(world: Any, live: Callable[[], Any]) -> None:
    with live():
        world.ticket(title="网页报错", description="页面显示 <script>alert(1)</script> 然后报错")

    hit = search(user=world.customer, q="报错").hits[0]

    assert "<script>" not in hit.snippet
    assert "&lt;script&gt;" in hit.snippet and "<mark>报错</mark>" in hit.snippet
    assert str(hit.title_html) == "网页<mark>报错</mark>"


def test_pages_follow_offsets(world: Any, live: Callable[[], Any]) -> None:
    for i in range(5):
        with live():
            world.ticket(title=f"键盘失灵 {i}")

    first = search(user=world.admin, q="键盘", limit=3)
    second = search(user=world.admin, q="键盘", limit=3, offset=first.next_offset or 0)

    assert len(first.hits) == 3 and first.next_offset == 3
    assert len(second.hits) == 2 and second.next_offset is None
    assert not {h.obj_id for h in first.hits} & {h.obj_id for h in second.hits}


def test_bad_queries_are_domain_errors(world: Any) -> None:
    with pytest.raises(ValidationFailed) as empty:
        search(user=world.agent, q="   ")
    with pytest.raises(ValidationFailed) as long:
        search(user=world.agent, q="长" * 201)
    with pytest.raises(ValidationFailed) as kind:
        search(user=world.agent, q="x", kind="planet")
    with pytest.raises(Forbidden):
        search(user=world.customer, q="acme", kind="organization")

    assert (empty.value.code, long.value.code, kind.value.code) == (
        "search.empty_query",
        "search.query_too_long",
        "search.invalid_kind",
    )


def test_query_syntax_characters_are_just_text(world: Any, tickets: dict[str, Ticket]) -> None:
    for q in [
        '"',
        "AND OR NOT",
        "vpn*",
        "{title_tokens}: x",
        "'; DROP TABLE x; --",
        "NEAR(a b)",
        "a:*",
    ]:
        search(user=world.admin, q=q)


def test_the_ticket_filter_is_applied_to_the_joined_row_not_a_subquery(world: Any) -> None:
    from gongdan.search.selectors import _ticket_where
    from gongdan.tickets.selectors import TicketFilters, ticket_list

    for user in (world.agent, world.customer, world.org_admin):
        where = _ticket_where(ticket_list(user=user, filters=TicketFilters(status=["new"])))
        assert where is not None
        assert '"tickets_ticket"."status"' in where[0]
        assert not where[0].startswith("tickets_ticket.id IN")


def test_user_hits_link_to_their_work_or_their_requests(world: Any) -> None:
    from gongdan.search.services import search_rebuild

    search_rebuild(kinds=["user"])

    agent = search(user=world.admin, q="agent", kind="user").hits
    customer = search(user=world.admin, q="org_admin", kind="user").hits

    assert f"assignee={world.agent.pk}" in next(h.url for h in agent if h.obj_id == world.agent.pk)
    org_admin_contact = world.org_admin.contact.pk
    assert [h.url for h in customer] == [f"/desk/tickets/?view=all&requester={org_admin_contact}"]


def test_an_organization_phone_jumps_to_its_tickets(world: Any) -> None:
    Organization = type(world.acme)
    Organization.objects.filter(pk=world.acme.pk).update(phone="021-5555 0100")

    exact = search(user=world.agent, q="021-5555 0100").jump

    assert exact is not None and (exact.kind, exact.obj_id) == ("organization", world.acme.pk)
    assert exact.url == f"/desk/tickets/?view=all&organization={world.acme.pk}"


@pytest.mark.parametrize("small_scope", [5000, 0])
def test_a_very_common_word_ranks_its_newest_matches_and_falls_back_when_few_are_visible(
    world: Any, live: Any, settings: Any, small_scope: int
) -> None:
    """Above ``GONGDAN_SEARCH_CANDIDATES`` matches, only the newest are ranked. A customer with
    few tickets searches from their own documents; one with more than
    ``GONGDAN_SEARCH_SMALL_SCOPE`` goes through the same window, and when it leaves too few
    results they may see, the window widens and then every match is ranked."""
    settings.GONGDAN_SEARCH_CANDIDATES = 3
    settings.GONGDAN_SEARCH_SMALL_SCOPE = small_scope
    with live():
        mine = [world.ticket(title=f"耳麦杂音 老工单 {i}") for i in range(2)]
        for i in range(4):
            world.ticket(by=world.other_customer, title=f"耳麦杂音 别家 {i}")

    if connection.vendor == "postgresql":  # the window comes from the planner's statistics
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE search_searchdocument")
    with CaptureQueriesContext(connection) as queries:
        admin = search(user=world.admin, q="耳麦", limit=2)
    with CaptureQueriesContext(connection) as customer_queries:
        customer = search(user=world.customer, q="耳麦", limit=5)

    assert len(admin.hits) == 2
    ranked = [q["sql"] for q in queries.captured_queries if " AS score " in q["sql"]]
    assert len(ranked) == 1  # one ranking, of the newest candidates only
    window = "search_fts.rowid >=" if connection.vendor == "sqlite" else "doc.id >="
    assert window in ranked[0]
    # The customer's two tickets are the oldest: outside the newest three.
    assert sorted(h.obj_id for h in customer.hits) == sorted(t.pk for t in mine)
    ranked = [q["sql"] for q in customer_queries.captured_queries if " AS score " in q["sql"]]
    if small_scope:  # one ranking of their own documents
        assert len(ranked) == 1 and window not in ranked[0]
    else:  # the newest three, then (only six documents match) all of them
        assert len(ranked) == 2 and window in ranked[0] and window not in ranked[1]
