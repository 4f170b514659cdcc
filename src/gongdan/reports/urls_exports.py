"""/desk/exports/ (``exports:`` names); the dashboards live in ``reports.urls`` (/desk/reports/)."""

from django.urls import path

from gongdan.reports.views_exports import (
    export_download_view,
    export_list_view,
    export_row_view,
    export_tickets_view,
)

app_name = "exports"
urlpatterns = [
    path("", export_list_view, name="list"),
    path("tickets/", export_tickets_view, name="tickets"),
    path("<int:pk>/", export_row_view, name="row"),
    path("<int:pk>/download/", export_download_view, name="download"),
]
