"""The scheduled-report engine: every minute, claim what is due, send it once, retry failures.

1. **Claim due schedules.** Only schedules whose ``next_run_at`` has passed are read (an index
   on ``next_run_at``; paused schedules have none), so a tick costs what is due, not what
   exists. Each is claimed by a conditional ``UPDATE … SET next_run_at = <next> WHERE pk = …
   AND next_run_at = <the due time read>``: of two ticks or two consumers, exactly one updates
   the row, and only that one creates the :class:`ReportRun` (in the same transaction; a unique
   constraint on (schedule, due_at) backs it). Runs missed while the desk was down collapse
   into one run for the latest due time.
2. **Send due runs.** A run is claimed the same way, on ``next_attempt_at`` (moved a lease
   ahead, so a crashed sender's run is picked up again later). Each recipient's outcome is
   saved as it goes; a failed recipient is retried with backoff (5 min, 30 min, 2 h) and only
   the failed ones are sent again. After the last attempt the run is ``failed``.

Who sees what: a **user recipient** gets the report built for them
(``report_build(user=recipient, …)``), so an agent gets their own figures and a supervisor
their teams'; **email addresses and group robots** get the owner's view (they are not users;
the owner chose to send their view there). Mail is in the recipient's language (addresses:
the desk's default language), with an HTML summary and the file(s) attached; user recipients
also get an in-app notification.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation

from gongdan.accounts.models import User
from gongdan.accounts.policies import is_manager, is_staff_user
from gongdan.notifications.choices import Kind
from gongdan.notifications.models import Notification
from gongdan.reports import hooks, schedule_mail
from gongdan.reports.filters import ReportFilters
from gongdan.reports.periods import Period
from gongdan.reports.results import Report
from gongdan.reports.schedule_models import ReportRun, ReportSchedule, RunStatus
from gongdan.reports.schedule_times import next_run_after, run_period
from gongdan.reports.selectors import report_build

logger = logging.getLogger(__name__)

BACKOFF = (timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))
MAX_ATTEMPTS = len(BACKOFF) + 1
LEASE = timedelta(minutes=15)  # a run being sent is not picked up again before this
BATCH = 50


@dataclass
class TickResult:
    claimed: int = 0  # schedules whose due time this tick claimed
    sent: int = 0  # runs fully sent
    retrying: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def tick(now: datetime | None = None, *, limit: int = 500) -> TickResult:
    """One engine pass (the periodic job): claim due schedules, then send due runs."""
    now = now or timezone.now()
    result = TickResult()
    claim_due_schedules(now, result, limit=limit)
    send_due_runs(now, result, limit=limit)
    return result


# --- 1. schedules ----------------------------------------------------------------------------
def claim_due_schedules(now: datetime, result: TickResult, *, limit: int) -> None:
    while result.claimed < limit:
        due = list(
            ReportSchedule.objects.filter(next_run_at__lte=now, is_active=True).order_by(
                "next_run_at", "pk"
            )[:BATCH]
        )
        if not due:
            return
        won = sum(_claim_schedule(schedule, now) for schedule in due)
        result.claimed += won
        if won == 0 or len(due) < BATCH:
            return  # every row read was taken by another consumer: they are on it


def _claim_schedule(schedule: ReportSchedule, now: datetime) -> bool:
    due_at = schedule.next_run_at
    assert due_at is not None
    following = next_run_after(schedule, max(now, due_at))
    period = run_period(schedule, due_at)
    try:
        with transaction.atomic():
            won = ReportSchedule.objects.filter(
                pk=schedule.pk, next_run_at=due_at, is_active=True
            ).update(next_run_at=following, last_run_at=now)
            if not won:
                return False
            ReportRun.objects.create(
                schedule_id=schedule.pk,
                due_at=due_at,
                period_start=period.start,
                period_end=period.end,
                status=RunStatus.PENDING,
                next_attempt_at=now,
            )
    except IntegrityError:  # this due time has its run already: only move on to the next one
        ReportSchedule.objects.filter(pk=schedule.pk, next_run_at=due_at).update(
            next_run_at=following
        )
        return False
    return True


# --- 2. runs ---------------------------------------------------------------------------------
def send_due_runs(now: datetime, result: TickResult, *, limit: int) -> None:
    handled = 0
    while handled < limit:
        due = list(
            ReportRun.objects.filter(
                next_attempt_at__lte=now, status__in=(RunStatus.PENDING, RunStatus.RETRYING)
            ).order_by("next_attempt_at", "pk")[:BATCH]
        )
        if not due:
            return
        for run in due:
            handled += 1
            _claim_and_send(run, now, result)
        if len(due) < BATCH:
            return


def _claim_and_send(run: ReportRun, now: datetime, result: TickResult) -> None:
    claimed = ReportRun.objects.filter(pk=run.pk, next_attempt_at=run.next_attempt_at).update(
        next_attempt_at=now + LEASE, attempts=F("attempts") + 1
    )
    if not claimed:
        return
    run.refresh_from_db()
    try:
        run_send(run, now)
    except Exception as exc:  # not a recipient's failure: the run as a whole is retried
        logger.exception("scheduled report run %s failed", run.pk)
        result.errors.append(f"run {run.pk}: {exc!r}")
        _retry_or_fail(run, now, f"{type(exc).__name__}: {exc}")
        return
    if run.status == RunStatus.SENT:
        result.sent += 1
    elif run.status == RunStatus.RETRYING:
        result.retrying += 1
    else:
        result.failed += 1


def send_run_now(run_id: int, now: datetime | None = None) -> TickResult:
    """Send one pending run at once ("run now"), claimed like any other."""
    now = now or timezone.now()
    result = TickResult()
    run = ReportRun.objects.filter(
        pk=run_id, next_attempt_at__lte=now, status__in=(RunStatus.PENDING, RunStatus.RETRYING)
    ).first()
    if run is not None:
        _claim_and_send(run, now, result)
    return result


@dataclass
class _Context:
    """What one run sends: the period, the filters, and the owner's report (built once)."""

    schedule: ReportSchedule
    period: Period
    filters: ReportFilters
    _owner_report: Report | None = None

    def build(self, user: User) -> Report:
        return report_build(
            user=user, name=self.schedule.report, period=self.period, filters=self.filters
        )

    def owner_report(self) -> Report:
        """The owner's view, for addresses and robots (only while the owner still manages)."""
        if not is_manager(self.schedule.owner):
            raise PermissionError("the schedule's owner is no longer a supervisor or admin")
        if self._owner_report is None:
            self._owner_report = self.build(self.schedule.owner)
        return self._owner_report


def _recipients(schedule: ReportSchedule, ctx: _Context) -> list[tuple[str, Callable[[], None]]]:
    out: list[tuple[str, Callable[[], None]]] = []
    for user in schedule.users.all():
        out.append((f"user:{user.pk}", partial(_send_to_user, ctx, user)))
    for address in schedule.emails:
        out.append((f"email:{address}", partial(_send_to_address, ctx, address)))
    for robot_id in schedule.robots:
        out.append((f"robot:{robot_id}", partial(_send_to_robot, ctx, int(robot_id))))
    return out


def run_send(run: ReportRun, now: datetime) -> ReportRun:
    """Send ``run`` to every recipient not yet served, then record the outcome (and retry)."""
    schedule = ReportSchedule.objects.select_related("owner").get(pk=run.schedule_id)
    ctx = _Context(
        schedule=schedule,
        period=Period(run.period_start, run.period_end),
        filters=ReportFilters(**schedule.filters),
    )
    outcomes: dict[str, Any] = dict(run.outcomes or {})
    recipients = _recipients(schedule, ctx)
    for key, send in recipients:
        if outcomes.get(key, {}).get("ok"):
            continue
        try:
            send()
            outcomes[key] = {"ok": True, "error": "", "at": timezone.now().isoformat()}
        except Exception as exc:
            logger.warning("scheduled report %s to %s failed: %r", schedule.pk, key, exc)
            error = f"{type(exc).__name__}: {exc}"[:500]
            outcomes[key] = {"ok": False, "error": error, "at": timezone.now().isoformat()}
        ReportRun.objects.filter(pk=run.pk).update(outcomes=outcomes)
    _finish(run, schedule, outcomes, [key for key, _send in recipients], now)
    return run


def _finish(
    run: ReportRun,
    schedule: ReportSchedule,
    outcomes: dict[str, Any],
    keys: list[str],
    now: datetime,
) -> None:
    """Sent when every current recipient got it (one removed since is no longer waited for)."""
    failures = {k: outcomes[k]["error"] for k in keys if not outcomes[k].get("ok")}
    run.outcomes = outcomes
    run.error = "\n".join(f"{k}: {e}" for k, e in failures.items())[:4000]
    if not failures:
        run.status, run.next_attempt_at, run.sent_at = RunStatus.SENT, None, timezone.now()
    elif run.attempts < MAX_ATTEMPTS:
        run.status = RunStatus.RETRYING
        run.next_attempt_at = now + BACKOFF[max(run.attempts, 1) - 1]
    else:
        run.status, run.next_attempt_at = RunStatus.FAILED, None
    run.save(update_fields=["outcomes", "error", "status", "next_attempt_at", "sent_at"])
    ReportSchedule.objects.filter(pk=schedule.pk).update(last_status=run.status)


def _retry_or_fail(run: ReportRun, now: datetime, error: str) -> None:
    retry = run.attempts < MAX_ATTEMPTS
    status = RunStatus.RETRYING if retry else RunStatus.FAILED
    ReportRun.objects.filter(pk=run.pk).update(
        status=status,
        error=error[:4000],
        next_attempt_at=now + BACKOFF[max(run.attempts, 1) - 1] if retry else None,
    )
    ReportSchedule.objects.filter(pk=run.schedule_id).update(last_status=status)
    run.status = status


# --- each kind of recipient ------------------------------------------------------------------
def _send_to_user(ctx: _Context, user: User) -> None:
    """The report as ``user`` may see it, by mail (if they have an address) and in the app."""
    if not is_staff_user(user):
        raise PermissionError("the recipient is no longer an active staff member")
    language = schedule_mail.language_for(user.language)
    with translation.override(language):
        report = ctx.build(user)
        if user.email:
            schedule_mail.send_report_mail(
                schedule=ctx.schedule, report=report, to=user.email, name=user.display_name
            )
    Notification.objects.create(
        recipient=user,
        kind=Kind.REPORT_SENT,
        data={
            "schedule": ctx.schedule.pk,
            "schedule_name": ctx.schedule.name,
            "start": ctx.period.start.isoformat(),
            "end": ctx.period.end.isoformat(),
            "link": schedule_mail.dashboard_path(ctx.schedule, ctx.period),
        },
    )


def _send_to_address(ctx: _Context, address: str) -> None:
    with translation.override(schedule_mail.language_for("")):
        schedule_mail.send_report_mail(
            schedule=ctx.schedule, report=ctx.owner_report(), to=address, name=""
        )


def _send_to_robot(ctx: _Context, robot_id: int) -> None:
    with translation.override(schedule_mail.language_for("")):
        title, text = schedule_mail.robot_summary(ctx.schedule, ctx.owner_report())
        hooks.robot_post(robot_id, title, text)
