"""URL map: / (redirects by role), /desk/ agent workspace, /portal/ customers, /api/v1/, /admin/."""

from django.contrib import admin
from django.urls import include, path

from gongdan.config.api import api
from gongdan.core import views as core_views

handler403 = "gongdan.core.views.permission_denied"

urlpatterns = [
    path("", include("gongdan.accounts.urls")),
    path("desk/sla/", include("gongdan.sla.simulator")),
    path("desk/settings/calendars/", include("gongdan.sla.calendar_views")),
    path("desk/settings/sla-policies/", include("gongdan.sla.policy_views")),
    path("desk/settings/", include("gongdan.tickets.settings_views")),
    path("desk/settings/", include("gongdan.channels.settings_views")),
    path("desk/settings/mail-templates/", include("gongdan.channels.email.template_views")),
    path("desk/settings/welcome/", include("gongdan.channels.welcome")),
    path("desk/customers/", include("gongdan.customers.urls")),
    path("desk/search/", include("gongdan.search.urls")),
    path("desk/knowledge/", include("gongdan.knowledge.urls")),
    path("desk/assignment/", include("gongdan.assignment.urls")),
    path("desk/reports/schedules/", include("gongdan.reports.urls_schedules")),
    path("desk/reports/", include("gongdan.reports.urls")),
    path("portal/", include("gongdan.portal.urls")),
    path("notifications/", include("gongdan.notifications.urls")),
    path("channels/email/", include("gongdan.channels.email.urls")),
    path("desk/channels/", include("gongdan.channels.urls")),
    path("desk/calls/", include("gongdan.channels.phone.urls")),
    path("desk/exports/", include("gongdan.reports.urls_exports")),
    path("desk/", include("gongdan.tickets.urls_shell")),
    path("desk/live/", include("gongdan.live.urls")),
    path("desk/", include("gongdan.tickets.urls")),
    path("channels/wecom/", include("gongdan.channels.wecom.urls")),
    path("channels/webform/", include("gongdan.channels.webform.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("icons.svg", core_views.icons, name="icons"),
]
