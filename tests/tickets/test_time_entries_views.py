"""The workspace: time with a reply (once, atomically), the time panel and timer, the rates page."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from gongdan.accounts.choices import Role
from gongdan.accounts.services import user_create
from gongdan.testing import World
from gongdan.tickets import services
from gongdan.tickets.models import Comment, CostEntry, CostRate, Ticket, TimeEntry, Timer
from gongdan.tickets.services import time as time_services

HX = {"HX-Request": "true"}


@pytest.fixture
def ticket(world: World) -> Ticket:
    services.cost_rate_set(
        actor=world.admin, user=world.agent, hourly_cost="60", effective_from=date(2020, 1, 1)
    )
    return world.ticket()


def test_a_reply_with_minutes_logs_the_time_once_with_the_reply(
    world: World, ticket: Ticket
) -> None:
    client = world.client_for(world.agent)

    response = client.post(
        reverse("tickets:reply", args=[ticket.number]),
        {"kind": "note", "body": "已更换网线 replaced the cable", "minutes": "25"},
        headers=HX,
    )

    assert response.status_code == 200, response.content
    comment = Comment.objects.get(ticket=ticket)
    entry = TimeEntry.objects.get()
    assert (entry.comment_id, entry.minutes, entry.billable) == (comment.pk, 25, False)
    assert CostEntry.objects.get().amount == Decimal("25.00")


def test_a_reply_without_minutes_logs_nothing(world: World, ticket: Ticket) -> None:
    client = world.client_for(world.agent)
    client.post(
        reverse("tickets:reply", args=[ticket.number]),
        {"kind": "reply", "body": "您好", "billable": "on"},
        headers=HX,
    )
    assert Comment.objects.count() == 1 and TimeEntry.objects.count() == 0


def test_a_failing_reply_logs_no_time_and_bad_minutes_write_no_reply(
    world: World, ticket: Ticket
) -> None:
    client = world.client_for(world.agent)
    url = reverse("tickets:reply", args=[ticket.number])

    empty = client.post(url, {"kind": "reply", "body": "", "minutes": "30"}, headers=HX)
    too_many = client.post(url, {"kind": "reply", "body": "hi", "minutes": "2000"}, headers=HX)

    assert (empty.status_code, too_many.status_code) == (422, 422)
    assert Comment.objects.count() == 0 and TimeEntry.objects.count() == 0


def test_the_time_entry_rolls_back_with_the_reply_when_logging_fails(
    world: World, ticket: Ticket, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(time_services, "time_entry_create", broken)
    with pytest.raises(RuntimeError):
        services.comment_create_with_time(
            actor=world.agent, ticket=ticket, body="hi", is_internal=False, minutes=5
        )
    assert Comment.objects.count() == 0 and TimeEntry.objects.count() == 0


def test_the_time_panel_shows_entries_totals_and_cost(world: World, ticket: Ticket) -> None:
    services.time_entry_create(actor=world.agent, ticket=ticket, minutes=90, note="上门 on site")
    services.time_entry_create(actor=world.agent, ticket=ticket, minutes=30, billable=False)

    response = world.client_for(world.supervisor).get(
        reverse("tickets:time_panel", args=[ticket.number])
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-minutes="120"' in html and 'data-cost="120.00"' in html
    assert "上门 on site" in html and "¥90.00" in html and "¥30.00" in html


def test_the_panel_logs_time_and_a_bad_value_is_a_422(world: World, ticket: Ticket) -> None:
    client = world.client_for(world.agent)
    url = reverse("tickets:time_log", args=[ticket.number])

    bad = client.post(url, {"minutes": "0"}, headers=HX)
    good = client.post(url, {"minutes": "15", "billable": "on", "note": "电话"}, headers=HX)

    assert bad.status_code == 422
    assert good.status_code == 200 and 'data-minutes="15"' in good.content.decode()
    assert list(TimeEntry.objects.values_list("minutes", "billable", "note")) == [
        (15, True, "电话")
    ]


def test_the_timer_button_starts_and_stops(world: World, ticket: Ticket) -> None:
    client = world.client_for(world.agent)
    url = reverse("tickets:time_timer", args=[ticket.number])

    started = client.post(url, {"action": "start"}, headers=HX)
    assert started.status_code == 200 and 'data-testid="timer-stop"' in started.content.decode()
    Timer.objects.update(started_at=timezone.now() - timedelta(minutes=12))
    stopped = client.post(url, {"action": "stop", "billable": "on"}, headers=HX)

    assert stopped.status_code == 200 and 'data-testid="timer-start"' in stopped.content.decode()
    assert list(TimeEntry.objects.values_list("minutes", "billable")) == [(12, True)]
    again = client.post(url, {"action": "stop"}, headers=HX)
    assert again.status_code == 409 and TimeEntry.objects.count() == 1


def test_delete_from_the_panel_own_entries_only(world: World, ticket: Ticket) -> None:
    colleague = user_create(
        actor=None, username="colleague", role=Role.AGENT, teams=[world.it_team]
    )
    entry = services.time_entry_create(actor=world.agent, ticket=ticket, minutes=10)
    url = reverse("tickets:time_delete", args=[ticket.number, entry.pk])

    assert world.client_for(colleague).post(url, headers=HX).status_code == 403
    assert world.client_for(world.other_agent).post(url, headers=HX).status_code == 404
    assert TimeEntry.objects.count() == 1
    assert world.client_for(world.agent).post(url, headers=HX).status_code == 200
    assert TimeEntry.objects.count() == 0


def test_outsiders_get_no_time_panel_and_change_nothing(world: World, ticket: Ticket) -> None:
    services.time_entry_create(actor=world.agent, ticket=ticket, minutes=10)
    for user, status in [(world.other_agent, 404), (world.customer, 403)]:
        client = world.client_for(user)
        for name, data in [
            ("time_panel", None),
            ("time_log", {"minutes": "5"}),
            ("time_timer", {"action": "start"}),
        ]:
            url = reverse(f"tickets:{name}", args=[ticket.number])
            response = client.post(url, data) if data else client.get(url)
            assert response.status_code == status, (user, name)
    assert TimeEntry.objects.count() == 1 and Timer.objects.count() == 0


def test_customers_never_see_time_on_the_portal(world: World, ticket: Ticket) -> None:
    services.time_entry_create(actor=world.agent, ticket=ticket, minutes=77)
    html = world.client_for(world.customer).get(f"/portal/tickets/{ticket.number}/")
    assert "77" not in html.content.decode()


@pytest.mark.parametrize("n", [2, 20])
def test_the_time_panel_costs_the_same_for_2_and_20_entries(
    world: World, ticket: Ticket, n: int, django_assert_num_queries: object
) -> None:
    for i in range(n):
        services.time_entry_create(actor=world.agent, ticket=ticket, minutes=i + 1)
    client = world.client_for(world.agent)
    url = reverse("tickets:time_panel", args=[ticket.number])
    client.get(url)

    with django_assert_num_queries(6):  # type: ignore[operator]  # session, user, ticket, 3 reads
        response = client.get(url)
    assert response.content.decode().count("¥") == n + 2


def test_the_rates_page_is_for_managers_and_saves_a_rate(world: World) -> None:
    url = reverse("tickets:cost_rates")
    for outsider in (world.agent, world.customer):
        assert world.client_for(outsider).get(url).status_code == 403
        assert world.client_for(outsider).post(url, {}).status_code == 403
    client = world.client_for(world.supervisor)
    assert client.get(url).status_code == 200

    both = client.post(
        url,
        {
            "user": world.agent.pk,
            "team": world.it_team.pk,
            "hourly_cost": "80",
            "effective_from": "2026-01-01",
        },
    )
    saved = client.post(
        url, {"team": world.it_team.pk, "hourly_cost": "80.5", "effective_from": "2026-01-01"}
    )

    assert both.status_code == 422
    assert saved.status_code == 302
    assert list(CostRate.objects.values_list("team_id", "hourly_cost")) == [
        (world.it_team.pk, Decimal("80.50"))
    ]
    assert "¥80.50" in client.get(url).content.decode()


def test_the_panel_and_its_errors_are_in_chinese(world: World, ticket: Ticket) -> None:
    client = world.client_for(world.agent)
    zh = {**HX, "Accept-Language": "zh-hans"}

    panel = client.get(reverse("tickets:time_panel", args=[ticket.number]), headers=zh)
    bad = client.post(
        reverse("tickets:time_log", args=[ticket.number]), {"minutes": "x"}, headers=zh
    )
    client.post(reverse("tickets:time_timer", args=[ticket.number]), {"action": "start"})
    again = client.post(
        reverse("tickets:time_timer", args=[ticket.number]), {"action": "start"}, headers=zh
    )

    assert "工时与成本" in panel.content.decode() and "开始计时" in panel.content.decode()
    assert bad.status_code == 422 and "登记工时" in bad.content.decode()
    assert again.status_code == 409 and "您在此工单上的计时器已在运行。" in again.content.decode()
