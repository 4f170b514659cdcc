"""Repeated failed sign-ins lock the login name (and, many more, the client address) for a while,
on the workspace and the portal; the right password waits too, and nothing tells whether the
name exists."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from gongdan.testing import PASSWORD, World


@pytest.fixture(autouse=True)
def _limits(settings: Any, db: None) -> Iterator[None]:
    settings.GONGDAN_LOGIN_FAILURES_PER_NAME = 3
    settings.GONGDAN_LOGIN_FAILURES_PER_IP = 6
    settings.GONGDAN_LOGIN_WINDOW = 15 * 60
    cache.clear()
    yield
    cache.clear()


def _sign_in(path: str, username: str, password: str, ip: str = "10.0.0.1") -> Any:
    return Client(REMOTE_ADDR=ip).post(path, {"username": username, "password": password})


def test_the_right_password_waits_after_repeated_failures(world: World) -> None:
    codes = [_sign_in("/accounts/login/", "agent", "wrong").status_code for _ in range(3)]
    locked = _sign_in("/accounts/login/", "agent", PASSWORD)
    elsewhere = _sign_in("/accounts/login/", "other_agent", PASSWORD)

    assert codes == [200, 200, 200]
    assert locked.status_code == 200 and "Too many failed sign-ins" in locked.content.decode()
    assert "_auth_user_id" not in locked.client.session
    assert elsewhere.status_code == 302  # other names are not affected

    cache.clear()  # the window has passed
    assert _sign_in("/accounts/login/", "agent", PASSWORD).status_code == 302


def test_a_success_clears_the_count(world: World) -> None:
    for _ in range(2):
        _sign_in("/accounts/login/", "agent", "wrong")
    assert _sign_in("/accounts/login/", "agent", PASSWORD).status_code == 302
    for _ in range(2):
        _sign_in("/accounts/login/", "agent", "wrong")

    assert _sign_in("/accounts/login/", "agent", PASSWORD).status_code == 302


def test_an_unknown_name_is_answered_like_a_known_one(world: World) -> None:
    for name in ("agent", "nobody-here"):
        for _ in range(3):
            _sign_in("/accounts/login/", name, "wrong", ip=f"10.0.1.{len(name)}")
    known = _sign_in("/accounts/login/", "agent", "wrong", ip="10.0.2.1").content.decode()
    unknown = _sign_in("/accounts/login/", "nobody-here", "x", ip="10.0.2.2").content.decode()

    assert "Too many failed sign-ins" in known and "Too many failed sign-ins" in unknown


def test_one_address_trying_many_names_is_locked_too(world: World) -> None:
    for n in range(6):
        _sign_in("/accounts/login/", f"guess{n}", "wrong", ip="10.9.9.9")

    from_there = _sign_in("/accounts/login/", "agent", PASSWORD, ip="10.9.9.9")
    from_elsewhere = _sign_in("/accounts/login/", "agent", PASSWORD, ip="10.9.9.8")

    assert from_there.status_code == 200 and "Too many" in from_there.content.decode()
    assert from_elsewhere.status_code == 302


def test_the_portal_sign_in_locks_as_well_in_the_users_language(world: World) -> None:
    world.customer.email = "wang@acme.example.cn"
    world.customer.save()
    for _ in range(3):
        _sign_in("/portal/login/", "wang@acme.example.cn", "wrong")

    locked = Client(REMOTE_ADDR="10.0.0.1", HTTP_ACCEPT_LANGUAGE="zh-hans").post(
        "/portal/login/", {"username": "wang@acme.example.cn", "password": PASSWORD}
    )

    assert locked.status_code == 200 and "登录失败次数过多" in locked.content.decode()


def test_the_django_admin_sign_in_locks_too(world: World) -> None:
    # Given three wrong passwords for the admin on /admin/login/
    codes = [_sign_in("/admin/login/", "admin", "wrong").status_code for _ in range(3)]

    # When the right password follows
    locked = _sign_in("/admin/login/", "admin", PASSWORD)

    # Then it waits like on every other sign-in form
    assert codes == [200, 200, 200]
    assert locked.status_code == 200 and "Too many failed sign-ins" in locked.content.decode()
    assert "_auth_user_id" not in locked.client.session
    cache.clear()  # the window has passed
    assert _sign_in("/admin/login/", "admin", PASSWORD).status_code == 302


def test_failures_on_different_forms_add_up_for_one_name(world: World) -> None:
    _sign_in("/admin/login/", "admin", "wrong")
    _sign_in("/accounts/login/", "admin", "wrong")
    _sign_in("/portal/login/", "admin", "wrong")

    assert "Too many" in _sign_in("/accounts/login/", "admin", PASSWORD).content.decode()
