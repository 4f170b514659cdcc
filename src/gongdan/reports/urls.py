"""/desk/reports/ (namespace ``reports``)."""

from django.urls import path

from gongdan.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("agents/", views.agents, name="agents"),
    path("stages/", views.stage_dwell, name="stage_dwell"),
    path("insight/", views.insight, name="insight"),
    path("cost/", views.cost, name="cost"),
    path("export/", views.export, name="export"),
    path("trends/", views.trends, name="trends"),
    path("live/", views.live, name="live"),
]
