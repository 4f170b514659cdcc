from django.urls import path

from gongdan.channels.email import views

app_name = "email_channel"
urlpatterns = [
    path("inbound/<int:mailbox_id>/", views.inbound, name="inbound"),
]
