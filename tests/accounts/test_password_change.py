"""Staff change their own password on /accounts/profile/ (``user_change_password``)."""

from __future__ import annotations

import pytest
from django.test import Client

from gongdan.accounts.models import User
from gongdan.accounts.services import user_change_password
from gongdan.audit.models import AuditEvent
from gongdan.core.errors import Forbidden, ValidationFailed
from gongdan.testing import PASSWORD, World

pytestmark = pytest.mark.django_db

URL = "/accounts/profile/"
NEW = "Lantern-47-Harbour"


def _post(client: Client, **data: str) -> object:
    return client.post(URL, {"form": "password", **data})


def _hash(user: User) -> str:
    return User.objects.get(pk=user.pk).password


def test_agent_changes_the_password_and_stays_signed_in(world: World) -> None:
    client = world.client_for(world.agent)
    response = _post(client, current_password=PASSWORD, new_password1=NEW, new_password2=NEW)
    assert response.status_code == 302 and response["Location"] == URL
    assert User.objects.get(pk=world.agent.pk).check_password(NEW)
    assert client.get(URL).status_code == 200  # the session was kept (hash updated)
    assert AuditEvent.objects.filter(
        action="user.password_changed", object_id=str(world.agent.pk)
    ).exists()
    assert Client().login(username="agent", password=NEW)


def test_wrong_current_password_is_refused_translated_and_nothing_changes(world: World) -> None:
    before = _hash(world.agent)
    client = world.client_for(world.agent)
    response = client.post(
        URL,
        {
            "form": "password",
            "current_password": "nope",
            "new_password1": NEW,
            "new_password2": NEW,
        },
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 422
    assert "当前密码不正确。" in response.content.decode()
    assert _hash(world.agent) == before
    assert not AuditEvent.objects.filter(action="user.password_changed").exists()


@pytest.mark.parametrize(
    ("new1", "new2", "message"),
    [
        (NEW, NEW + "x", "The two new passwords differ."),
        ("12345678", "12345678", "This password is too common."),
        ("short", "short", "This password is too short."),
    ],
)
def test_bad_new_passwords_are_refused(world: World, new1: str, new2: str, message: str) -> None:
    before = _hash(world.supervisor)
    client = world.client_for(world.supervisor)
    response = _post(client, current_password=PASSWORD, new_password1=new1, new_password2=new2)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert _hash(world.supervisor) == before


def test_the_profile_form_is_not_disturbed_by_the_password_form(world: World) -> None:
    client = world.client_for(world.agent)
    response = client.post(URL, {"form": "profile", "display_name": "王伟", "language": "en"})
    assert response.status_code == 302
    user = User.objects.get(pk=world.agent.pk)
    assert (user.display_name, user.language) == ("王伟", "en")
    assert user.check_password(PASSWORD)


def test_nobody_changes_another_users_password(world: World) -> None:
    before = _hash(world.agent)
    with pytest.raises(Forbidden):
        user_change_password(actor=world.admin, user=world.agent, current=PASSWORD, new=NEW)
    assert _hash(world.agent) == before


def test_service_refuses_wrong_current_with_a_code(world: World) -> None:
    with pytest.raises(ValidationFailed) as caught:
        user_change_password(actor=world.agent, user=world.agent, current="x", new=NEW)
    assert caught.value.code == "user.wrong_password"


def test_visitors_sign_in_first(world: World) -> None:
    response = _post(Client(), current_password=PASSWORD, new_password1=NEW, new_password2=NEW)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert User.objects.get(pk=world.agent.pk).check_password(PASSWORD)
