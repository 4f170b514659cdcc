from django.urls import path

from gongdan.search import views

app_name = "search"
urlpatterns = [
    path("", views.desk_search, name="desk"),
]
