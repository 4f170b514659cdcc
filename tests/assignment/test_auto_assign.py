"""Automatic assignment on creation, the waiting queue, the lead's notice and the retry."""

from __future__ import annotations

from typing import Any

from gongdan.accounts.models import AgentProfile
from gongdan.assignment.models import (
    AgentPerformance,
    AssignmentRule,
    PendingAssignment,
    RoundRobinCursor,
    RuleSkill,
    SkillRequirement,
)
from gongdan.assignment.services import availability_set, retry_pending
from gongdan.notifications.models import Notification
from gongdan.testing import World
from gongdan.tickets.choices import Status, TimelineKind
from tests.assignment.conftest import agent, skill


def _auto_entry(ticket: Any) -> Any:
    return ticket.timeline.get(kind=TimelineKind.AUTO_ASSIGNED)


def test_a_new_team_ticket_goes_to_the_least_loaded_online_agent(
    desk: World, django_capture_on_commit_callbacks: Any
) -> None:
    busy = agent("busy", desk.it_team)
    idle = agent("idle", desk.it_team)
    desk.ticket(by=desk.supervisor, assignee=busy)

    with django_capture_on_commit_callbacks(execute=True):
        ticket = desk.ticket(title="VPN 连不上")

    ticket.refresh_from_db()
    entry = _auto_entry(ticket)
    assert ticket.assignee == idle
    assert ticket.status == Status.ASSIGNED
    assert entry.is_internal is True
    assert entry.data["agent"] == idle.pk
    assert entry.data["rule"] is None  # the team's default weights
    assert [s["name"] for s in entry.data["scores"]] == ["idle", "busy"]
    assert entry.data["scores"][0]["parts"] == {"skills": 0.0, "workload": 5.0, "round_robin": 0.5}
    assert {(p["name"], p["reason"]) for p in entry.data["passed"]} == {("agent", "offline")}
    assert Notification.objects.filter(recipient=idle, kind="ticket.assigned").count() == 1
    assert ticket.timeline.filter(kind=TimelineKind.ASSIGNED, actor=None).count() == 1


def test_a_team_without_automatic_assignment_keeps_its_queue(world: World) -> None:
    agent("idle", world.it_team)

    ticket = world.ticket()

    assert ticket.assignee is None
    assert not ticket.timeline.filter(kind=TimelineKind.AUTO_ASSIGNED).exists()
    assert not PendingAssignment.objects.exists()


def test_an_explicit_assignee_is_kept(desk: World) -> None:
    agent("idle", desk.it_team)
    chosen = agent("chosen", desk.it_team, availability="offline")

    ticket = desk.ticket(by=desk.supervisor, assignee=chosen)

    assert ticket.assignee == chosen
    assert not ticket.timeline.filter(kind=TimelineKind.AUTO_ASSIGNED).exists()


def test_nobody_available_queues_the_ticket_and_tells_the_lead_once(
    desk: World, django_capture_on_commit_callbacks: Any
) -> None:
    lead = agent("lead", desk.it_team, availability="away")
    desk.it_team.lead = lead
    desk.it_team.save()

    with django_capture_on_commit_callbacks(execute=True):
        ticket = desk.ticket()
        retry_pending()
        retry_pending()

    pending = PendingAssignment.objects.get(ticket=ticket)
    entry = _auto_entry(ticket)
    assert ticket.assignee is None
    assert entry.data["agent"] is None
    assert {(p["name"], p["reason"]) for p in entry.data["passed"]} == {
        ("agent", "offline"),
        ("lead", "away"),
    }
    assert pending.lead_notified_at is not None
    assert Notification.objects.filter(recipient=lead, kind="assignment.no_agent").count() == 1
    assert ticket.timeline.filter(kind=TimelineKind.AUTO_ASSIGNED).count() == 1


def test_the_queue_is_assigned_when_an_agent_comes_online(
    desk: World, django_capture_on_commit_callbacks: Any
) -> None:
    first = desk.ticket(title="一")
    second = desk.ticket(title="二", priority="urgent")
    assert PendingAssignment.objects.count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        availability_set(actor=desk.agent, user=desk.agent, availability="online")

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.assignee, second.assignee) == (desk.agent, desk.agent)
    assert PendingAssignment.objects.count() == 0
    assert first.timeline.filter(kind=TimelineKind.AUTO_ASSIGNED).count() == 2


def test_a_ticket_assigned_by_hand_leaves_the_queue(desk: World) -> None:
    from gongdan.tickets.services import ticket_assign

    ticket = desk.ticket()
    ticket_assign(actor=desk.supervisor, ticket=ticket, assignee=desk.agent)
    AgentProfile.objects.filter(user=desk.agent).update(availability="online")

    assert retry_pending() == 0
    assert not PendingAssignment.objects.exists()


def test_agents_at_capacity_are_passed_over(desk: World) -> None:
    full = agent("full", desk.it_team, capacity=2)
    spare = agent("spare", desk.it_team, capacity=20)
    desk.ticket(by=desk.supervisor, assignee=full, priority="high")  # load 2 of 2

    ticket = desk.ticket()

    entry = _auto_entry(ticket)
    assert ticket.assignee == spare
    assert {
        "user": full.pk,
        "name": "full",
        "reason": "at_capacity",
        "detail": "2/2",
    } in entry.data["passed"]


def test_type_requirements_keep_tickets_from_agents_without_the_skill(desk: World) -> None:
    SkillRequirement.objects.create(ticket_type=desk.incident, skill=skill("vpn"), min_level=3)
    novice = agent("novice", desk.it_team, skills={"vpn": 2})
    expert = agent("expert", desk.it_team, skills={"vpn": 4}, capacity=3)
    desk.ticket(by=desk.supervisor, assignee=expert)  # the expert is busier

    ticket = desk.ticket()

    entry = _auto_entry(ticket)
    assert ticket.assignee == expert
    assert {"user": novice.pk, "name": "novice", "reason": "lacks_skill", "detail": "vpn 2/3"} in (
        entry.data["passed"]
    )


def test_the_first_matching_rule_decides_and_is_named(desk: World) -> None:
    senior = agent("senior", desk.it_team, seniority=12, capacity=5)
    junior = agent("junior", desk.it_team, seniority=1, capacity=50)
    AssignmentRule.objects.create(
        name="其他类别", position=5, category=None, team=desk.field_team, weight_workload=10
    )
    rule = AssignmentRule.objects.create(
        name="打印机: 资深优先",
        position=10,
        category=desk.printer,
        weight_priority=10,
        weight_workload=0,
        weight_skills=0,
        weight_round_robin=0,
    )
    RuleSkill.objects.create(rule=rule, skill=skill("printer"), min_level=1)
    for user in (senior, junior):
        AgentProfile.objects.get(user=user).agentskill_set.create(skill=skill("printer"), level=3)

    urgent = desk.ticket(category=desk.printer, priority="urgent")
    low = desk.ticket(category=desk.printer, priority="low")
    plain = desk.ticket(priority="urgent")

    data = _auto_entry(urgent).data
    assert (urgent.assignee, low.assignee) == (senior, junior)
    assert (data["rule"], data["rule_label"]) == (rule.pk, "打印机: 资深优先")
    assert data["scores"][0]["parts"] == {"priority": 10.0}
    assert _auto_entry(plain).data["rule"] is None
    assert plain.assignee == junior  # default weights: workload relative to capacity


def test_round_robin_takes_turns_through_the_cursor(desk: World) -> None:
    AssignmentRule.objects.create(
        name="轮询",
        team=desk.it_team,
        weight_round_robin=10,
        weight_workload=0,
        weight_skills=0,
    )
    people = [agent(f"rr{i}", desk.it_team, capacity=100) for i in range(3)]

    owners = [desk.ticket(title=f"T{i}").assignee for i in range(7)]

    order = [people[0], people[1], people[2]] * 3
    assert owners == order[:7]
    cursor = RoundRobinCursor.objects.get()
    assert (cursor.last_user, cursor.turns) == (people[0], 7)


def test_performance_job_computes_rates_overall_and_per_category(desk: World) -> None:
    from gongdan.assignment.performance import compute_performance
    from gongdan.tickets.services import ticket_transition

    worker = agent("worker", desk.it_team)
    done = desk.ticket(category=desk.printer)
    open_ = desk.ticket()
    assert (done.assignee, open_.assignee) == (worker, worker)
    for to in ("in_progress", "resolved"):
        done = ticket_transition(actor=worker, ticket=done, to=to)
    ticket_transition(actor=desk.customer, ticket=done, to="reopened", comment="还是坏的")

    written = compute_performance()

    overall = AgentPerformance.objects.get(user=worker, category=None)
    printer = AgentPerformance.objects.get(user=worker, category=desk.printer)
    assert written == 2
    assert (overall.tickets, overall.resolved, overall.reopened) == (2, 0, 1)
    assert (printer.tickets, printer.reopened) == (1, 1)
    assert overall.resolution_rate == 0.0


def test_the_leads_notification_reads_as_a_sentence(desk: World) -> None:
    from gongdan.notifications.presenters import notification_text

    notice = Notification(kind="assignment.no_agent", data={"number": "IT-1", "title": "VPN"})

    assert notification_text(notice) == (
        "No agent was available for IT-1; it waits in the queue: VPN"
    )


def test_a_ticket_moved_into_an_automatic_team_is_assigned(desk: World) -> None:
    from gongdan.tickets.services import ticket_update

    idle = agent("idle", desk.it_team)
    ticket = desk.ticket(ticket_type=desk.repair)  # the field team's queue (manual)
    assert (ticket.team, ticket.assignee) == (desk.field_team, None)

    ticket = ticket_update(actor=desk.supervisor, ticket=ticket, team=desk.it_team)

    ticket.refresh_from_db()
    assert ticket.assignee == idle
    assert ticket.status == Status.ASSIGNED
