from django.urls import path

from gongdan.knowledge import views

app_name = "knowledge"
urlpatterns = [
    path("", views.article_list, name="list"),
    path("new/", views.article_new, name="new"),
    path("<int:pk>/", views.article_detail, name="detail"),
    path("<int:pk>/edit/", views.article_edit, name="edit"),
    path("<int:pk>/status/", views.article_transition, name="transition"),
    path("<int:pk>/revisions/", views.article_revisions, name="revisions"),
    path("<int:pk>/restore/", views.article_restore, name="restore"),
    path("<int:pk>/files/", views.file_upload, name="file_upload"),
    path("files/<int:pk>/", views.file_download, name="file"),
    path("ticket/<str:number>/", views.ticket_panel, name="ticket_panel"),
]
