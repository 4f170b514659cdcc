"""/desk/reports/schedules/: the scheduled reports' pages (``views_schedules``)."""

from django.urls import path

from gongdan.reports import views_schedules as views

app_name = "report_schedules"

urlpatterns = [
    path("", views.schedule_list, name="list"),
    path("new/", views.schedule_new, name="new"),
    path("<int:pk>/", views.schedule_detail, name="detail"),
    path("<int:pk>/edit/", views.schedule_edit, name="edit"),
    path("<int:pk>/toggle/", views.schedule_toggle, name="toggle"),
    path("<int:pk>/run/", views.schedule_run, name="run"),
    path("<int:pk>/delete/", views.schedule_delete, name="delete"),
]
