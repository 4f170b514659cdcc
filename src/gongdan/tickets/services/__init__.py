"""Ticket services: every write to tickets goes through these functions."""

from gongdan.tickets.services._common import require_staff
from gongdan.tickets.services.attachments import attachment_store, sanitize_filename
from gongdan.tickets.services.comments import attachment_add, comment_create
from gongdan.tickets.services.followups import (
    reminder_cancel,
    reminder_create,
    require_supervisor,
    supervision_cancel,
    supervision_decide,
    supervision_open,
    supervision_respond,
)
from gongdan.tickets.services.hurry import ticket_hurry
from gongdan.tickets.services.relations import (
    ticket_create_child,
    ticket_link,
    ticket_merge,
    watcher_add,
    watcher_remove,
    watchers_copied_add,
)
from gongdan.tickets.services.tickets import (
    UNSET,
    ticket_assign,
    ticket_create,
    ticket_transition,
    ticket_update,
)
from gongdan.tickets.services.time import (
    comment_create_with_time,
    cost_rate_set,
    time_entry_create,
    time_entry_delete,
    timer_start,
    timer_stop,
)
from gongdan.tickets.services.types import (
    category_create,
    category_update,
    require_admin,
    ticket_type_create,
    ticket_type_update,
)

__all__ = [
    "UNSET",
    "attachment_add",
    "attachment_store",
    "category_create",
    "category_update",
    "comment_create",
    "comment_create_with_time",
    "cost_rate_set",
    "reminder_cancel",
    "reminder_create",
    "require_admin",
    "require_staff",
    "require_supervisor",
    "sanitize_filename",
    "supervision_cancel",
    "supervision_decide",
    "supervision_open",
    "supervision_respond",
    "ticket_assign",
    "ticket_create",
    "ticket_create_child",
    "ticket_hurry",
    "ticket_link",
    "ticket_merge",
    "ticket_transition",
    "ticket_type_create",
    "ticket_type_update",
    "ticket_update",
    "time_entry_create",
    "time_entry_delete",
    "timer_start",
    "timer_stop",
    "watcher_add",
    "watcher_remove",
    "watchers_copied_add",
]
