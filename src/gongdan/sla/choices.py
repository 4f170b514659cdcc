from django.db import models
from django.utils.translation import gettext_lazy as _

from gongdan.sla.clock import DayKind


class SpecialDayKind(models.TextChoices):
    """Kinds of special day; the values are those of :class:`gongdan.sla.clock.DayKind`."""

    HOLIDAY = DayKind.HOLIDAY.value, _("Holiday")
    MAKEUP_WORKDAY = DayKind.MAKEUP_WORKDAY.value, _("Make-up workday")
    HALF_DAY = DayKind.HALF_DAY.value, _("Half day")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class SlaTarget(models.TextChoices):
    """What a service promise measures."""

    FIRST_RESPONSE = "first_response", _("First response")
    NEXT_RESPONSE = "next_response", _("Next response")
    RESOLUTION = "resolution", _("Resolution")
