"""/desk/reports/ (namespace ``reports``)."""

from django.urls import path

from gongdan.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.report_tab, {"name": "overview"}, name="overview"),
    path("agents/", views.report_tab, {"name": "agents"}, name="agents"),
    path("stages/", views.report_tab, {"name": "stage_dwell"}, name="stage_dwell"),
    path("insight/", views.report_tab, {"name": "insight"}, name="insight"),
    path("cost/", views.report_tab, {"name": "cost"}, name="cost"),
    path("export/", views.export, name="export"),
    path("trends/", views.trends, name="trends"),
    path("live/", views.live, name="live"),
]
