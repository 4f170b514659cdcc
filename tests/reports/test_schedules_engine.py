"""The scheduled-report engine: once per due time, retries with backoff, each recipient's own
view, mail through a real SMTP server, robots through a real HTTP server."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.utils import translation

from gongdan.channels.choices import Vendor
from gongdan.channels.models import TeamRobot
from gongdan.notifications.models import Notification
from gongdan.notifications.presenters import notification_text
from gongdan.reports.schedule_engine import BACKOFF, _claim_schedule, tick
from gongdan.reports.schedule_models import ReportRun, ReportSchedule
from gongdan.testing import World
from tests.channels.conftest import Server
from tests.channels.conftest import server as http_server  # noqa: F401 - a real HTTP server
from tests.channels.email.conftest import Smtp
from tests.channels.email.conftest import smtp as smtp_server  # noqa: F401 - a real SMTP server
from tests.channels.vendors import wecom_robot
from tests.reports.clock import mover, sync
from tests.reports.schedule_fixtures import (  # noqa: F401 - fixtures
    Builds,
    builds_fixture,
    field_supervisor_fixture,
    mail_fixture,
    make_schedule,
    robot_server_fixture,
)

SH = ZoneInfo("Asia/Shanghai")
DUE = datetime(2026, 12, 7, 8, 0, tzinfo=SH)
NOW = DUE + timedelta(seconds=30)


def _html(message: EmailMessage) -> str:
    part = message.get_body(("html",))
    assert part is not None
    return str(part.get_content())


def _summary(xlsx: bytes) -> dict[str, list[Any]]:
    """The Summary sheet's figures of a report workbook: label → [value, previous, change]."""
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    rows = list(book["Summary"].iter_rows(values_only=True))
    start = next(i for i, row in enumerate(rows) if row and row[0] == "Figure") + 1
    return {str(row[0]): list(row[1:4]) for row in rows[start:] if row and row[0]}


def _attachments(message: EmailMessage) -> list[tuple[str, bytes]]:
    return [(str(a.get_filename()), a.get_content()) for a in message.iter_attachments()]


def test_a_doubled_tick_sends_once(world: World, mail: Smtp, builds: Builds) -> None:
    schedule = make_schedule(world.supervisor, emails=["boss@example.com"], next_run_at=DUE)

    first, second = tick(NOW), tick(NOW)

    assert (first.claimed, first.sent, second.claimed, second.sent) == (1, 1, 0, 0)
    assert len(mail.to("boss@example.com")) == 1
    run = ReportRun.objects.get(schedule=schedule)
    assert (run.due_at, run.status, run.attempts) == (DUE, "sent", 1)
    assert (run.period_start.isoformat(), run.period_end.isoformat()) == (
        "2026-12-06",
        "2026-12-06",
    )
    schedule.refresh_from_db()
    assert schedule.next_run_at == DUE + timedelta(days=1)
    assert schedule.last_status == "sent"


def test_two_consumers_claiming_the_same_due_time_make_one_run(world: World) -> None:
    make_schedule(world.supervisor, emails=["boss@example.com"], next_run_at=DUE)
    # both read the due schedule before either claimed it
    seen_by_a = ReportSchedule.objects.get()
    seen_by_b = ReportSchedule.objects.get()

    assert _claim_schedule(seen_by_a, NOW) is True
    assert _claim_schedule(seen_by_b, NOW) is False
    assert ReportRun.objects.count() == 1


def test_a_tick_costs_what_is_due_not_what_exists(
    world: World, builds: Builds, mail: Smtp, django_assert_num_queries: Any
) -> None:
    for i in range(30):  # not due: later, or paused
        make_schedule(
            world.supervisor,
            name=f"later {i}",
            emails=["x@example.com"],
            next_run_at=DUE + timedelta(hours=1),
        )
        make_schedule(
            world.supervisor,
            name=f"paused {i}",
            emails=["x@example.com"],
            is_active=False,
            next_run_at=None,
        )

    with django_assert_num_queries(2):  # due schedules (none), due runs (none)
        result = tick(NOW)

    assert (result.claimed, result.sent) == (0, 0)
    assert mail.messages == []
    make_schedule(world.supervisor, name="due", emails=["due@example.com"], next_run_at=DUE)
    assert tick(NOW).sent == 1
    assert [str(m["To"]) for m in mail.messages] == ["due@example.com"]


def test_missed_runs_collapse_into_one(world: World, mail: Smtp, builds: Builds) -> None:
    schedule = make_schedule(
        world.supervisor, emails=["boss@example.com"], next_run_at=DUE - timedelta(days=3)
    )

    tick(NOW)
    tick(NOW)

    assert ReportRun.objects.filter(schedule=schedule).count() == 1
    schedule.refresh_from_db()
    assert schedule.next_run_at == DUE + timedelta(days=1)


def test_each_user_receives_their_own_view(
    world: World, mail: Smtp, builds: Builds, field_supervisor: object, settings: Any
) -> None:
    settings.LANGUAGE_CODE = "zh-hans"  # the desk's default language: addresses get it
    world.agent.language = "en"
    world.agent.save(update_fields=["language"])
    make_schedule(
        world.supervisor,  # no team: the whole desk
        users=[world.agent, field_supervisor],
        emails=["boss@example.com"],
        next_run_at=DUE,
    )

    tick(NOW)

    assert sorted(builds.users()) == ["agent", "field_sup", "supervisor"]
    agent_mail = mail.to("agent@gongdan.test")[0]
    field_mail = mail.to("field_sup@gongdan.test")[0]
    boss_mail = mail.to("boss@example.com")[0]
    assert "<strong>7</strong>" in _html(agent_mail)  # own figures
    assert "<strong>20</strong>" in _html(field_mail)  # the Field team's
    assert "<strong>700</strong>" in _html(boss_mail)  # the owner's view (whole desk)
    assert "<strong>700</strong>" not in _html(agent_mail) + _html(field_mail)
    # the recipient's language (the agent reads English; addresses get the desk's default)
    english = "Scheduled report “每日概览 Daily overview”: 2026-12-06 – 2026-12-06"
    assert agent_mail["Subject"] == english
    assert boss_mail["Subject"] == "定时报表“每日概览 Daily overview”：2026-12-06 – 2026-12-06"
    [(name, content)] = _attachments(agent_mail)
    assert name == "overview-20261206-20261206.xlsx"
    assert _summary(content)["Created"] == [7, "—", "—"]  # the real workbook, the agent's view
    assert agent_mail["Auto-Submitted"] == "auto-generated"
    # and an in-app notification for each user recipient
    notes = Notification.objects.filter(kind="report.sent").order_by("recipient__username")
    assert [n.recipient.username for n in notes] == ["agent", "field_sup"]
    with translation.override("en"):
        assert notification_text(notes[0]) == (
            "The scheduled report “每日概览 Daily overview” for 2026-12-06 – 2026-12-06 is ready"
        )


def test_both_formats_are_attached(world: World, mail: Smtp, builds: Builds) -> None:
    make_schedule(world.admin, file_format="both", emails=["boss@example.com"], next_run_at=DUE)

    tick(NOW)

    files = dict(_attachments(mail.to("boss@example.com")[0]))
    assert list(files) == ["overview-20261206-20261206.xlsx", "overview-20261206-20261206.pdf"]
    assert _summary(files["overview-20261206-20261206.xlsx"])["Created"][0] == 700
    assert files["overview-20261206-20261206.pdf"].startswith(b"%PDF")


def test_a_failed_send_is_retried_with_backoff(world: World, mail: Smtp, builds: Builds) -> None:
    schedule = make_schedule(world.supervisor, emails=["boss@example.com"], next_run_at=DUE)
    mail.reject = "550 mailbox unavailable"

    tick(NOW)

    run = ReportRun.objects.get(schedule=schedule)
    assert (run.status, run.attempts, run.next_attempt_at) == ("retrying", 1, NOW + BACKOFF[0])
    assert run.outcomes["email:boss@example.com"]["ok"] is False
    assert "550" in run.error
    schedule.refresh_from_db()
    assert schedule.last_status == "retrying"

    mail.reject = ""
    assert tick(NOW + timedelta(minutes=1)).sent == 0  # not before the backoff
    assert tick(NOW + BACKOFF[0]).sent == 1

    run.refresh_from_db()
    assert (run.status, run.attempts, run.error) == ("sent", 2, "")
    assert len(mail.to("boss@example.com")) == 1
    assert ReportRun.objects.count() == 1


def test_a_run_fails_after_its_last_attempt(world: World, mail: Smtp, builds: Builds) -> None:
    make_schedule(world.supervisor, emails=["boss@example.com"], next_run_at=DUE)
    mail.reject = "550 mailbox unavailable"
    at = NOW
    tick(at)
    for delay in BACKOFF:
        at += delay
        tick(at)

    run = ReportRun.objects.get()
    assert (run.status, run.attempts, run.next_attempt_at) == ("failed", 4, None)
    assert tick(at + timedelta(days=1) - timedelta(minutes=5)).sent == 0


def test_robot_gets_a_summary_and_only_failed_recipients_are_retried(
    world: World, mail: Smtp, builds: Builds, robot_server: Server
) -> None:
    key = "robot-key-0123"
    robot = TeamRobot.objects.create(
        team=world.it_team,
        vendor=Vendor.WECOM,
        name="值班群",
        webhook_url=f"{robot_server.url}/cgi-bin/webhook/send?key={key}",
    )
    answers = iter([(200, {"errcode": 45009, "errmsg": "api freq out of limit"})])
    robot_server.responder = lambda seen: next(answers, None) or wecom_robot(key)(seen)
    make_schedule(world.admin, emails=["boss@example.com"], robots=[robot.pk], next_run_at=DUE)

    tick(NOW)
    run = ReportRun.objects.get()
    assert run.status == "retrying"
    assert run.outcomes[f"robot:{robot.pk}"]["ok"] is False
    assert "45009" in run.outcomes[f"robot:{robot.pk}"]["error"]

    tick(NOW + BACKOFF[0])

    run.refresh_from_db()
    assert run.status == "sent"
    assert len(mail.to("boss@example.com")) == 1  # the mail went out once
    assert len(robot_server.seen) == 2
    content = robot_server.seen[1].json()["markdown"]["content"]
    assert "每日概览 Daily overview" in content and "**700**" in content
    assert "/desk/reports/?period=custom&start=2026-12-06&end=2026-12-06" in content


def test_a_gone_robot_is_a_recorded_failure(world: World, builds: Builds) -> None:
    make_schedule(world.admin, robots=[999999], next_run_at=DUE)

    tick(NOW)

    run = ReportRun.objects.get()
    assert run.status == "retrying"
    assert "LookupError" in run.outcomes["robot:999999"]["error"]


def test_a_recipient_who_left_gets_nothing(world: World, mail: Smtp, builds: Builds) -> None:
    make_schedule(world.supervisor, users=[world.agent], next_run_at=DUE)
    world.agent.is_active = False
    world.agent.save(update_fields=["is_active"])

    tick(NOW)

    assert mail.messages == [] and builds.calls == []
    assert ReportRun.objects.get().status == "retrying"


def _created(message: EmailMessage) -> str:
    """The "Created" figure of a report mail's summary table."""
    html = _html(message)
    row = html.split("<td>Created</td>", 1)[1]
    return row.split("<strong>", 1)[1].split("</strong>", 1)[0]


def test_real_reports_are_scoped_to_each_recipient(
    world: World, mail: Smtp, field_supervisor: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the engine's selectors: the Field supervisor's mail counts the Field team's tickets,
    the agent's their own, the address the owner's (the whole desk); the attached workbook
    says the same."""
    at = mover(monkeypatch)
    at(datetime(2026, 12, 6, 9, 0, tzinfo=SH))
    world.ticket(by=world.agent, assignee=world.agent)
    world.ticket()
    world.ticket(ticket_type=world.repair, title="现场 Onsite")
    sync()
    at(NOW)
    make_schedule(
        world.supervisor,
        users=[world.agent, field_supervisor],
        emails=["boss@example.com"],
        next_run_at=DUE,
    )

    assert tick(NOW).sent == 1

    assert _created(mail.to("boss@example.com")[0]) == "3"
    assert _created(mail.to("field_sup@gongdan.test")[0]) == "1"
    assert _created(mail.to("agent@gongdan.test")[0]) == "1"
    field_file = _attachments(mail.to("field_sup@gongdan.test")[0])[0][1]
    assert _summary(field_file)["Created"][0] == 1


def test_a_recipient_removed_after_a_failure_is_not_waited_for(
    world: World, mail: Smtp, builds: Builds
) -> None:
    schedule = make_schedule(
        world.admin, emails=["boss@example.com"], robots=[999999], next_run_at=DUE
    )
    tick(NOW)
    assert ReportRun.objects.get().status == "retrying"

    schedule.robots = []
    schedule.save(update_fields=["robots"])
    tick(NOW + BACKOFF[0])

    run = ReportRun.objects.get()
    assert (run.status, run.error) == ("sent", "")
    assert len(mail.to("boss@example.com")) == 1


def test_an_owner_who_no_longer_manages_sends_their_view_nowhere(
    world: World, mail: Smtp, builds: Builds
) -> None:
    make_schedule(world.supervisor, emails=["boss@example.com"], next_run_at=DUE)
    world.supervisor.role = "agent"
    world.supervisor.save(update_fields=["role"])

    tick(NOW)

    run = ReportRun.objects.get()
    assert run.status == "retrying" and "PermissionError" in run.error
    assert mail.messages == [] and builds.calls == []


def test_a_run_that_breaks_as_a_whole_is_retried_then_failed(
    world: World, builds: Builds, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gongdan.reports import schedule_engine

    def broken(*args: Any) -> list[Any]:
        raise RuntimeError("boom")

    monkeypatch.setattr(schedule_engine, "_recipients", broken)
    make_schedule(world.admin, emails=["boss@example.com"], next_run_at=DUE)

    result = tick(NOW)
    run = ReportRun.objects.get()
    assert result.errors == [f"run {run.pk}: RuntimeError('boom')"]
    assert (run.status, run.next_attempt_at, run.error) == (
        "retrying",
        NOW + BACKOFF[0],
        "RuntimeError: boom",
    )
    at = NOW
    for delay in BACKOFF:
        at += delay
        tick(at)
    run.refresh_from_db()
    assert (run.status, run.attempts, run.next_attempt_at) == ("failed", 4, None)
    assert ReportSchedule.objects.get().last_status == "failed"
