from django.urls import path

from gongdan.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("badge/", views.badge, name="badge"),
    path("read-all/", views.read_all, name="read_all"),
    path("read-group/", views.read_group, name="read_group"),
    path("preferences/", views.preferences, name="preferences"),
    path("teams/", views.team_list, name="team_list"),
    path("teams/<int:team_id>/", views.team_defaults, name="team_defaults"),
    path("<int:pk>/open/", views.open_one, name="open"),
]
