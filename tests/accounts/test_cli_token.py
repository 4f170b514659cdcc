from __future__ import annotations

import pytest
from django.test import Client

from gongdan.accounts.models import ApiToken
from gongdan.accounts.services import token_authenticate
from gongdan.cli import main
from gongdan.testing import World


def test_token_create_prints_a_token_that_authenticates_the_user(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    exit_code = main(["token", "create", "--user", "agent", "--name", "ci"])

    printed = capsys.readouterr().out.strip()
    assert exit_code == 0
    assert printed.startswith("gd_")
    assert token_authenticate(printed) == world.agent
    assert ApiToken.objects.get(user=world.agent).name == "ci"


def test_token_create_for_an_unknown_login_fails_with_one_line(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    exit_code = main(["token", "create", "--user", "nobody"])

    captured = capsys.readouterr()
    assert exit_code == 2
    assert captured.out == ""
    assert captured.err == "gongdan: error: no active user with the login 'nobody'\n"
    assert ApiToken.objects.count() == 0


def test_token_list_shows_prefix_and_state(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["token", "create", "--user", "agent", "--name", "ci"])
    plaintext = capsys.readouterr().out.strip()
    prefix = plaintext.split("_")[1]

    exit_code = main(["token", "list", "--user", "agent"])

    line = capsys.readouterr().out.strip()
    assert exit_code == 0
    assert line.startswith(f"{prefix}  active ")
    assert line.endswith("last used never  ci")


def test_token_revoke_makes_the_token_stop_working(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["token", "create", "--user", "agent", "--name", "ci"])
    plaintext = capsys.readouterr().out.strip()
    prefix = plaintext.split("_")[1]

    exit_code = main(["token", "revoke", prefix])

    assert exit_code == 0
    assert capsys.readouterr().out == f"revoked {prefix} (ci) of agent\n"
    assert token_authenticate(plaintext) is None
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    assert response.status_code == 401


def test_token_revoke_of_an_unknown_prefix_fails_with_one_line(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    exit_code = main(["token", "revoke", "nope"])

    assert exit_code == 2
    assert capsys.readouterr().err == "gongdan: error: no token with the prefix 'nope'\n"
