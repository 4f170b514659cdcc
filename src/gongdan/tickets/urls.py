from django.urls import path

from gongdan.tickets.views.attachments import attachment_download

app_name = "tickets"
urlpatterns = [
    path("attachments/<int:pk>/", attachment_download, name="attachment_download"),
]
