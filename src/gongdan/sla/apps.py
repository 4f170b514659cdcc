from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "gongdan.sla"
    label = "sla"
    verbose_name = _("Service levels")

    def ready(self) -> None:
        from gongdan.sla import engine, tasks  # noqa: F401 - registers the jobs
        from gongdan.sla.models import (
            BusinessCalendar,
            EscalationLevel,
            SlaPolicy,
            SpecialDay,
            WorkingHours,
        )

        # The per-process policy cache is dropped when policies, levels or calendars change.
        for model in (SlaPolicy, EscalationLevel, BusinessCalendar, WorkingHours, SpecialDay):
            for signal in (post_save, post_delete):
                signal.connect(engine.invalidate, sender=model, dispatch_uid=f"sla-{model}")
        for through in (
            SlaPolicy.organizations.through,
            SlaPolicy.ticket_types.through,
            SlaPolicy.categories.through,
            EscalationLevel.add_watchers.through,
        ):
            m2m_changed.connect(
                engine.invalidate, sender=through, dispatch_uid=f"sla-m2m-{through}"
            )
