"""The customer portal under /portal/ (namespace ``portal``)."""

from django.contrib.auth.views import LogoutView
from django.urls import path

from gongdan.knowledge import portal_views as kb
from gongdan.portal.views import act, auth, lookup, password, reports, tickets
from gongdan.search.views import portal_search
from gongdan.tickets.choices import Status

app_name = "portal"
urlpatterns = [
    path("", auth.home, name="home"),
    path("register/", auth.register, name="register"),
    path("register/sent/", auth.register_sent, name="register_sent"),
    path("register/confirm/<str:token>/", auth.register_confirm, name="register_confirm"),
    path("login/", auth.PortalLoginView.as_view(), name="login"),
    path("password/reset/", password.password_reset, name="password_reset"),
    path("password/reset/sent/", password.password_reset_sent, name="password_reset_sent"),
    path(
        "password/reset/<uidb64>/<token>/",
        password.PortalPasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("password/done/", password.password_reset_done, name="password_reset_done"),
    path("logout/", LogoutView.as_view(next_page="portal:home"), name="logout"),
    path("tickets/", tickets.tickets, name="tickets"),
    path("search/", portal_search, name="search"),
    path("tickets/new/", tickets.ticket_new, name="new"),
    path("tickets/<str:number>/", tickets.ticket_detail, name="detail"),
    path("tickets/<str:number>/reply/", tickets.ticket_reply, name="reply"),
    path(
        "tickets/<str:number>/confirm/", tickets.ticket_move, {"to": Status.CLOSED}, name="confirm"
    ),
    path(
        "tickets/<str:number>/reopen/", tickets.ticket_move, {"to": Status.REOPENED}, name="reopen"
    ),
    path(
        "tickets/<str:number>/cancel/", tickets.ticket_move, {"to": Status.CANCELLED}, name="cancel"
    ),
    path("tickets/<str:number>/hurry/", tickets.ticket_hurry_view, name="hurry"),
    path("reports/", reports.org_report, name="reports"),
    path("act/<str:token>/", act.act, name="act"),
    path("kb/", kb.kb_home, name="kb_home"),
    path("kb/suggest/", kb.kb_suggest, name="kb_suggest"),
    path("kb/<int:pk>/", kb.kb_article, name="kb_article"),
    path("kb/<int:pk>/feedback/", kb.kb_feedback, name="kb_feedback"),
    path("lookup/", lookup.lookup, name="lookup"),
    path("lookup/verify/", lookup.lookup_verify, name="lookup_verify"),
    path("lookup/ticket/", lookup.lookup_ticket, name="lookup_ticket"),
]
