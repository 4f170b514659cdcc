"""The one REST API: /api/v1, assembled from each app's router.

OpenAPI 3.1 at ``/api/v1/openapi.json``; Swagger UI at ``/api/v1/docs``, served from ninja's
bundled static files (no CDN) with its external init script, so it runs under the project's
``script-src 'self'`` CSP. The online validator badge is switched off (it would load an image
from the internet).
"""

from ninja import NinjaAPI, Swagger

from gongdan.accounts.api import router as accounts_router
from gongdan.accounts.api_auth import BearerAuth, SessionAuth
from gongdan.assignment.api import router as assignment_router
from gongdan.channels.email.api import router as mail_router
from gongdan.channels.phone.api import router as calls_router
from gongdan.channels.settings_api import router as channel_settings_router
from gongdan.channels.webform.api import router as webforms_router
from gongdan.channels.webhooks.api import router as webhooks_router
from gongdan.core.api_support import UserRateThrottle, Utf8JSONRenderer, install_error_handlers
from gongdan.customers.api import router as customers_router
from gongdan.knowledge.api import router as knowledge_router
from gongdan.notifications.api import router as notifications_router
from gongdan.reports.api import router as reports_router
from gongdan.reports.api_exports import router as exports_router
from gongdan.reports.api_schedules import router as report_schedules_router
from gongdan.search.api import router as search_router
from gongdan.sla.api import router as sla_router
from gongdan.sla.api_calendars import router as calendars_router
from gongdan.sla.api_policies import router as sla_policies_router
from gongdan.tickets.api import router as tickets_router
from gongdan.tickets.api_followups import router as followups_router
from gongdan.tickets.api_lists import router as lists_router
from gongdan.tickets.api_time import router as time_router
from gongdan.tickets.api_types import router as ticket_types_router

api = NinjaAPI(
    title="gongdan API",
    version="1",
    description="Tickets (工单), comments, attachments, users, teams and customers. "
    "Authenticate with `Authorization: Bearer <token>` or the browser session (with CSRF).",
    urls_namespace="api",
    auth=[BearerAuth(), SessionAuth(csrf=True)],
    throttle=[UserRateThrottle()],
    renderer=Utf8JSONRenderer(),
    docs=Swagger(settings={"validatorUrl": None, "persistAuthorization": False}),
)
install_error_handlers(api)
api.add_router("", accounts_router)
api.add_router("", customers_router)
# Before the tickets router: its /tickets/{number} would swallow /tickets/take-next.
api.add_router("", assignment_router)
api.add_router("", exports_router)  # its POST /tickets/export, before /tickets/{number}
api.add_router("", lists_router)  # its POST /tickets/bulk, before /tickets/{number}
api.add_router("", tickets_router)
api.add_router("", followups_router)
api.add_router("", time_router)
api.add_router("", ticket_types_router)
api.add_router("", notifications_router)
api.add_router("", sla_router)
api.add_router("", calendars_router)
api.add_router("", sla_policies_router)
api.add_router("", webhooks_router)
api.add_router("", webforms_router)
api.add_router("", channel_settings_router)
api.add_router("", mail_router)
api.add_router("", search_router)
api.add_router("", calls_router)
api.add_router("", knowledge_router)
api.add_router("", report_schedules_router)
api.add_router("", reports_router)
