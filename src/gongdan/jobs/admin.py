"""Failed background work for admins: see the error and traceback, retry or dismiss it."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from gongdan.core.admin import ReadOnlyAdmin
from gongdan.core.errors import DomainError
from gongdan.jobs.models import FailedTask, OutboxDelivery, SchedulerLease
from gongdan.jobs.services import failed_task_dismiss, failed_task_retry


@admin.register(FailedTask)
class FailedTaskAdmin(ReadOnlyAdmin):
    list_display = ["failed_at", "task_name", "error", "attempts", "state", "handled_by"]
    list_filter = ["state", "task_name"]
    search_fields = ["task_name", "error", "task_id"]
    date_hierarchy = "failed_at"
    actions = ["retry", "dismiss"]

    def _apply(self, request: HttpRequest, queryset: QuerySet[FailedTask], action: object) -> int:
        done = 0
        for failed in queryset.filter(state=FailedTask.State.FAILED):
            try:
                action(actor=request.user, failed=failed)  # type: ignore[operator]
            except DomainError as exc:
                self.message_user(request, f"{failed}: {exc.message}", messages.ERROR)
            except Exception as exc:  # the retried work failed again: say so, keep the row
                self.message_user(request, f"{failed}: {exc!r}", messages.ERROR)
            else:
                done += 1
        return done

    @admin.action(description=_("Retry the selected failed tasks"))
    def retry(self, request: HttpRequest, queryset: QuerySet[FailedTask]) -> None:
        done = self._apply(request, queryset, failed_task_retry)
        message = ngettext("%(n)d task was retried.", "%(n)d tasks were retried.", done)
        self.message_user(request, message % {"n": done}, messages.SUCCESS)

    @admin.action(description=_("Dismiss the selected failed tasks"))
    def dismiss(self, request: HttpRequest, queryset: QuerySet[FailedTask]) -> None:
        done = self._apply(request, queryset, failed_task_dismiss)
        message = ngettext("%(n)d task was dismissed.", "%(n)d tasks were dismissed.", done)
        self.message_user(request, message % {"n": done}, messages.SUCCESS)


@admin.register(OutboxDelivery)
class OutboxDeliveryAdmin(ReadOnlyAdmin):
    list_display = ["event", "subscriber", "delivered_at"]
    list_filter = ["subscriber"]


@admin.register(SchedulerLease)
class SchedulerLeaseAdmin(ReadOnlyAdmin):
    list_display = ["name", "holder", "expires_at"]
