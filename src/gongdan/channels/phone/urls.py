from django.urls import path

from gongdan.channels.phone import views

app_name = "calls"
urlpatterns = [
    path("new/", views.call_new, name="new"),
    path("caller/", views.caller_lookup, name="caller"),
]
