"""API token brute force: invalid bearer tokens from one client address lock that address out
(429, ``Retry-After``, code ``auth.locked``) without the tokens being checked meanwhile; the
counts live in the shared cache, as the sign-in forms' do."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test import Client

from gongdan.accounts.models import ApiToken
from gongdan.testing import PASSWORD, World


@pytest.fixture(autouse=True)
def _limits(settings: Any) -> None:
    settings.GONGDAN_LOGIN_FAILURES_PER_NAME = 3
    settings.GONGDAN_LOGIN_FAILURES_PER_IP = 5
    settings.GONGDAN_LOGIN_WINDOW = 600


def _get(token: str, ip: str = "10.1.1.1") -> Any:
    return Client(REMOTE_ADDR=ip).get("/api/v1/tickets", HTTP_AUTHORIZATION=f"Bearer {token}")


def test_repeated_invalid_tokens_lock_the_client_address_out(world: World) -> None:
    # Given a valid token, and five guesses from one address
    good = world.token_for(world.agent)
    guesses = [_get(f"gd_guess{n}_secret{n}").status_code for n in range(5)]

    # When the valid token comes from that address, and from another one
    locked = _get(good)
    elsewhere = _get(good, ip="10.1.1.2")

    # Then the address waits, told for how long, and its token was not even looked at
    assert guesses == [401, 401, 401, 401, 401]
    assert locked.status_code == 429
    assert locked.json()["code"] == "auth.locked"
    assert 1 <= int(locked["Retry-After"]) <= 600
    assert elsewhere.status_code == 200
    assert ApiToken.objects.get(user=world.agent).last_used_at is not None  # from elsewhere


def test_a_locked_address_does_not_check_tokens(world: World) -> None:
    good = world.token_for(world.agent)
    for n in range(5):
        _get(f"gd_guess{n}_x")

    locked = _get(good)

    assert locked.status_code == 429
    assert ApiToken.objects.get(user=world.agent).last_used_at is None


def test_guessing_one_token_prefix_locks_it_everywhere(world: World) -> None:
    good = world.token_for(world.agent)
    prefix = good.split("_")[1]
    for n in range(3):
        _get(f"gd_{prefix}_wrong{n}", ip=f"10.2.0.{n}")

    locked = _get(good, ip="10.2.9.9")

    assert locked.status_code == 429 and locked.json()["code"] == "auth.locked"


def test_sign_in_failures_and_token_failures_share_the_address_count(world: World) -> None:
    for n in range(3):
        Client(REMOTE_ADDR="10.3.3.3").post(
            "/accounts/login/", {"username": f"guess{n}", "password": "wrong"}
        )
    for n in range(2):
        _get(f"gd_guess{n}_x", ip="10.3.3.3")

    assert _get(world.token_for(world.agent), ip="10.3.3.3").status_code == 429
    signed_in = Client(REMOTE_ADDR="10.3.3.3").post(
        "/accounts/login/", {"username": "agent", "password": PASSWORD}
    )
    assert signed_in.status_code == 200 and "Too many" in signed_in.content.decode()


def test_the_counts_live_in_the_shared_database_cache(world: World, settings: Any) -> None:
    # Given the embedded shape's cache (a database table every web process reads)
    local = settings.CACHES
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "gongdan_cache",
        },
        "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    try:
        call_command("createcachetable", verbosity=0)
        for n in range(5):
            _get(f"gd_guess{n}_x", ip="10.4.4.4")

        # When another process's local memory knows nothing (cleared)
        caches["local"].clear()

        # Then the lock still holds: it was counted in the database
        assert _get(world.token_for(world.agent), ip="10.4.4.4").status_code == 429
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM gongdan_cache")
            assert cursor.fetchone()[0] >= 2
    finally:
        settings.CACHES = local  # the fixtures clear the in-memory caches afterwards
