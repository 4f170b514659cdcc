from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class AssignmentConfig(AppConfig):
    name = "gongdan.assignment"
    label = "assignment"
    verbose_name = _("Smart assignment")

    def ready(self) -> None:
        from gongdan.accounts.models import Skill
        from gongdan.assignment import engine, services, subscribers, tasks, triggers  # noqa: F401
        from gongdan.assignment.models import (
            AssignmentRule,
            RuleSkill,
            SkillRequirement,
            TeamAssignment,
        )

        # The per-process caches are dropped when their rows change in this process.
        for model in (AssignmentRule, RuleSkill, SkillRequirement, Skill):
            for signal in (post_save, post_delete):
                signal.connect(engine.invalidate, sender=model, dispatch_uid=f"asg-{model}")
        for signal in (post_save, post_delete):
            signal.connect(services.invalidate, sender=TeamAssignment, dispatch_uid="asg-team")
        # A migration that rebuilds a table on SQLite drops its triggers: put them back.
        post_migrate.connect(triggers.ensure, sender=self, dispatch_uid="asg-triggers")
