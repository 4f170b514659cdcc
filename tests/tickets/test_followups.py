"""Reminders and supervision (督办): pages, API, sweep (each effect once) and outsiders."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gongdan.notifications.models import Notification
from gongdan.testing import Api, World
from gongdan.tickets import services
from gongdan.tickets.choices import Status, SupervisionStatus, TimelineKind
from gongdan.tickets.models import Reminder, Supervision, Ticket, TimelineEntry
from gongdan.tickets.sweep import sweep


def _local(value: datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def _kinds(user: Any, kind: str) -> int:
    return Notification.objects.filter(recipient=user, kind=kind).count()


@pytest.fixture
def assigned(world: World) -> Ticket:
    world.it_team.lead = world.supervisor
    world.it_team.save(update_fields=["lead"])
    ticket = world.ticket()
    return services.ticket_assign(actor=world.agent, ticket=ticket, assignee=world.agent)


# --- reminders ----------------------------------------------------------------------------------


def test_an_agent_sets_a_reminder_on_the_ticket_page_and_it_fires_once(
    world: World, assigned: Ticket
) -> None:
    client = world.client_for(world.agent)
    at = timezone.now() + timedelta(hours=2)

    response = client.post(
        reverse("tickets:remind", args=[assigned.number]),
        {"remind_at": _local(at), "note": "回电客户 call back"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert 'data-testid="reminders"' in response.content.decode()
    reminder = Reminder.objects.get(ticket=assigned)
    assert reminder.recipient == world.agent and reminder.note == "回电客户 call back"
    assert sweep(now=at - timedelta(minutes=2)).reminders == 0
    assert sweep(now=at + timedelta(minutes=1)).reminders == 1
    assert sweep(now=at + timedelta(minutes=2)).reminders == 0
    note = Notification.objects.get(recipient=world.agent, kind="ticket.reminder")
    assert note.data["note"] == "回电客户 call back" and note.ticket == assigned


def test_a_reminder_in_the_past_is_refused_with_a_message_and_nothing_saved(
    world: World, assigned: Ticket
) -> None:
    client = world.client_for(world.agent)

    response = client.post(
        reverse("tickets:remind", args=[assigned.number]),
        {"remind_at": _local(timezone.now() - timedelta(hours=1))},
    )

    assert response.status_code == 422
    assert "Choose a time in the future." in response.content.decode()
    assert not Reminder.objects.exists()


def test_outsiders_cannot_set_or_cancel_reminders(world: World, assigned: Ticket) -> None:
    reminder = services.reminder_create(
        actor=world.agent, ticket=assigned, remind_at=timezone.now() + timedelta(hours=1)
    )
    at = _local(timezone.now() + timedelta(hours=1))

    other = world.client_for(world.other_agent)  # field team: cannot see an IT ticket
    assert (
        other.post(reverse("tickets:remind", args=[assigned.number]), {"remind_at": at}).status_code
        == 404
    )
    customer = world.client_for(world.customer)
    assert (
        customer.post(
            reverse("tickets:remind", args=[assigned.number]), {"remind_at": at}
        ).status_code
        == 403
    )
    cancel = reverse("tickets:reminder_cancel", args=[assigned.number, reminder.pk])
    assert other.post(cancel).status_code == 404
    assert Reminder.objects.count() == 1

    assert world.client_for(world.agent).post(cancel).status_code == 302
    assert not Reminder.objects.exists()


def test_a_colleague_who_sees_the_ticket_cannot_cancel_my_reminder(
    world: World, assigned: Ticket
) -> None:
    from gongdan.accounts.models import Membership

    Membership.objects.create(user=world.other_agent, team=world.it_team)
    reminder = services.reminder_create(
        actor=world.agent, ticket=assigned, remind_at=timezone.now() + timedelta(hours=1)
    )

    response = world.client_for(world.other_agent).post(
        reverse("tickets:reminder_cancel", args=[assigned.number, reminder.pk])
    )

    assert response.status_code == 404
    assert Reminder.objects.filter(pk=reminder.pk).exists()


def test_reminders_api_create_list_delete_and_409_once_sent(world: World, assigned: Ticket) -> None:
    api = Api(world)
    agent = api.as_(world.agent)
    at = (timezone.now() + timedelta(hours=3)).isoformat()

    created = agent.post(f"/tickets/{assigned.number}/reminders", {"remind_at": at, "note": "x"})
    past = agent.post(
        f"/tickets/{assigned.number}/reminders",
        {"remind_at": (timezone.now() - timedelta(minutes=5)).isoformat()},
    )
    outsider = api.as_(world.other_agent).post(
        f"/tickets/{assigned.number}/reminders", {"remind_at": at}
    )
    customer = api.as_(world.customer).post(
        f"/tickets/{assigned.number}/reminders", {"remind_at": at}
    )

    assert created.status_code == 201 and created.json()["ticket"] == assigned.number
    assert past.status_code == 422 and past.json()["code"] == "remind_at.in_past"
    assert outsider.status_code == 404
    assert customer.status_code == 403
    listed = agent.get(f"/tickets/{assigned.number}/reminders").json()
    assert [r["id"] for r in listed] == [created.json()["id"]]
    assert (
        api.as_(world.other_agent).get(f"/tickets/{assigned.number}/reminders").status_code == 404
    )

    Reminder.objects.update(fired_at=timezone.now())
    gone = agent._send("delete", f"/reminders/{created.json()['id']}")
    assert gone.status_code == 409 and gone.json()["code"] == "reminder.already_sent"
    stranger = api.as_(world.other_agent)._send("delete", f"/reminders/{created.json()['id']}")
    assert stranger.status_code == 404


# --- supervision (督办) ---------------------------------------------------------------------------


def _open(world: World, ticket: Ticket, hours: int = 8) -> Supervision:
    return services.supervision_open(
        actor=world.supervisor,
        ticket=ticket,
        requirements="今天内给出修复方案 a fix plan today",
        deadline=timezone.now() + timedelta(hours=hours),
    )


def test_a_supervisor_opens_a_supervision_from_the_page_and_the_assignee_is_told(
    world: World, assigned: Ticket, django_capture_on_commit_callbacks: Any
) -> None:
    client = world.client_for(world.supervisor)
    assert (
        "Open a supervision"
        in client.get(reverse("tickets:detail", args=[assigned.number])).content.decode()
    )
    deadline = _local(timezone.now() + timedelta(days=1))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("tickets:supervision_new"),
            {"ticket": assigned.number, "requirements": "给出方案", "deadline": deadline},
        )

    supervision = Supervision.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("tickets:supervision_detail", args=[supervision.pk])
    assert supervision.ticket == assigned and supervision.status == SupervisionStatus.OPEN
    entry = TimelineEntry.objects.get(ticket=assigned, kind=TimelineKind.SUPERVISION_OPENED)
    assert entry.is_internal and entry.data["requirements"] == "给出方案"
    assert _kinds(world.agent, "supervision.opened") == 1
    page = world.client_for(world.agent).get(reverse("tickets:detail", args=[assigned.number]))
    assert 'data-testid="supervision"' in page.content.decode()
    customer_page = world.client_for(world.customer).get(
        reverse("portal:detail", args=[assigned.number])
    )
    assert "给出方案" not in customer_page.content.decode()


def test_bad_supervision_input_gets_clear_errors_and_creates_nothing(
    world: World, assigned: Ticket
) -> None:
    client = world.client_for(world.supervisor)
    past = _local(timezone.now() - timedelta(hours=1))

    no_subject = client.post(
        reverse("tickets:supervision_new"),
        {"requirements": "x", "deadline": _local(timezone.now() + timedelta(hours=1))},
    )
    in_past = client.post(
        reverse("tickets:supervision_new"),
        {"ticket": assigned.number, "requirements": "x", "deadline": past},
    )
    unknown = client.post(
        reverse("tickets:supervision_new"),
        {"ticket": "GD-0-0", "requirements": "x", "deadline": past},
    )

    assert no_subject.status_code == in_past.status_code == unknown.status_code == 422
    assert "Choose either a ticket or a team." in no_subject.content.decode()
    assert "Choose a time in the future." in in_past.content.decode()
    assert "No ticket with this number." in unknown.content.decode()
    assert not Supervision.objects.exists()


def test_agents_and_customers_cannot_open_a_supervision(world: World, assigned: Ticket) -> None:
    api = Api(world)
    body = {
        "ticket": assigned.number,
        "requirements": "x",
        "deadline": (timezone.now() + timedelta(hours=2)).isoformat(),
    }

    assert world.client_for(world.agent).get(reverse("tickets:supervision_new")).status_code == 403
    assert (
        world.client_for(world.customer).get(reverse("tickets:supervision_new")).status_code == 403
    )
    agent = api.as_(world.agent).post("/supervisions", body)
    assert agent.status_code == 403 and agent.json()["code"] == "permission.supervisors_only"
    assert api.as_(world.customer).post("/supervisions", body).status_code == 403
    assert not Supervision.objects.exists()


def test_answer_return_answer_accept(
    world: World, assigned: Ticket, django_capture_on_commit_callbacks: Any
) -> None:
    supervision = _open(world, assigned)
    agent = world.client_for(world.agent)
    boss = world.client_for(world.supervisor)
    respond = reverse("tickets:supervision_respond", args=[supervision.pk])
    decide = reverse("tickets:supervision_decide", args=[supervision.pk])

    with django_capture_on_commit_callbacks(execute=True):
        assert agent.post(respond, {"response": "已更换硒鼓"}).status_code == 302
    assert _kinds(world.supervisor, "supervision.responded") == 1
    no_reason = boss.post(decide, {"note": ""})
    assert no_reason.status_code == 422
    with django_capture_on_commit_callbacks(execute=True):
        assert boss.post(decide, {"note": "请附上测试结果"}).status_code == 302
    supervision.refresh_from_db()
    assert supervision.status == SupervisionStatus.OPEN
    assert _kinds(world.agent, "supervision.decided") == 1

    agent.post(respond, {"response": "测试打印 10 页正常"})
    assert boss.post(decide, {"accept": "1"}).status_code == 302

    supervision.refresh_from_db()
    assert supervision.status == SupervisionStatus.ACCEPTED and supervision.closed_at
    kinds = list(
        TimelineEntry.objects.filter(ticket=assigned, kind__startswith="supervision.")
        .order_by("id")
        .values_list("kind", flat=True)
    )
    assert kinds == [
        "supervision.opened",
        "supervision.responded",
        "supervision.returned",
        "supervision.responded",
        "supervision.accepted",
    ]
    late = agent.post(respond, {"response": "again"})
    assert late.status_code == 409


def test_resolving_the_ticket_closes_its_supervision(world: World, assigned: Ticket) -> None:
    supervision = _open(world, assigned)

    ticket = services.ticket_transition(actor=world.agent, ticket=assigned, to=Status.IN_PROGRESS)
    services.ticket_transition(actor=world.agent, ticket=ticket, to=Status.RESOLVED)

    supervision.refresh_from_db()
    assert supervision.status == SupervisionStatus.CLOSED and supervision.closed_at
    assert TimelineEntry.objects.filter(
        ticket=assigned, kind=TimelineKind.SUPERVISION_CLOSED
    ).exists()


def test_outsiders_neither_see_nor_answer_a_supervision(world: World, assigned: Ticket) -> None:
    supervision = _open(world, assigned)
    api = Api(world)
    detail = reverse("tickets:supervision_detail", args=[supervision.pk])
    respond = reverse("tickets:supervision_respond", args=[supervision.pk])

    other = world.client_for(world.other_agent)
    assert other.get(detail).status_code == 404
    assert other.post(respond, {"response": "x"}).status_code == 404
    assert world.client_for(world.customer).get(detail).status_code == 403
    assert other.get(reverse("tickets:supervision_list") + "?scope=active").context["rows"] == []
    assert api.as_(world.other_agent).get(f"/supervisions/{supervision.pk}").status_code == 404
    assert api.as_(world.customer).get(f"/supervisions/{supervision.pk}").status_code == 404
    call = api.as_(world.other_agent).post(
        f"/supervisions/{supervision.pk}/response", {"response": "x"}
    )
    assert call.status_code == 404
    accept = api.as_(world.agent).post(f"/supervisions/{supervision.pk}/accept", {})
    assert accept.status_code == 403
    supervision.refresh_from_db()
    assert supervision.status == SupervisionStatus.OPEN and supervision.response == ""


def test_a_team_supervision_is_answered_by_a_member(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    api = Api(world)
    deadline = (timezone.now() + timedelta(days=2)).isoformat()

    with django_capture_on_commit_callbacks(execute=True):
        created = api.as_(world.supervisor).post(
            "/supervisions",
            {"team": world.it_team.pk, "requirements": "本周清理积压工单", "deadline": deadline},
        )

    assert created.status_code == 201 and created.json()["team"] == world.it_team.pk
    assert _kinds(world.agent, "supervision.opened") == 1  # a member of the team
    assert _kinds(world.other_agent, "supervision.opened") == 0
    pk = created.json()["id"]
    mine = api.as_(world.agent).get("/supervisions?scope=active").json()
    assert [s["id"] for s in mine] == [pk]
    answered = api.as_(world.agent).post(f"/supervisions/{pk}/response", {"response": "已清理"})
    assert answered.status_code == 200 and answered.json()["status"] == "responded"
    accepted = api.as_(world.supervisor).post(f"/supervisions/{pk}/accept", {})
    assert accepted.json()["status"] == "accepted"


def test_the_deadline_warns_then_overdue_then_escalates_each_once(
    world: World, assigned: Ticket
) -> None:
    start = timezone.now()
    supervision = _open(world, assigned, hours=8)
    warn = start + timedelta(hours=6, minutes=1)
    due = start + timedelta(hours=8, minutes=1)

    assert sweep(now=start + timedelta(hours=5)).supervision_warnings == 0
    assert sweep(now=warn).supervision_warnings == 1
    assert sweep(now=warn).supervision_warnings == 0
    assert _kinds(world.agent, "supervision.overdue") == 1

    first = sweep(now=due)
    assert first.supervision_overdue == 1 and sweep(now=due).supervision_overdue == 0
    assert sweep(now=due + timedelta(hours=3)).supervision_escalations == 0
    assert sweep(now=due + timedelta(hours=4, minutes=1)).supervision_escalations == 1
    assert sweep(now=due + timedelta(hours=5)).supervision_escalations == 0

    supervision.refresh_from_db()
    assert supervision.overdue_at and supervision.escalated_at
    kinds = list(
        TimelineEntry.objects.filter(ticket=assigned, kind__startswith="supervision.")
        .order_by("id")
        .values_list("kind", flat=True)
    )
    assert kinds == ["supervision.opened", "supervision.overdue", "supervision.escalated"]
    # the supervisor leads the team (warned), opened it (overdue) and is a supervisor (escalation)
    assert _kinds(world.supervisor, "supervision.overdue") == 3
    assert _kinds(world.admin, "supervision.overdue") == 1  # only the escalation


def test_an_answered_supervision_does_not_go_overdue(world: World, assigned: Ticket) -> None:
    start = timezone.now()
    supervision = _open(world, assigned, hours=1)
    services.supervision_respond(actor=world.agent, supervision=supervision, response="done")

    result = sweep(now=start + timedelta(hours=2))

    assert result.supervision_overdue == 0 and result.supervision_warnings == 0


def test_supervision_list_query_count_is_constant(
    world: World, assigned: Ticket, django_assert_num_queries: Any
) -> None:
    for _ in range(5):
        _open(world, assigned)
    client = world.client_for(world.supervisor)

    with django_assert_num_queries(3):  # session, user, the rows with everything joined
        response = client.get(reverse("tickets:supervision_list") + "?scope=active")

    assert len(response.context["rows"]) == 5


@pytest.mark.django_db(transaction=True)
def test_two_sweepers_at_once_fire_each_reminder_and_overdue_once(world) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SKIP LOCKED needs PostgreSQL; SQLite serialises writers anyway")
    ticket = world.ticket()
    ticket = services.ticket_assign(actor=world.agent, ticket=ticket, assignee=world.agent)
    now = timezone.now()
    for i in range(30):  # at most 20 per ticket and person: 15 each for two agents
        services.reminder_create(
            actor=world.agent if i % 2 else world.supervisor,
            ticket=ticket,
            remind_at=now + timedelta(minutes=1 + i % 5),
        )
    for _ in range(10):
        _open(world, ticket, hours=1)
    later = now + timedelta(hours=2)
    results: list[Any] = []
    barrier = threading.Barrier(2)

    def run() -> None:
        try:
            barrier.wait(timeout=30)
            results.append(sweep(now=later))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    assert sum(r.reminders for r in results) == 30
    assert sum(r.supervision_overdue for r in results) == 10
    assert Notification.objects.filter(kind="ticket.reminder").count() == 30
    assert TimelineEntry.objects.filter(kind=TimelineKind.SUPERVISION_OVERDUE).count() == 10


def test_anonymous_visitors_go_to_login(world: World) -> None:
    response = Client().get(reverse("tickets:supervision_list"))

    assert response.status_code == 302 and "login" in response["Location"]
