"""Portal sign-up is confirmed by mail (a real SMTP server): no account owns an address, or the
tickets mailed from it, before someone proves it; the page answers the same for every address;
sign-ups are rate-limited. The takeover of issue 12 (a stranger signs up with a victim's address
before the victim ever writes) is played end to end through the real mail intake."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from gongdan.accounts.choices import Role
from gongdan.accounts.models import User
from gongdan.accounts.services import user_create
from gongdan.channels.email.intake import receive
from gongdan.channels.email.models import Mailbox
from gongdan.customers.models import Contact
from gongdan.customers.services import contact_create
from gongdan.testing import PASSWORD, World
from gongdan.tickets.models import Ticket
from tests.channels.email.conftest import Smtp
from tests.channels.email.corpus import mail

VICTIM = "zhang.wei@huaxin.example.cn"
STRANGER_PASSWORD = "Stranger-owns-2026!"
VICTIM_PASSWORD = "Victim-real-2026!"
SITE = "http://127.0.0.1:8000"


@pytest.fixture
def mail_on(smtp: Smtp, settings: Any) -> Smtp:
    settings.GONGDAN_EMAIL_ENABLED = True
    return smtp


def _sign_up(
    client: Client, capture: Any, *, email: str, password: str, name: str = "陌生人"
) -> Any:
    with capture(execute=True):
        return client.post(
            "/portal/register/", {"name": name, "email": email, "password": password}
        )


def _links(smtp: Smtp, address: str, kind: str) -> list[str]:
    found = []
    for message in smtp.to(address):
        match = re.search(rf"https?://\S+{kind}\S+/", message.get_content())
        if match:
            found.append(match.group(0).removeprefix(SITE))
    return found


def _without_csrf(page: bytes) -> bytes:
    return re.sub(rb"[A-Za-z0-9]{64}", b"", page)  # a fresh CSRF token per response


def _victim_writes(mailbox: Mailbox, subject: str = "打印机坏了") -> Ticket:
    raw = mail(sender=f"张伟 <{VICTIM}>", subject=subject, body="三楼打印机不出纸。", n=7)
    message, _ = receive(raw, mailbox=mailbox)
    assert message.ticket is not None
    return message.ticket


def _set_password_by_mail(client: Client, smtp: Smtp, capture: Any) -> None:
    with capture(execute=True):
        client.post("/portal/password/reset/", {"email": VICTIM})
    link = _links(smtp, VICTIM, "/portal/password/reset/")[-1]
    opened = client.get(link, follow=True)
    client.post(
        opened.redirect_chain[-1][0],
        {"new_password1": VICTIM_PASSWORD, "new_password2": VICTIM_PASSWORD},
    )


def test_a_stranger_who_signs_up_with_the_victims_address_never_sees_the_victims_mail(
    mail_on: Smtp, mailbox: Mailbox, django_capture_on_commit_callbacks: Any
) -> None:
    # Given a stranger signs up with the victim's address before the victim ever wrote
    stranger = Client()
    signed_up = _sign_up(
        stranger, django_capture_on_commit_callbacks, email=VICTIM, password=STRANGER_PASSWORD
    )
    # When the victim mails the desk (the real intake path)
    ticket = _victim_writes(mailbox)
    # Then the stranger has no account and cannot see the ticket, by session or by password
    stranger_list = stranger.get("/portal/tickets/", follow=True).content.decode()
    stranger_login = Client().post(
        "/portal/login/", {"username": VICTIM, "password": STRANGER_PASSWORD}
    )
    assert signed_up.status_code == 302 and signed_up["Location"] == "/portal/register/sent/"
    assert ticket.number not in stranger_list
    assert "_auth_user_id" not in stranger.session
    assert (
        stranger_login.status_code == 200
        and "_auth_user_id" not in stranger_login.wsgi_request.session
    )
    owner = User.objects.get(email=VICTIM)
    assert (owner.username, owner.has_usable_password()) == (f"mail:{VICTIM}", False)
    assert ticket.requester == Contact.objects.get(user=owner)
    # And the stranger's link, followed by the victim, cannot open an account (the address is
    # taken by the victim's mail login; without the stranger's password nothing happens anyway)
    link = _links(mail_on, VICTIM, "/portal/register/confirm/")[0]
    refused = Client().post(link, {"password": STRANGER_PASSWORD})
    assert refused.status_code == 422
    assert "already has an account" in refused.content.decode()
    # When the victim proves the address (a password link mailed to it) and signs in
    victim = Client()
    _set_password_by_mail(victim, mail_on, django_capture_on_commit_callbacks)
    signed_in = victim.post(
        "/portal/login/", {"username": VICTIM, "password": VICTIM_PASSWORD}, follow=True
    )
    # Then the victim sees the ticket
    assert signed_in.redirect_chain[-1][0] == "/portal/tickets/"
    assert ticket.number in signed_in.content.decode()
    assert User.objects.filter(email__iexact=VICTIM).count() == 1


def test_an_old_unproven_sign_up_loses_the_address_to_mail_from_it(
    mail_on: Smtp, mailbox: Mailbox, django_capture_on_commit_callbacks: Any
) -> None:
    # Given a login that signed itself up with the victim's address before sign-ups were
    # confirmed (as the data migration marks it)
    squatter = user_create(
        actor=None,
        username=VICTIM,
        role=Role.CUSTOMER,
        password=STRANGER_PASSWORD,
        email=VICTIM,
        display_name="陌生人",
    )
    User.objects.filter(pk=squatter.pk).update(address_proven=False)
    own = contact_create(actor=None, name="陌生人", email=VICTIM, user=squatter)
    # When the victim mails the desk
    ticket = _victim_writes(mailbox)
    # Then the ticket is not filed under the squatter, who does not see it
    squatter_client = Client()
    squatter_client.post("/portal/login/", {"username": VICTIM, "password": STRANGER_PASSWORD})
    assert ticket.requester != own
    assert ticket.number not in squatter_client.get("/portal/tickets/").content.decode()
    squatter.refresh_from_db()
    assert squatter.email == ""  # the address went to the login made for its real sender
    # When the victim proves the address and signs in, the victim sees the ticket
    victim = Client()
    _set_password_by_mail(victim, mail_on, django_capture_on_commit_callbacks)
    page = victim.post(
        "/portal/login/", {"username": VICTIM, "password": VICTIM_PASSWORD}, follow=True
    ).content.decode()
    assert ticket.number in page
    assert User.objects.get(email=VICTIM).address_proven is True


def test_sign_up_opens_the_account_only_when_the_link_and_the_password_match(
    mail_on: Smtp, empty_db: None, django_capture_on_commit_callbacks: Any
) -> None:
    client = Client()

    sent = _sign_up(
        client, django_capture_on_commit_callbacks, email="Li.Lei@Example.COM", password=PASSWORD
    )
    users_before = User.objects.count()
    link = _links(mail_on, "li.lei@example.com", "/portal/register/confirm/")[0]
    opened = client.get(link)
    wrong = client.post(link, {"password": "not-the-one-2026"})
    right = client.post(link, {"password": PASSWORD})
    again = Client().post(link, {"password": PASSWORD})

    assert sent["Location"] == "/portal/register/sent/"
    assert users_before == 0
    assert opened.status_code == 200 and "li.lei@example.com" in opened.content.decode()
    assert wrong.status_code == 422
    assert "not the password you chose" in wrong.content.decode()
    assert (right.status_code, right["Location"]) == (302, "/portal/tickets/")
    user = User.objects.get(email="li.lei@example.com")
    assert (user.role, user.display_name, user.address_proven) == (Role.CUSTOMER, "陌生人", True)
    assert user.check_password(PASSWORD)
    assert Contact.objects.get(user=user).email == "li.lei@example.com"
    assert int(client.session["_auth_user_id"]) == user.pk
    assert again.status_code == 422 and "already has an account" in again.content.decode()


def test_of_two_pending_sign_ups_the_first_confirmed_owns_the_address(
    mail_on: Smtp, db: None, django_capture_on_commit_callbacks: Any
) -> None:
    _sign_up(Client(), django_capture_on_commit_callbacks, email=VICTIM, password=PASSWORD)
    _sign_up(
        Client(),
        django_capture_on_commit_callbacks,
        email=VICTIM,
        password=VICTIM_PASSWORD,
        name="张伟",
    )
    first, second = _links(mail_on, VICTIM, "/portal/register/confirm/")

    won = Client().post(second, {"password": VICTIM_PASSWORD})
    lost = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").post(first, {"password": PASSWORD})

    assert won.status_code == 302
    assert lost.status_code == 422
    assert "该邮箱地址已有账户" in lost.content.decode()
    owner = User.objects.get(email=VICTIM)
    assert (owner.display_name, owner.check_password(VICTIM_PASSWORD)) == ("张伟", True)


def test_the_answer_is_the_same_for_a_known_address_and_its_owner_gets_a_password_link(
    mail_on: Smtp, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    known = _sign_up(
        Client(),
        django_capture_on_commit_callbacks,
        email=world.customer.email,
        password="x-" + PASSWORD,
    )
    unknown = _sign_up(
        Client(), django_capture_on_commit_callbacks, email="new@nowhere.example", password=PASSWORD
    )

    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    pages = [Client().get(r["Location"]).content for r in (known, unknown)]
    assert _without_csrf(pages[0]) == _without_csrf(pages[1])
    assert _links(mail_on, world.customer.email, "/portal/register/confirm/") == []
    assert len(_links(mail_on, world.customer.email, "/portal/password/reset/")) == 1
    told = mail_on.to(world.customer.email)[-1]
    assert told["Subject"] == "Your address already has a service desk account"
    assert "x-" + PASSWORD not in told.get_content()
    assert len(_links(mail_on, "new@nowhere.example", "/portal/register/confirm/")) == 1
    world.customer.refresh_from_db()
    assert world.customer.check_password(PASSWORD)  # the sign-up changed nothing


def test_sign_ups_are_rate_limited_per_address_and_per_client_in_the_readers_language(
    mail_on: Smtp, db: None, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.GONGDAN_REGISTER_ADDRESS_LIMIT = 2
    settings.GONGDAN_REGISTER_IP_LIMIT = 2

    by_address = [  # one address from three clients
        _sign_up(
            Client(REMOTE_ADDR=f"10.7.0.{n}", HTTP_ACCEPT_LANGUAGE="zh-hans"),
            django_capture_on_commit_callbacks,
            email=VICTIM,
            password=PASSWORD,
        )
        for n in range(3)
    ]
    client = Client(REMOTE_ADDR="10.7.1.1")
    by_client = [  # one client, three addresses
        _sign_up(
            client, django_capture_on_commit_callbacks, email=f"a{n}@x.example", password=PASSWORD
        )
        for n in range(3)
    ]

    assert [r.status_code for r in by_address] == [302, 302, 429]
    assert [r.status_code for r in by_client] == [302, 302, 429]
    assert "尝试次数过多" in by_address[-1].content.decode()
    assert len(mail_on.to(VICTIM)) == 2
    assert mail_on.to("a2@x.example") == []


def test_a_changed_or_expired_link_is_refused_with_a_clear_message(
    mail_on: Smtp, db: None, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _sign_up(Client(), django_capture_on_commit_callbacks, email=VICTIM, password=PASSWORD)
    link = _links(mail_on, VICTIM, "/portal/register/confirm/")[0]
    changed = link[:-3] + ("A" if link[-3] != "A" else "B") + link[-2:]

    forged = Client().post(changed, {"password": PASSWORD})
    settings.GONGDAN_REGISTER_LINK_MAX_AGE = -1
    expired = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get(link)

    assert forged.status_code == 400 and 'data-testid="invalid-link"' in forged.content.decode()
    assert expired.status_code == 400 and "确认链接无效或已过期" in expired.content.decode()
    assert not User.objects.filter(email=VICTIM).exists()


def test_the_mail_is_in_the_sign_up_language(
    mail_on: Smtp, db: None, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        Client(HTTP_ACCEPT_LANGUAGE="zh-hans").post(
            "/portal/register/", {"name": "张伟", "email": VICTIM, "password": PASSWORD}
        )

    message = mail_on.to(VICTIM)[-1]
    assert message["Subject"] == "确认您在服务台的邮箱地址"
    assert f"{VICTIM}，您好" in message.get_content()  # the address, never the typed name


def test_without_mail_the_page_says_so_and_opens_nothing(
    smtp: Smtp, empty_db: None, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.GONGDAN_EMAIL_ENABLED = False

    page = Client().get("/portal/register/")

    assert 'data-testid="register-needs-mail"' in page.content.decode()
    assert 'name="password"' not in page.content.decode()
    assert smtp.messages == [] and User.objects.count() == 0


def test_an_outsider_with_someone_elses_link_cannot_open_or_change_an_account(
    mail_on: Smtp, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    _sign_up(Client(), django_capture_on_commit_callbacks, email=VICTIM, password=PASSWORD)
    link = _links(mail_on, VICTIM, "/portal/register/confirm/")[0]
    outsider = world.client_for(world.other_customer)

    tried = outsider.post(link, {"password": "Guessing-2026-pw"})

    assert tried.status_code == 422
    assert not User.objects.filter(email=VICTIM).exists()
    assert int(outsider.session["_auth_user_id"]) == world.other_customer.pk
    assert Contact.objects.filter(email=VICTIM).count() == 0


def test_wrong_confirmation_passwords_count_towards_the_sign_in_lockout(
    mail_on: Smtp, db: None, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.GONGDAN_LOGIN_FAILURES_PER_NAME = 2
    _sign_up(Client(), django_capture_on_commit_callbacks, email=VICTIM, password=PASSWORD)
    link = _links(mail_on, VICTIM, "/portal/register/confirm/")[0]
    for n in range(2):
        Client().post(link, {"password": f"guess-{n}-2026"})

    right = Client().post(link, {"password": PASSWORD})

    assert right.status_code == 422 and "Too many failed sign-ins" in right.content.decode()
    assert not User.objects.filter(email=VICTIM).exists()
