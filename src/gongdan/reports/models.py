"""The reports app's models (each part of the analytics work keeps its own in a module here)."""

from gongdan.reports.schedule_models import ReportRun, ReportSchedule

__all__ = ["ReportRun", "ReportSchedule"]
