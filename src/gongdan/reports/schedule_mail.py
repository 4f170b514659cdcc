"""What a scheduled report says: the mail (HTML summary + attached files) and the robot text.

Called inside ``translation.override(<recipient's language>)``: every label is rendered then.
Mail goes through Django's mail (``MAILERS``), marked auto-generated like the desk's other mail.
"""

from __future__ import annotations

import urllib.parse
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import formats
from django.utils.translation import gettext as _

from gongdan.accounts.choices import Language
from gongdan.reports import render
from gongdan.reports.periods import Period
from gongdan.reports.results import Number, Report, Stat
from gongdan.reports.schedule_models import FileFormat, ReportSchedule

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROBOT_STATS = 8  # the robot summary's first figures
#: Each report's dashboard page under /desk/reports/ (the overview is the index).
PAGES = {"agents": "agents/", "stage_dwell": "stages/", "insight": "insight/"}


def language_for(value: str | None) -> str:
    """A user's language, else the desk's default (``LANGUAGE_CODE``)."""
    value = (value or "").lower()
    return value if value in Language.values else str(settings.LANGUAGE_CODE).lower()


def dashboard_path(schedule: ReportSchedule, period: Period) -> str:
    """The dashboard with this run's period and filters (the reader sees their own scope)."""
    query = {"period": "custom", "start": period.start.isoformat(), "end": period.end.isoformat()}
    query.update({k: str(v) for k, v in (schedule.filters or {}).items() if v not in (None, "")})
    page = PAGES.get(schedule.report, "")
    return f"/desk/reports/{page}?" + urllib.parse.urlencode(query)


def format_value(value: Number, unit: str) -> str:
    """A figure as a reader reads it: "—" for no value, durations in h/min, ratios in %."""
    if value is None:
        return "—"
    if unit == "seconds":
        minutes = round(float(value) / 60)
        hours, rest = divmod(minutes, 60)
        if hours >= 24:
            return _("%(d)s d %(h)s h") % {"d": hours // 24, "h": hours % 24}
        return (
            _("%(h)s h %(m)s min") % {"h": hours, "m": rest}
            if hours
            else _("%(m)s min") % {"m": rest}
        )
    if unit == "ratio":
        return f"{float(value) * 100:.1f}%"
    if unit == "money":
        return "¥" + formats.number_format(float(value), 2, force_grouping=True)
    if unit == "minutes":
        return _("%(m)s min") % {"m": formats.number_format(value, 0, force_grouping=True)}
    if isinstance(value, float):
        return formats.number_format(value, 2, force_grouping=True)
    return formats.number_format(value, 0, force_grouping=True)


def _rows(stats: list[Stat]) -> list[dict[str, str]]:
    return [
        {
            "label": str(s.label),
            "value": format_value(s.value, s.unit),
            "previous": format_value(s.previous, s.unit),
        }
        for s in stats
    ]


def subject(schedule: ReportSchedule, period: Period) -> str:
    return _("Scheduled report “%(name)s”: %(start)s – %(end)s") % {
        "name": schedule.name,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
    }


def attachments(schedule: ReportSchedule, report: Report) -> list[tuple[str, bytes, str]]:
    """The files of ``report`` in the schedule's format (rendered by ``reports.render``)."""
    stem = f"{schedule.report}-{report.period.start:%Y%m%d}-{report.period.end:%Y%m%d}"
    files = []
    if schedule.file_format in (FileFormat.XLSX, FileFormat.BOTH):
        files.append((f"{stem}.xlsx", render.report_xlsx(report), XLSX))
    if schedule.file_format in (FileFormat.PDF, FileFormat.BOTH):
        files.append((f"{stem}.pdf", render.report_pdf(report), "application/pdf"))
    return files


def send_report_mail(*, schedule: ReportSchedule, report: Report, to: str, name: str) -> None:
    """One mail to ``to``: text and HTML summary of the stats, the files attached."""
    context = {
        "schedule": schedule,
        "report_title": str(report.title),
        "period": report.period,
        "rows": _rows(report.stats),
        "name": name,
        "link": settings.SITE_URL + dashboard_path(schedule, report.period),
    }
    text = render_to_string("reports/schedules/mail.txt", context)
    html = render_to_string("reports/schedules/mail.html", context)
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "gongdan.local"
    mail = EmailMultiAlternatives(
        subject(schedule, report.period),
        text,
        settings.DEFAULT_FROM_EMAIL,
        [to],
        headers={
            "Message-ID": make_msgid(idstring=f"gdreport{schedule.pk}", domain=domain),
            "Auto-Submitted": "auto-generated",
            "X-Auto-Response-Suppress": "All",
        },
    )
    mail.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments(schedule, report):
        mail.attach(filename, content, mimetype)
    mail.send(fail_silently=False)


def robot_summary(schedule: ReportSchedule, report: Report) -> tuple[str, str]:
    """(title, markdown) for a group robot: the first figures and a link, no file."""
    title = subject(schedule, report.period)
    lines = [f"**{title}**", ""]
    lines += [f"- {r['label']}: **{r['value']}**" for r in _rows(report.stats[:ROBOT_STATS])]
    link = settings.SITE_URL + dashboard_path(schedule, report.period)
    lines += ["", f"[{_('Open the dashboard')}]({link})"]
    return title, "\n".join(lines)
