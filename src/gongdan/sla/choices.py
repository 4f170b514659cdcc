from django.db import models
from django.utils.translation import gettext_lazy as _

from gongdan.sla.clock import DayKind

# SlaTarget lives in tickets.choices: the ticket timeline and the notifications (below this app)
# name the targets too. Re-exported here for the SLA code.
from gongdan.tickets.choices import SlaTarget as SlaTarget

# The China mainland calendar seeded from ``chinesecalendar`` (``seeding.py``).
CHINA_CODE = "cn-mainland"
# Calendars whose special days follow the official schedule: warned about in December.
OFFICIAL_CODES = (CHINA_CODE,)


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
