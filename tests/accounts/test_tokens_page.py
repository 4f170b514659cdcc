"""Personal API tokens in the profile: create (shown once), list, revoke; nobody else's."""

from __future__ import annotations

import re

from django.test import Client

from gongdan.accounts.models import ApiToken
from gongdan.audit.models import AuditEvent
from gongdan.testing import World


def _new_token(html: str) -> str:
    match = re.search(r"gd_[0-9a-f]+_[\w-]+", html)
    assert match, "the new token is shown on the response"
    return match.group(0)


def test_a_user_creates_a_token_sees_it_once_and_it_works(world: World) -> None:
    client = world.client_for(world.agent)

    response = client.post("/accounts/tokens/", {"name": "监控脚本"})

    assert response.status_code == 200
    plain = _new_token(response.content.decode())
    token = ApiToken.objects.get(user=world.agent)
    assert (token.name, plain.split("_")[1]) == ("监控脚本", token.prefix)
    assert plain.split("_", 2)[2] not in token.secret_hash
    api = Client(headers={"authorization": f"Bearer {plain}"})
    assert api.get("/api/v1/me").json()["username"] == "agent"
    # Shown once: the list page has the prefix, never the secret.
    listing = client.get("/accounts/tokens/").content.decode()
    assert token.prefix in listing and plain not in listing


def test_revoking_a_token_stops_it_and_is_audited(world: World) -> None:
    client = world.client_for(world.customer)
    plain = _new_token(client.post("/accounts/tokens/", {"name": "x"}).content.decode())
    token = ApiToken.objects.get(user=world.customer)

    response = client.post(f"/accounts/tokens/{token.prefix}/revoke/")

    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Client(headers={"authorization": f"Bearer {plain}"}).get("/api/v1/me").status_code == 401
    assert AuditEvent.objects.filter(action="token.revoked", object_id=str(token.pk)).exists()


def test_outsiders_neither_see_nor_revoke_someone_elses_token(world: World) -> None:
    world.client_for(world.agent).post("/accounts/tokens/", {"name": "mine"})
    token = ApiToken.objects.get(user=world.agent)
    other = world.client_for(world.other_agent)

    assert token.prefix not in other.get("/accounts/tokens/").content.decode()
    assert other.post(f"/accounts/tokens/{token.prefix}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_anonymous_visitors_are_sent_to_sign_in(db: None) -> None:
    response = Client().get("/accounts/tokens/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert Client().post("/accounts/tokens/", {"name": "x"}).status_code == 302
    assert ApiToken.objects.count() == 0
