from django.urls import path

from gongdan.channels.wecom.views import wecom_callback

app_name = "wecom"
urlpatterns = [
    path("callback/<slug:app>/", wecom_callback, name="callback"),
]
