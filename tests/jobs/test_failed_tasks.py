"""A task that fails for the last time is kept with its error; admins retry or dismiss it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from gongdan.core.errors import Conflict, Forbidden
from gongdan.core.models import OutboxEvent
from gongdan.jobs import lease
from gongdan.jobs.huey import PERIODIC_LEASE, SqliteHuey
from gongdan.jobs.models import FailedTask, SchedulerLease
from gongdan.jobs.services import failed_task_dismiss, failed_task_retry
from gongdan.jobs.tasks import job
from gongdan.testing import World

runs: list[str] = []
fail_next = {"on": True}


@job(retries=0)
def flaky(label: str) -> None:
    """Fails while ``fail_next["on"]``; otherwise leaves a row behind (its effect)."""
    runs.append(label)
    if fail_next["on"]:
        raise ValueError(f"cannot handle {label}")
    OutboxEvent.objects.create(event_type="test.flaky_done", payload={"label": label})


@pytest.fixture(autouse=True)
def _reset() -> None:
    runs.clear()
    fail_next["on"] = True


def test_a_final_failure_is_recorded_with_arguments_error_and_traceback(db: None) -> None:
    flaky("订单-1")  # immediate mode in tests: runs now, fails, no retries left

    failed = FailedTask.objects.get()
    assert failed.task_name == "tests.jobs.test_failed_tasks.flaky"
    assert failed.args == ["订单-1"] and failed.state == FailedTask.State.FAILED
    assert "cannot handle 订单-1" in failed.error
    assert "ValueError" in failed.traceback


def test_an_admin_retries_it_and_it_runs_again(world: World) -> None:
    flaky("x")
    failed = FailedTask.objects.get()
    fail_next["on"] = False

    # The re-enqueue happens on commit; run the commit hooks like a real request would.
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        failed_task_retry(actor=world.admin, failed=failed)

    failed.refresh_from_db()
    assert (failed.state, failed.handled_by) == (FailedTask.State.RETRIED, world.admin)
    assert runs == ["x", "x"]
    assert OutboxEvent.objects.filter(event_type="test.flaky_done").count() == 1


def test_a_failure_is_handled_once_and_only_by_admins(world: World) -> None:
    flaky("y")
    failed = FailedTask.objects.get()

    for outsider in (world.supervisor, world.agent, world.customer):
        with pytest.raises(Forbidden):
            failed_task_dismiss(actor=outsider, failed=failed)
    failed_task_dismiss(actor=world.admin, failed=failed)
    with pytest.raises(Conflict):
        failed_task_retry(actor=world.admin, failed=failed)

    failed.refresh_from_db()
    assert failed.state == FailedTask.State.DISMISSED
    assert runs == ["y"]


def test_the_admin_lists_failed_tasks_for_admins_only(world: World) -> None:
    flaky("z")

    page = world.client_for(world.admin).get("/admin/jobs/failedtask/")
    assert page.status_code == 200 and "cannot handle z" in page.content.decode()
    for outsider in (world.supervisor, world.agent, world.customer):
        response = world.client_for(outsider).get("/admin/jobs/failedtask/")
        assert response.status_code == 302  # to the admin login: not staff


def test_the_admin_retry_action(world: World) -> None:
    flaky("w")
    failed = FailedTask.objects.get()
    fail_next["on"] = False

    response = world.client_for(world.admin).post(
        "/admin/jobs/failedtask/",
        {"action": "retry", "_selected_action": [failed.pk]},
        follow=True,
    )

    assert response.status_code == 200
    failed.refresh_from_db()
    assert failed.state == FailedTask.State.RETRIED


# --- the periodic scheduler's lease -------------------------------------------------------------


def test_only_the_lease_holder_enqueues_periodic_jobs(db: None) -> None:
    ttl = timedelta(seconds=150)
    assert lease.lease_hold("periodic-test", ttl=ttl, holder="a")
    assert not lease.lease_hold("periodic-test", ttl=ttl, holder="b")
    assert lease.lease_hold("periodic-test", ttl=ttl, holder="a")  # renewal

    SchedulerLease.objects.filter(name="periodic-test").update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )  # a stopped renewing (died)
    assert lease.lease_hold("periodic-test", ttl=ttl, holder="b")
    assert not lease.lease_hold("periodic-test", ttl=ttl, holder="a")


def test_read_periodic_answers_only_in_the_holding_process(db: None, tmp_path: object) -> None:
    from huey import crontab

    queue = SqliteHuey("lease-test", filename=f"{tmp_path}/q.db")

    @queue.periodic_task(crontab(minute="*"))
    def tick() -> None:
        pass

    now = queue._get_timestamp()
    assert [t.name for t in queue.read_periodic(now)] == ["tick"]  # took the free lease
    SchedulerLease.objects.filter(name=PERIODIC_LEASE).update(holder="another-consumer")
    assert queue.read_periodic(now) == []
