"""Workspace pages for channel configuration (administrators only), under /desk/channels/."""

from django.urls import path

from gongdan.channels import views as robots
from gongdan.channels.email import pages as mail
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
    path("mailboxes/", mail.mailbox_list, name="mailbox_list"),
    path("mailboxes/new/", mail.mailbox_edit, name="mailbox_new"),
    path("mailboxes/<int:mailbox_id>/", mail.mailbox_edit, name="mailbox_edit"),
    path("mailboxes/<int:mailbox_id>/secret/", mail.mailbox_secret, name="mailbox_secret"),
    path("mailboxes/<int:mailbox_id>/check/", mail.mailbox_check, name="mailbox_check"),
    path("mailboxes/<int:mailbox_id>/fetch/", mail.mailbox_fetch, name="mailbox_fetch"),
    path("mail/", mail.inbound_list, name="inbound_list"),
    path("mail/<int:message_id>/retry/", mail.inbound_retry, name="inbound_retry"),
    path("mail/<int:message_id>/raw/", mail.inbound_raw, name="inbound_raw"),
    path("mail/domains/", mail.maildomain_list, name="maildomain_list"),
    path("mail/domains/<int:domain_id>/delete/", mail.maildomain_delete, name="maildomain_delete"),
]
