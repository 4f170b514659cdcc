from django.urls import path

from gongdan.channels.webform.views import webform_page, webform_submit_view

app_name = "webform"
urlpatterns = [
    path("<slug:key>/", webform_page, name="page"),
    path("<slug:key>/submit", webform_submit_view, name="submit"),
]
