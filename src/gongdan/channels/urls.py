"""Workspace pages for channel configuration (administrators only), under /desk/channels/."""

from django.urls import path

from gongdan.channels import views as robots
from gongdan.channels.webhooks import views

app_name = "channels"
urlpatterns = [
    path("robots/", robots.robot_list, name="robot_list"),
    path("robots/new/", robots.robot_edit, name="robot_new"),
    path("robots/<int:robot_id>/", robots.robot_edit, name="robot_edit"),
    path("robots/<int:robot_id>/delete/", robots.robot_delete, name="robot_delete"),
    path("robots/<int:robot_id>/test/", robots.robot_test_view, name="robot_test"),
    path("webhooks/", views.webhook_list, name="webhook_list"),
    path("webhooks/new/", views.webhook_new, name="webhook_new"),
    path("webhooks/<int:webhook_id>/", views.webhook_detail, name="webhook_detail"),
    path("webhooks/<int:webhook_id>/delete/", views.webhook_delete_view, name="webhook_delete"),
    path("webhooks/<int:webhook_id>/ping/", views.webhook_ping_view, name="webhook_ping"),
    path(
        "webhooks/<int:webhook_id>/deliveries/<int:delivery_id>/redeliver/",
        views.webhook_redeliver_view,
        name="webhook_redeliver",
    ),
]
