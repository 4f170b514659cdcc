"""Editable mail templates: the placeholder language, validation, who may edit, the pages, the
API, and the mail really sent (aiosmtpd) with an admin's version or the shipped default."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone, translation

from gongdan.audit.models import AuditEvent
from gongdan.channels.email import mailtemplates, placeholders
from gongdan.channels.email.models import MailTemplate
from gongdan.channels.email.placeholders import TemplateProblem
from gongdan.channels.email.template_services import mail_template_reset, mail_template_save
from gongdan.core.errors import Forbidden, ValidationFailed
from gongdan.testing import Api, World
from gongdan.tickets import services
from tests.channels.email.conftest import Smtp

SITE = settings.SITE_URL
KEY = "ticket.staff_replied"
BASE = f"/desk/settings/mail-templates/{KEY}/zh-hans/"
CUSTOM = {
    "subject": "【回复】[{ticket.number}] {ticket.title}",
    "body_text": "{recipient.name}，您好：\n{reply.body}\n查看：{link}\n",
    "body_html": "<p>{recipient.name}</p><blockquote>{reply.body}</blockquote>",
}


def _lines(text: str) -> str:
    return text.replace("\r\n", "\n")


def _speaks_chinese(*users: Any) -> None:
    for user in users:
        user.language = "zh-hans"
        user.save(update_fields=["language"])


# --- the placeholder language ------------------------------------------------------------------


def test_placeholders_are_filled_and_double_braces_are_literal() -> None:
    text = "{{x}} [{ticket.number}] {ticket.title} }}"

    out = placeholders.render(text, {"ticket.number": "GD-1", "ticket.title": "打印机"})

    assert out == "{x} [GD-1] 打印机 }"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("{ticket.number", "not closed"),
        ("number} x", "closes no placeholder"),
        ("{ticket.__class__}", "not a placeholder name"),
        ("{ticket.number|upper}", "not a placeholder name"),
        ("{}", "not a placeholder name"),
    ],
)
def test_malformed_templates_are_refused_with_the_place(text: str, fragment: str) -> None:
    with translation.override("en"), pytest.raises(TemplateProblem) as caught:
        placeholders.parse(text)
    assert fragment in caught.value.message


def test_only_whitelisted_names_are_accepted() -> None:
    with translation.override("en"), pytest.raises(TemplateProblem) as caught:
        placeholders.check("{ticket.requester.user.password} {ticket.save}", ["ticket.number"])

    assert "{ticket.requester.user.password}, {ticket.save}" in caught.value.message
    assert "{ticket.number}" in caught.value.message


def test_values_are_escaped_in_html_and_one_line_in_subjects() -> None:
    values = {"ticket.title": '<img src=x onerror="alert(1)">\r\nBcc: x@evil.test'}

    html = placeholders.render("<b>{ticket.title}</b>", values, html=True)
    subject = placeholders.render("{ticket.title}", values, one_line=True)

    assert "<img" not in html and "&lt;img src=x" in html
    assert "\n" not in subject and "\r" not in subject


# --- saving ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"body_text": "{ticket.requester.email}"}, "body_text", "未知的占位符"),
        ({"body_text": "{reply.body"}, "body_text", "没有用“}”闭合"),
        ({"body_html": "<p>{ticket.number}}</p>"}, "body_html", "没有对应的占位符"),
        ({"subject": "您的工单有回复"}, "subject", "{ticket.number}"),
        ({"subject": "[{ticket.number}]\nBcc: x"}, "subject", "一行"),
        ({"body_text": "  "}, "body_text", "请填写"),
    ],
)
def test_a_bad_template_is_refused_in_the_users_language_and_nothing_is_saved(
    world: World, changes: dict[str, str], field: str, message: str
) -> None:
    with translation.override("zh-hans"), pytest.raises(ValidationFailed) as caught:
        mail_template_save(actor=world.admin, key=KEY, language="zh-hans", **{**CUSTOM, **changes})

    assert caught.value.code == "mail_template.invalid"
    assert message in caught.value.fields[field]
    assert not MailTemplate.objects.exists() and not AuditEvent.objects.filter(
        action__startswith="mail_template"
    )


def test_only_admins_may_save_or_reset(world: World) -> None:
    mail_template_save(actor=world.admin, key=KEY, language="en", **CUSTOM)
    for user in (world.supervisor, world.agent, world.customer):
        with pytest.raises(Forbidden):
            mail_template_save(actor=user, key=KEY, language="en", **{**CUSTOM, "subject": "x"})
        with pytest.raises(Forbidden):
            mail_template_reset(actor=user, key=KEY, language="en")

    assert MailTemplate.objects.get().subject == CUSTOM["subject"]


# --- the mail really sent ----------------------------------------------------------------------


def test_a_public_reply_is_mailed_with_the_admins_template_in_the_readers_language(
    smtp: Smtp, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    mail_template_save(actor=world.admin, key=KEY, language="zh-hans", **CUSTOM)
    _speaks_chinese(world.customer)
    ticket = world.ticket(title="打印机 <坏了>")

    with django_capture_on_commit_callbacks(execute=True):
        services.comment_create(actor=world.agent, ticket=ticket, body="请重启 & 再试")

    mail = smtp.to(world.customer.email)[-1]
    assert mail["Subject"] == f"【回复】[{ticket.number}] 打印机 <坏了>"
    text = mail.get_body(preferencelist=("plain",))
    html = mail.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    assert _lines(text.get_content()) == (
        f"customer，您好：\n请重启 & 再试\n查看：{SITE}/portal/tickets/{ticket.number}/\n"
    )
    assert html.get_content().strip() == (
        "<p>customer</p><blockquote>请重启 &amp; 再试</blockquote>"
    )
    assert mail["Auto-Submitted"] == "auto-generated" and mail["Message-ID"]


def test_readers_of_the_other_language_and_after_a_reset_get_the_default(
    smtp: Smtp, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    mail_template_save(actor=world.admin, key=KEY, language="zh-hans", **CUSTOM)
    world.customer.language = "en"
    world.customer.save(update_fields=["language"])
    ticket = world.ticket()

    with django_capture_on_commit_callbacks(execute=True):
        services.comment_create(actor=world.agent, ticket=ticket, body="Please restart it.")
    english = smtp.to(world.customer.email)[-1]
    world.customer.language = "zh-hans"
    world.customer.save(update_fields=["language"])
    assert mail_template_reset(actor=world.admin, key=KEY, language="zh-hans") is True
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_create(actor=world.agent, ticket=ticket, body="请重启。")
    chinese = smtp.to(world.customer.email)[-1]

    assert english["Subject"] == f"[{ticket.number}] {ticket.title}"
    assert english.get_content().startswith(
        f"The service desk replied on your ticket {ticket.number}"
    )
    assert "Please restart it." in english.get_content()
    assert english.get_body(preferencelist=("html",)) is None
    assert chinese["Subject"] == f"[{ticket.number}] {ticket.title}"
    assert "请重启。" in chinese.get_content() and "服务台" in chinese.get_content()
    assert list(
        AuditEvent.objects.filter(action__startswith="mail_template")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["mail_template.updated", "mail_template.reset"]


def test_the_resolution_mail_has_its_own_template_with_confirm_and_reopen_links(
    smtp: Smtp, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    mail_template_save(
        actor=world.admin,
        key=mailtemplates.RESOLVED,
        language="zh-hans",
        subject="已解决 [{ticket.number}]",
        body_text="确认：{confirm.link}\n重开：{reopen.link}\n",
    )
    _speaks_chinese(world.customer)
    ticket = world.ticket()
    services.ticket_transition(actor=world.agent, ticket=ticket, to="in_progress")
    ticket.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_transition(actor=world.agent, ticket=ticket, to="resolved")

    mail = smtp.to(world.customer.email)[-1]
    confirm, reopen = (line.split("：", 1)[1] for line in _lines(mail.get_content()).split())
    assert mail["Subject"] == f"已解决 [{ticket.number}]"
    # Signed one-click links (no password needed): confirming closes the ticket.
    assert confirm.startswith(f"{SITE}/portal/act/") and reopen.startswith(f"{SITE}/portal/act/")
    assert confirm != reopen
    Client().post(confirm.removeprefix(SITE))
    ticket.refresh_from_db()
    assert ticket.status == "closed"


# --- pages -------------------------------------------------------------------------------------


def test_the_list_shows_every_mail_in_both_languages_in_few_queries(
    world: World, django_assert_max_num_queries: Any
) -> None:
    mail_template_save(actor=world.admin, key=KEY, language="en", **CUSTOM)
    for key in ("ticket.assigned", "ticket.customer_replied", "sla.warning"):
        mail_template_save(
            actor=world.admin,
            key=key,
            language="zh-hans",
            subject="[{ticket.number}]",
            body_text="{message}",
        )
    client = world.client_for(world.admin)

    # session, user, every stored template (with its editor) — whatever the number of templates;
    # in December one more: the admins' banner asks which calendars lack next year's holidays
    december = timezone.localdate().month == 12
    with django_assert_max_num_queries(4 if december else 3):
        response = client.get("/desk/settings/mail-templates/")

    assert response.status_code == 200
    page = response.content.decode()
    keys = [s.key for s in mailtemplates.specs()]
    assert len(keys) >= 20 and {KEY, mailtemplates.RESOLVED, mailtemplates.LOOKUP_CODE} <= set(keys)
    for key in keys:
        assert f"/desk/settings/mail-templates/{key}/zh-hans/" in page
        assert f"/desk/settings/mail-templates/{key}/en/" in page
    assert page.count("badge text-bg-primary") == 4  # four edited, the rest default


def test_an_admin_edits_a_template_and_sees_the_error_or_the_saved_version(world: World) -> None:
    _speaks_chinese(world.admin)
    client = world.client_for(world.admin)

    bad = client.post(BASE, {**CUSTOM, "body_text": "{ticket.secret}"})
    good = client.post(BASE, CUSTOM)
    shown = client.get(BASE)

    assert bad.status_code == 422
    assert "未知的占位符：{ticket.secret}" in bad.content.decode()
    assert good.status_code == 302 and good["Location"] == BASE
    row = MailTemplate.objects.get()
    assert (row.key, row.language, row.subject, row.updated_by) == (
        KEY,
        "zh-hans",
        CUSTOM["subject"],
        world.admin,
    )
    assert "GD-20261130-0042" in shown.content.decode()  # the preview's sample ticket


def test_the_preview_renders_the_editor_text_with_a_sample_ticket(world: World) -> None:
    _speaks_chinese(world.admin)
    client = world.client_for(world.admin)

    response = client.post(
        f"{BASE}preview/", {**CUSTOM, "body_html": ""}, headers={"HX-Request": "true"}
    )
    broken = client.post(
        f"{BASE}preview/", {**CUSTOM, "subject": "{ticket"}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body and 'id="mail-preview"' in body
    assert "【回复】[GD-20261130-0042]" in body and "请重启打印机后再试" in body
    assert "没有用“}”闭合" in broken.content.decode()
    assert not MailTemplate.objects.exists()


def test_reset_goes_back_to_the_default(world: World) -> None:
    mail_template_save(actor=world.admin, key=KEY, language="zh-hans", **CUSTOM)
    client = world.client_for(world.admin)

    response = client.post(f"{BASE}reset/")

    assert response.status_code == 302 and not MailTemplate.objects.exists()
    default_subject, _ = mailtemplates.default_template(KEY, "zh-hans")
    assert default_subject in client.get(BASE).content.decode()


def test_send_a_test_mail_to_me(smtp: Smtp, world: World, settings: Any) -> None:
    _speaks_chinese(world.admin)
    settings.GONGDAN_EMAIL_ENABLED = True
    client = world.client_for(world.admin)

    response = client.post(f"{BASE}test/", CUSTOM)

    assert response.status_code == 200
    mail = smtp.to(world.admin.email)[-1]
    assert mail["Subject"] == "[测试] 【回复】[GD-20261130-0042] 三楼的打印机无法打印"
    assert not MailTemplate.objects.exists()  # a test mail saves nothing


@pytest.mark.parametrize("who", ["supervisor", "agent", "other_agent", "customer"])
def test_outsiders_can_neither_see_nor_change_templates(world: World, who: str) -> None:
    mail_template_save(actor=world.admin, key=KEY, language="zh-hans", **CUSTOM)
    client = world.client_for(getattr(world, who))

    responses = [
        client.get("/desk/settings/mail-templates/"),
        client.get(BASE),
        client.post(BASE, {**CUSTOM, "subject": "[{ticket.number}] 改了"}),
        client.post(f"{BASE}preview/", CUSTOM),
        client.post(f"{BASE}reset/"),
        client.post(f"{BASE}test/", CUSTOM),
    ]

    assert [r.status_code for r in responses] == [403] * 6
    assert MailTemplate.objects.get().subject == CUSTOM["subject"]


def test_anonymous_visitors_are_sent_to_sign_in(world: World) -> None:
    responses = [Client().get("/desk/settings/mail-templates/"), Client().post(f"{BASE}reset/")]

    assert [r.status_code for r in responses] == [302, 302]
    assert all("/accounts/login/" in r["Location"] for r in responses)


def test_an_unknown_mail_or_language_is_404(world: World) -> None:
    client = world.client_for(world.admin)

    assert client.get("/desk/settings/mail-templates/no.such/zh-hans/").status_code == 404
    assert client.get(f"/desk/settings/mail-templates/{KEY}/fr/").status_code == 404


# --- API ---------------------------------------------------------------------------------------


def test_the_api_lists_gets_updates_previews_and_resets(world: World) -> None:
    api = Api(world).as_(world.admin)
    path = f"/mail/templates/{KEY}/en"

    listed = api.get("/mail/templates").json()
    updated = api.put(path, {**CUSTOM, "subject": "Re [{ticket.number}]"})
    fetched = api.get(path).json()
    preview = api.post(f"{path}/preview", {**CUSTOM, "subject": "Re [{ticket.number}]"}).json()
    reset = api._send("delete", path)

    assert len(listed) == 2 * len(mailtemplates.specs())
    entry = next(e for e in listed if e["key"] == KEY and e["language"] == "en")
    assert entry["customized"] is False and "reply.body" in entry["placeholders"]
    assert updated.status_code == 200 and updated.json()["customized"] is True
    assert fetched["subject"] == "Re [{ticket.number}]" and fetched["updated_by"] == "admin"
    assert preview["subject"] == "Re [GD-20261130-0042]"
    assert "<blockquote>Please restart the printer and try again.</blockquote>" in preview["html"]
    assert reset.status_code == 200 and reset.json()["customized"] is False
    assert not MailTemplate.objects.exists()


def test_the_api_refuses_bad_templates_with_a_code_and_fields(world: World) -> None:
    api = Api(world).as_(world.admin)

    response = api.put(
        f"/mail/templates/{KEY}/zh-hans",
        {**CUSTOM, "body_text": "{ticket.requester}"},
        headers={"Accept-Language": "en"},
    )
    missing = api.get("/mail/templates/nope/zh-hans")

    assert response.status_code == 422
    assert response.json()["code"] == "mail_template.invalid"
    assert "body_text" in response.json()["fields"]
    assert (missing.status_code, missing.json()["code"]) == (404, "mail_template.not_found")
    assert not MailTemplate.objects.exists()


@pytest.mark.parametrize("who", ["supervisor", "agent", "customer", None])
def test_api_outsiders_can_neither_see_nor_change_templates(world: World, who: str | None) -> None:
    mail_template_save(actor=world.admin, key=KEY, language="en", **CUSTOM)
    api = Api(world).as_(getattr(world, who) if who else None)
    path = f"/mail/templates/{KEY}/en"
    expected = 403 if who else 401

    responses = [
        api.get("/mail/templates"),
        api.get(path),
        api.put(path, {**CUSTOM, "subject": "[{ticket.number}] x"}),
        api._send("delete", path),
        api.post(f"{path}/preview", CUSTOM),
        api.post(f"{path}/test", CUSTOM),
    ]

    assert [r.status_code for r in responses] == [expected] * 6
    assert MailTemplate.objects.get().subject == CUSTOM["subject"]


def test_a_mail_without_a_ticket_takes_the_sentence_as_subject(world: World) -> None:
    from gongdan.channels.email.outbound import render

    with translation.override("en"):
        rendered = render(
            world.agent, "supervision.opened", None, {"subject": "IT 运维", "deadline": "12:00"}
        )

    assert rendered.subject.startswith("Someone opened a supervision (督办) on IT 运维")
    assert "[]" not in rendered.subject


def test_mail_names_who_acted(
    smtp: Smtp, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    ticket = world.ticket()

    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_assign(actor=world.admin, ticket=ticket, assignee=world.agent)

    mail = smtp.to(world.agent.email)[-1]
    assert mail.get_content().startswith(f"admin assigned {ticket.number} to you")


def test_the_api_test_mail_reports_a_refusing_server_and_disabled_mail(
    smtp: Smtp, world: World, settings: Any
) -> None:
    api = Api(world).as_(world.admin)
    path = f"/mail/templates/{KEY}/en/test"

    settings.GONGDAN_EMAIL_ENABLED = False
    disabled = api.post(path, CUSTOM)
    settings.GONGDAN_EMAIL_ENABLED = True
    smtp.reject = "550 5.7.1 Relaying denied"
    refused = api.post(path, CUSTOM)
    smtp.reject = ""
    sent = api.post(path, CUSTOM)

    assert (disabled.status_code, disabled.json()["code"]) == (422, "mail.disabled")
    assert (refused.status_code, refused.json()["code"]) == (502, "mail.send_failed")
    assert "Relaying denied" in refused.json()["message"]
    assert sent.status_code == 200 and sent.json() == {"sent_to": world.admin.email}
    assert len(smtp.to(world.admin.email)) == 1


def test_an_sla_warning_preview_names_the_target_in_the_editors_language(world: World) -> None:
    from gongdan.channels.email.template_services import mail_template_preview

    with translation.override("zh-hans"):
        rendered = mail_template_preview(
            actor=world.admin,
            key="sla.warning",
            language="zh-hans",
            subject="[{ticket.number}] {sla.percent}%",
            body_text="{sla.target}：已用 {sla.percent}%",
        )

    assert rendered.subject == "[GD-20261130-0042] 75%"
    assert rendered.text == "解决：已用 75%"


def test_every_shipped_default_is_valid_and_renders_in_both_languages(world: World) -> None:
    from gongdan.channels.email.template_services import mail_template_preview

    for spec in mailtemplates.specs():
        for language in ("zh-hans", "en"):
            subject, body = mailtemplates.default_template(spec.key, language)
            rendered = mail_template_preview(
                actor=world.admin,
                key=spec.key,
                language=language,
                subject=subject,
                body_text=body,
            )
            assert rendered.subject.strip() and rendered.text.strip(), spec.key
            assert "{" not in rendered.subject + rendered.text, (spec.key, language)
