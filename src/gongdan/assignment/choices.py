from django.db import models
from django.utils.translation import gettext_lazy as _


class OnUnavailable(models.TextChoices):
    """What happens to an agent's open tickets when the agent goes offline or on leave."""

    KEEP = "keep", _("Keep them with the agent")
    REDISTRIBUTE = "redistribute", _("Give them to available colleagues")


class PassReason(models.TextChoices):
    """Why the engine passed over a candidate (kept in the decision and its timeline entry)."""

    AWAY = "away", _("away")
    OFFLINE = "offline", _("offline")
    ON_LEAVE = "on_leave", _("on leave")
    AT_CAPACITY = "at_capacity", _("at capacity")
    LACKS_SKILL = "lacks_skill", _("lacks a required skill")
    TOO_FAR = "too_far", _("too far away")
    NO_LOCATION = "no_location", _("location unknown")
    EXCLUDED = "excluded", _("already tried")


class Strategy(models.TextChoices):
    """The parts of a candidate's score; each rule weighs them 0–10."""

    SKILLS = "skills", _("Skills")
    WORKLOAD = "workload", _("Workload")
    PRIORITY = "priority", _("Priority and seniority")
    LOCATION = "location", _("Location")
    PERFORMANCE = "performance", _("Performance")
    ROUND_ROBIN = "round_robin", _("Round robin")
