"""Team notification defaults: a team decides what its members are told where, until a member
chooses for themself; admins and the team's lead set them, nobody else."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from gongdan.accounts.models import Membership
from gongdan.notifications import services
from gongdan.notifications.models import Notification, NotificationPreference, TeamNotificationOff
from gongdan.notifications.selectors import preference_table
from gongdan.testing import Api, World

WARN = ("sla.warning", "in_app")
ITEM = {"kind": "sla.warning", "channel": "in_app"}


def _told(world: World, user: Any, kind: str = "sla.warning") -> int:
    services.notify(recipients=[user], kind=kind, ticket=None, data={})
    return Notification.objects.filter(recipient=user, kind=kind).count()


def test_a_team_default_applies_until_the_member_chooses(world: World) -> None:
    TeamNotificationOff.objects.create(team=world.it_team, kind=WARN[0], channel=WARN[1])

    assert _told(world, world.agent) == 0  # the IT team turned it off
    assert _told(world, world.other_agent) == 1  # the field team did not
    assert _told(world, world.agent, "ticket.assigned") == 1  # other kinds untouched

    services.preferences_set(user=world.agent, choices={WARN: True})
    assert _told(world, world.agent) == 1  # their own choice wins


def test_a_member_of_several_teams_is_told_unless_every_team_turned_it_off(
    world: World,
) -> None:
    Membership.objects.create(team=world.field_team, user=world.agent)
    TeamNotificationOff.objects.create(team=world.it_team, kind=WARN[0], channel=WARN[1])

    assert _told(world, world.agent) == 1
    TeamNotificationOff.objects.create(team=world.field_team, kind=WARN[0], channel=WARN[1])
    assert _told(world, world.agent) == 1  # still the one from before: now both are off


def test_the_sweeps_bulk_path_decides_the_same(world: World) -> None:
    TeamNotificationOff.objects.create(team=world.it_team, kind=WARN[0], channel=WARN[1])

    services.notify_many(
        [
            ([world.agent, world.other_agent], "sla.warning", None, {}),
            ([world.agent], "ticket.assigned", None, {}),
        ]
    )

    told = sorted(Notification.objects.values_list("recipient__username", "kind"))
    assert told == [("agent", "ticket.assigned"), ("other_agent", "sla.warning")]


def test_only_choices_that_differ_from_the_team_are_stored(world: World) -> None:
    TeamNotificationOff.objects.create(team=world.it_team, kind=WARN[0], channel=WARN[1])
    assert dict(preference_table(user=world.agent)[5][1])["in_app"] is False  # shown as off

    services.preferences_set(
        user=world.agent, choices={WARN: False, ("ticket.assigned", "in_app"): True}
    )
    assert not NotificationPreference.objects.exists()  # both equal the defaults

    services.preferences_set(user=world.agent, choices={WARN: True})
    assert list(NotificationPreference.objects.values_list("kind", "enabled")) == [
        ("sla.warning", True)
    ]
    services.preferences_set(user=world.agent, choices={WARN: False})
    assert not NotificationPreference.objects.exists()  # back to following the team


def test_deciding_costs_one_query_with_or_without_team_defaults(world: World) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            services.notify(recipients=[world.agent, world.other_agent], kind="sla.warning")
        return len(queries)

    plain = count()
    TeamNotificationOff.objects.create(team=world.it_team, kind=WARN[0], channel=WARN[1])
    NotificationPreference.objects.create(user=world.other_agent, kind=WARN[0], channel="in_app")

    assert count() == plain == 2  # the choices, the INSERT


def test_an_admin_and_the_teams_lead_set_defaults_on_the_page(world: World) -> None:
    world.it_team.lead = world.supervisor
    world.it_team.save()
    url = f"/notifications/teams/{world.it_team.pk}/"
    ticked = [f"{k}:in_app" for k in ("ticket.assigned", "sla.escalated")]

    lead = world.client_for(world.supervisor)
    page = lead.get(url)
    saved = lead.post(url, {"on": ticked})

    assert page.status_code == 200 and 'data-testid="team-defaults"' in page.content.decode()
    assert saved.status_code == 302
    off = set(TeamNotificationOff.objects.values_list("kind", "channel"))
    assert WARN in off and ("ticket.assigned", "in_app") not in off
    assert world.client_for(world.admin).get("/notifications/teams/").status_code == 200
    assert [t.pk for t in lead.get("/notifications/teams/").context["teams"]] == [world.it_team.pk]


@pytest.mark.parametrize("who", ["agent", "other_agent", "supervisor", "customer", "org_admin"])
def test_outsiders_can_neither_see_nor_change_a_teams_defaults(world: World, who: str) -> None:
    world.field_team.lead = world.other_agent  # leads another team
    world.field_team.save()
    TeamNotificationOff.objects.create(team=world.it_team, kind=WARN[0], channel=WARN[1])
    client = world.client_for(getattr(world, who))
    url = f"/notifications/teams/{world.it_team.pk}/"
    api = Api(world).as_(getattr(world, who))
    api_url = f"/notifications/teams/{world.it_team.pk}/defaults"

    codes = [
        client.get(url).status_code,
        client.post(url, {"on": ["sla.warning:in_app"]}).status_code,
        api.get(api_url).status_code,
        api.put(
            api_url, {"items": [{"kind": "sla.warning", "channel": "in_app", "enabled": True}]}
        ).status_code,
    ]

    assert codes == [403, 403, 403, 403]
    assert list(TeamNotificationOff.objects.values_list("kind", "channel")) == [WARN]


def test_anonymous_visitors_sign_in_first_and_unknown_teams_are_404(world: World) -> None:
    response = Client().get(f"/notifications/teams/{world.it_team.pk}/")
    admin = Api(world).as_(world.admin)

    assert response.status_code == 302 and "login" in response.url
    assert world.client_for(world.admin).get("/notifications/teams/4242/").status_code == 404
    assert admin.get("/notifications/teams/4242/defaults").status_code == 404


def test_the_api_reads_and_changes_defaults_and_refuses_unknown_pairs(world: World) -> None:
    api = Api(world).as_(world.admin)
    url = f"/notifications/teams/{world.it_team.pk}/defaults"

    turned = api.put(
        url, {"items": [{"kind": "sla.warning", "channel": "in_app", "enabled": False}]}
    )
    customer_kind = api.put(
        url, {"items": [{"kind": "ticket.staff_replied", "channel": "in_app", "enabled": False}]}
    )
    rows = {(r["kind"], r["channel"]): r["enabled"] for r in api.get(url).json()}

    assert turned.status_code == 200
    assert rows[WARN] is False and rows[("ticket.assigned", "in_app")] is True
    assert customer_kind.status_code == 422
    assert customer_kind.json()["code"] == "notification.unknown_pair"
    assert list(TeamNotificationOff.objects.values_list("kind", "channel")) == [WARN]
