from django.urls import path

from gongdan.assignment import views

app_name = "assignment"
urlpatterns = [
    path("", views.agents_view, name="agents"),
    path("availability/", views.availability, name="availability"),
    path("take-next/", views.take_next_view, name="take_next"),
    path("preview/<str:number>/", views.preview_view, name="preview"),
    path("teams/<int:team_id>/", views.team_settings_view, name="team_settings"),
]
