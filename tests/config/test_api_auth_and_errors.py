"""Authentication (bearer token, session with CSRF), throttling, error format, docs page."""

from __future__ import annotations

import re

from django.test import Client

from gongdan.accounts.models import ApiToken
from gongdan.accounts.services import token_revoke
from gongdan.testing import Api, World
from gongdan.tickets.models import Ticket


def test_a_wrong_or_malformed_token_is_401(world: World, api: Api) -> None:
    client = Client()
    headers = ["Bearer gd_nope_nope", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer " + "x" * 5000]

    responses = [client.get("/api/v1/me", headers={"Authorization": h}) for h in headers]

    assert [r.status_code for r in responses] == [401, 401, 401, 401]
    assert responses[0].json()["code"] == "not_authenticated"


def test_a_revoked_token_is_401(world: World, api: Api) -> None:
    caller = api.as_(world.agent)
    token_revoke(actor=world.agent, token=ApiToken.objects.get(user=world.agent))

    response = caller.get("/me")

    assert response.status_code == 401


def test_an_inactive_users_token_is_401(world: World, api: Api) -> None:
    caller = api.as_(world.agent)
    world.agent.is_active = False
    world.agent.save(update_fields=["is_active"])

    response = caller.get("/me")

    assert response.status_code == 401


def test_the_session_works_for_reads(world: World) -> None:
    client = world.client_for(world.customer)

    response = client.get("/api/v1/me")

    assert response.status_code == 200
    assert response.json()["username"] == "customer"


def test_a_session_write_without_the_csrf_token_is_403(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.customer)

    response = client.post(
        "/api/v1/tickets", data='{"title": "x"}', content_type="application/json"
    )

    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    assert Ticket.objects.count() == 0


def test_a_session_write_with_the_csrf_token_succeeds(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.customer)
    client.get("/api/v1/docs")  # sets the CSRF cookie, like any page of the site
    token = client.cookies["csrftoken"].value

    response = client.post(
        "/api/v1/tickets",
        data='{"title": "会话创建"}',
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )

    assert response.status_code == 201


def test_an_anonymous_write_is_401_not_a_csrf_error(world: World) -> None:
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        "/api/v1/tickets", data='{"title": "x"}', content_type="application/json"
    )

    assert response.status_code == 401


def test_too_many_requests_get_429_with_retry_after(
    world: World, api: Api, settings: object
) -> None:
    settings.GONGDAN_API_RATE = "3/min"  # type: ignore[attr-defined]
    caller = api.as_(world.agent)

    statuses = [caller.get("/me").status_code for _ in range(4)]
    response = caller.get("/me")

    assert statuses == [200, 200, 200, 429]
    assert response.json()["code"] == "throttled"
    assert int(response.headers["Retry-After"]) > 0
    assert api.as_(world.customer).get("/me").status_code == 200  # counted per user


def test_an_unknown_api_path_is_a_json_404(world: World, api: Api) -> None:
    response = api.as_(world.agent).get("/nothing-here")

    assert response.status_code == 404


def test_a_huge_json_body_is_413(world: World, api: Api) -> None:
    response = api.as_(world.customer).post("/tickets", raw='{"title": "' + "x" * 6_000_000 + '"}')

    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"


def test_wrong_types_are_422_per_field(world: World, api: Api) -> None:
    response = api.as_(world.agent).post(
        "/tickets", {"title": ["list"], "priority": "asap", "requester": "abc"}
    )

    assert response.status_code == 422
    assert sorted(response.json()["fields"]) == ["priority", "requester", "title"]
    assert response.json()["fields"]["priority"] == (
        "Choose one of: 'low', 'normal', 'high' or 'urgent'."
    )


# --- OpenAPI and docs ---------------------------------------------------------------------------


def test_openapi_is_3_1_with_every_operation_id(world: World) -> None:
    schema = Client().get("/api/v1/openapi.json").json()

    operation_ids = {op["operationId"] for path in schema["paths"].values() for op in path.values()}
    assert schema["openapi"] == "3.1.0"
    assert operation_ids == {
        "reports_overview",
        "reports_timeseries",
        "reports_agents",
        "reports_stage_dwell",
        "reports_insight",
        "reports_live",
        "report_schedules_list",
        "report_schedules_get",
        "report_schedules_create",
        "report_schedules_update",
        "report_schedules_delete",
        "report_schedules_run",
        "knowledge_articles_list",
        "knowledge_articles_get",
        "knowledge_articles_create",
        "knowledge_articles_update",
        "knowledge_articles_transition",
        "knowledge_articles_revisions",
        "knowledge_articles_restore",
        "knowledge_categories_list",
        "knowledge_categories_create",
        "knowledge_categories_update",
        "knowledge_feedback_create",
        "knowledge_suggest",
        "knowledge_files_upload",
        "knowledge_files_download",
        "notifications_list",
        "notifications_mark_read",
        "notifications_mark_all_read",
        "notifications_preferences_get",
        "notifications_preferences_update",
        "calls_log",
        "tickets_export",
        "exports_list",
        "exports_get",
        "exports_download",
        "reports_export",
        "webhooks_list",
        "webhooks_create",
        "webhooks_update",
        "webhooks_delete",
        "webhooks_deliveries",
        "webhooks_redeliver",
        "webhooks_ping",
        "sla_preview",
        "calendars_list",
        "calendars_create",
        "calendars_get",
        "calendars_update",
        "calendars_hours_set",
        "calendars_special_days_list",
        "calendars_special_days_set",
        "calendars_special_days_delete",
        "calendars_import",
        "calendars_export",
        "tickets_list",
        "tickets_create",
        "tickets_get",
        "tickets_update",
        "tickets_hurry",
        "reminders_list",
        "reminders_create",
        "reminders_delete",
        "time_entries_create",
        "time_entries_list",
        "time_entries_search",
        "time_entries_delete",
        "timers_start",
        "timers_stop",
        "cost_rates_list",
        "cost_rates_set",
        "supervisions_list",
        "supervisions_create",
        "supervisions_get",
        "supervisions_respond",
        "supervisions_accept",
        "supervisions_return",
        "supervisions_cancel",
        "tickets_transition",
        "comments_list",
        "comments_create",
        "attachments_upload",
        "attachments_download",
        "tickets_children_create",
        "tickets_link",
        "tickets_merge",
        "tickets_timeline",
        "tickets_watchers_list",
        "tickets_watchers_add",
        "tickets_watchers_remove",
        "users_list",
        "users_create",
        "teams_list",
        "teams_create",
        "organizations_list",
        "organizations_create",
        "contacts_list",
        "contacts_create",
        "me_get",
        "search_query",
        "mailboxes_list",
        "mail_templates_list",
        "mail_templates_get",
        "mail_templates_update",
        "mail_templates_reset",
        "mail_templates_preview",
        "mail_templates_test",
        "mailboxes_create",
        "mailboxes_update",
        "mailboxes_rotate_secret",
        "mail_inbound_list",
        "mail_inbound_retry",
        "mail_domains_list",
        "mail_domains_create",
        "mail_domains_delete",
        "notifications_team_defaults_get",
        "notifications_team_defaults_update",
        "assignment_preview",
        "assignment_rules_list",
        "assignment_rules_create",
        "assignment_rules_update",
        "assignment_rules_delete",
        "assignment_agents_list",
        "assignment_agents_update",
        "assignment_skills_list",
        "assignment_skills_create",
        "assignment_skills_update",
        "assignment_skills_delete",
        "assignment_agent_skills_set",
        "assignment_agent_skills_delete",
        "tickets_take_next",
        "ticket_types_list",
        "ticket_types_create",
        "ticket_types_update",
        "categories_list",
        "categories_create",
        "categories_update",
        "users_get",
        "users_update",
        "users_deactivate",
        "users_reactivate",
        "users_invite",
        "teams_get",
        "teams_update",
        "organizations_get",
        "organizations_update",
        "contacts_get",
        "contacts_update",
        "sla_policies_list",
        "sla_policies_get",
        "sla_policies_create",
        "sla_policies_update",
        "webforms_list",
        "webforms_create",
        "webforms_update",
        "im_apps_list",
        "im_apps_create",
        "im_apps_update",
        "sms_providers_list",
        "sms_providers_create",
        "sms_providers_update",
        "sms_providers_test",
        "views_list",
        "views_create",
        "views_update",
        "views_delete",
        "tickets_bulk",
    }
    assert set(schema["components"]["securitySchemes"]) == {"BearerAuth", "SessionAuth"}
    assert "/api/v1/tickets/{number}/transitions" in schema["paths"]


def test_docs_page_loads_only_local_assets_under_the_csp(world: World) -> None:
    response = Client().get("/api/v1/docs")

    html = response.content.decode()
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    inline_scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    csp = response.headers["Content-Security-Policy"]
    assert response.status_code == 200
    assert urls == [
        "/static/ninja/swagger-ui.css",
        "/static/ninja/favicon.svg",
        "/static/ninja/favicon.png",
        "/static/ninja/swagger-ui-bundle.js",
        "/static/ninja/swagger-ui-init.js",
    ]
    assert inline_scripts == [' type="application/json" id="swagger-settings"']  # data only
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert '"validatorUrl": null' in html  # no badge fetched from the internet


def test_docs_static_files_are_served(world: World) -> None:
    client = Client()

    statuses = [
        client.get(f"/static/ninja/{name}").status_code
        for name in ("swagger-ui-bundle.js", "swagger-ui-init.js", "swagger-ui.css")
    ]

    assert statuses == [200, 200, 200]


def test_openapi_json_has_no_duplicate_keys(world: World) -> None:
    """Swagger UI parses the schema with a YAML parser that rejects duplicate keys."""
    import json

    def no_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
        keys = [key for key, _ in pairs]
        assert len(keys) == len(set(keys)), keys
        return dict(pairs)

    raw = Client().get("/api/v1/openapi.json").content

    assert json.loads(raw, object_pairs_hook=no_duplicates)["info"]["title"] == "gongdan API"
