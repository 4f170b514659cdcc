"""/desk/ pages of the workspace shell (namespace ``shell``): the Settings index and the
sidebar's saved views. Settings pages themselves live in their apps and register in
``gongdan.core.settings_menu``."""

from django.urls import path

from gongdan.tickets.views import shell

app_name = "shell"
urlpatterns = [
    path("settings/", shell.settings_index, name="settings"),
    path("views/open/", shell.views_home, name="views_home"),
    path("views/sidebar/", shell.sidebar_views, name="sidebar_views"),
]
