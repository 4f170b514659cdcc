from django.urls import path

from gongdan.tickets.views import actions, composer, create, detail, followups, lists, time
from gongdan.tickets.views.attachments import attachment_download

app_name = "tickets"
urlpatterns = [
    path("", lists.desk_index, name="index"),
    path("tickets/", lists.ticket_list_view, name="list"),
    path("tickets/new/", create.ticket_new, name="new"),
    path("tickets/bulk/", lists.ticket_bulk_view, name="bulk"),
    path("tickets/density/", lists.list_density_view, name="list_density"),
    path("tickets/columns/", lists.list_columns_view, name="list_columns"),
    path("contacts/search/", create.contact_search, name="contact_search"),
    path("views/", lists.saved_view_create_view, name="saved_view_create"),
    path("views/<int:pk>/delete/", lists.saved_view_delete_view, name="saved_view_delete"),
    path("tickets/<str:number>/", detail.ticket_detail, name="detail"),
    path("tickets/<str:number>/customer/", composer.customer_panel_view, name="customer_panel"),
    path("compose/preview/", composer.markdown_preview, name="markdown_preview"),
    path("compose/mentions/", composer.mention_suggestions, name="mention_suggestions"),
    path("tickets/<str:number>/remind/", followups.ticket_remind, name="remind"),
    path(
        "tickets/<str:number>/reminders/<int:pk>/cancel/",
        followups.reminder_cancel,
        name="reminder_cancel",
    ),
    path("supervision/", followups.supervision_index, name="supervision_list"),
    path("supervision/new/", followups.supervision_new, name="supervision_new"),
    path("supervision/<int:pk>/", followups.supervision_detail, name="supervision_detail"),
    path(
        "supervision/<int:pk>/respond/", followups.supervision_respond, name="supervision_respond"
    ),
    path("supervision/<int:pk>/decide/", followups.supervision_decide, name="supervision_decide"),
    path("supervision/<int:pk>/cancel/", followups.supervision_cancel, name="supervision_cancel"),
    path("tickets/<str:number>/reply/", actions.ticket_reply, name="reply"),
    path("tickets/<str:number>/assign/", actions.ticket_assign, name="assign"),
    path("tickets/<str:number>/status/", actions.ticket_status, name="status"),
    path("tickets/<str:number>/fields/", actions.ticket_fields, name="fields"),
    path("tickets/<str:number>/split/", actions.ticket_split, name="split"),
    path("tickets/<str:number>/link/", actions.ticket_link, name="link"),
    path("tickets/<str:number>/merge/", actions.ticket_merge, name="merge"),
    path("tickets/<str:number>/watchers/", actions.ticket_watch, name="watch"),
    path(
        "tickets/<str:number>/watchers/<int:watcher_id>/remove/",
        actions.ticket_unwatch,
        name="unwatch",
    ),
    path("tickets/<str:number>/time/", time.time_panel, name="time_panel"),
    path("tickets/<str:number>/time/log/", time.time_log, name="time_log"),
    path("tickets/<str:number>/time/timer/", time.time_timer, name="time_timer"),
    path("tickets/<str:number>/time/<int:pk>/delete/", time.time_delete, name="time_delete"),
    path("settings/cost-rates/", time.cost_rates, name="cost_rates"),
    path("attachments/<int:pk>/", attachment_download, name="attachment_download"),
]
