from django.urls import path

from gongdan.assignment import requirement_views, settings_views, views

app_name = "assignment"
urlpatterns = [
    path("", views.agents_view, name="agents"),
    path("availability/", views.availability, name="availability"),
    path("take-next/", views.take_next_view, name="take_next"),
    path("preview/<str:number>/", views.preview_view, name="preview"),
    path("teams/<int:team_id>/", views.team_settings_view, name="team_settings"),
    path("skills/", settings_views.skill_list_view, name="skills"),
    path("skills/<int:pk>/", settings_views.skill_edit_view, name="skill"),
    path("skills/<int:pk>/delete/", settings_views.skill_delete_view, name="skill_delete"),
    path("agents/<int:user_id>/", settings_views.agent_edit_view, name="agent"),
    path("agents/<int:user_id>/skills/", settings_views.agent_skill_view, name="agent_skill"),
    path(
        "agents/<int:user_id>/skills/<str:code>/delete/",
        settings_views.agent_skill_remove_view,
        name="agent_skill_remove",
    ),
    path(
        "requirements/<slug:kind>/<int:pk>/",
        requirement_views.requirements_view,
        name="requirements",
    ),
    path("rules/", settings_views.rule_list_view, name="rules"),
    path("rules/new/", settings_views.rule_edit_view, name="rule_new"),
    path("rules/<int:pk>/", settings_views.rule_edit_view, name="rule"),
    path("rules/<int:pk>/delete/", settings_views.rule_delete_view, name="rule_delete"),
]
