from __future__ import annotations

import pytest

from gongdan.accounts.models import ApiToken
from gongdan.accounts.services import token_authenticate
from gongdan.cli import main
from gongdan.core.testing import World


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
