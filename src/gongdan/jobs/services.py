"""Admins' actions on failed background work: retry it, or dismiss it. Both audited."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from huey.contrib.djhuey import HUEY

from gongdan.accounts.choices import Role
from gongdan.accounts.models import User
from gongdan.accounts.policies import has_role
from gongdan.audit.services import audit_record
from gongdan.core.errors import Conflict, Forbidden
from gongdan.jobs.models import FailedTask
from gongdan.jobs.outbox import redeliver

OUTBOX_PREFIX = "outbox:"


def _check_admin(actor: User) -> None:
    if not (has_role(actor, Role.ADMIN) or actor.is_superuser):
        raise Forbidden("permission.admin_only", _("Only administrators may do this."))


def _claim(actor: User, failed: FailedTask, state: str) -> None:
    """Move a failed task out of "failed" once (two admins pressing at once: one wins)."""
    moved = FailedTask.objects.filter(pk=failed.pk, state=FailedTask.State.FAILED).update(
        state=state, handled_by=actor, handled_at=timezone.now()
    )
    if not moved:
        raise Conflict("job.already_handled", _("Someone has already handled this failure."))


def failed_task_retry(*, actor: User, failed: FailedTask) -> None:
    """Run the failed work again: re-enqueue the task, or re-deliver the outbox event now."""
    _check_admin(actor)

    with transaction.atomic():
        _claim(actor, failed, FailedTask.State.RETRIED)
        audit_record(actor=actor, action="job.retried", obj=failed, data={"task": failed.task_name})
        if failed.task_name.startswith(OUTBOX_PREFIX):
            # Synchronous: the admin sees at once whether the fix worked (an error rolls back).
            redeliver(
                event_id=int(failed.args[0]),
                subscriber_name=failed.task_name.removeprefix(OUTBOX_PREFIX),
            )
            return
        task_class = HUEY._registry.string_to_task(failed.task_name)
        task = task_class(args=tuple(failed.args), kwargs=dict(failed.kwargs))
        transaction.on_commit(lambda: HUEY.enqueue(task))


def failed_task_dismiss(*, actor: User, failed: FailedTask) -> None:
    """Mark a failure as seen and not to be retried."""
    _check_admin(actor)
    with transaction.atomic():
        _claim(actor, failed, FailedTask.State.DISMISSED)
        audit_record(
            actor=actor, action="job.dismissed", obj=failed, data={"task": failed.task_name}
        )
