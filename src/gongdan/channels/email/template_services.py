"""Editing mail templates (administrators only): read, save, reset to default, preview, test mail.

Every write is validated whole before anything is stored (syntax, the key's placeholder
whitelist, a one-line subject that keeps ``{ticket.number}`` so replies find their ticket) and is
audited (``mail_template.updated`` / ``mail_template.reset``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongdan.accounts.choices import Language
from gongdan.accounts.models import User
from gongdan.audit.services import audit_record
from gongdan.channels.email import mailtemplates, placeholders
from gongdan.channels.email.mailtemplates import Rendered, Spec
from gongdan.channels.email.models import MailTemplate
from gongdan.channels.policies import require_channel_manager
from gongdan.core.errors import DomainError, NotFound, ValidationFailed

SUBJECT_MAX = 300
BODY_MAX = 20_000


@dataclass(frozen=True)
class TemplateView:
    """One mail in one language as an admin sees it (the default when nobody edited it)."""

    spec: Spec
    language: str
    subject: str
    body_text: str
    body_html: str
    customized: bool
    updated_at: object = None
    updated_by: str = ""


def _spec(key: str, language: str) -> Spec:
    spec = mailtemplates.spec_for(key)
    if spec is None or language not in Language.values:
        raise NotFound("mail_template.not_found", _("There is no such mail template."))
    return spec


def mail_template_list(*, user: User) -> list[TemplateView]:
    """Every mail × language, customers' first; one query for the admins' versions."""
    require_channel_manager(user)
    rows = {(r.key, r.language): r for r in MailTemplate.objects.select_related("updated_by").all()}
    out = []
    for spec in mailtemplates.specs():
        for language in Language.values:
            out.append(_view(spec, language, rows.get((spec.key, language))))
    return out


def mail_template_get(*, user: User, key: str, language: str) -> TemplateView:
    require_channel_manager(user)
    spec = _spec(key, language)
    row = MailTemplate.objects.select_related("updated_by").filter(key=key, language=language)
    return _view(spec, language, row.first())


def _view(spec: Spec, language: str, row: MailTemplate | None) -> TemplateView:
    if row is None:
        subject, text = mailtemplates.default_template(spec.key, language)
        return TemplateView(spec, language, subject, text, "", False)
    by = str(row.updated_by.display_name or row.updated_by.username) if row.updated_by else ""
    return TemplateView(
        spec, language, row.subject, row.body_text, row.body_html, True, row.updated_at, by
    )


def mail_template_validate(
    *, key: str, language: str, subject: str, body_text: str, body_html: str
) -> Spec:
    """Raise ``ValidationFailed`` (every problem by field, in the reader's language)."""
    spec = _spec(key, language)
    errors: dict[str, str] = {}
    texts = {"subject": subject, "body_text": body_text, "body_html": body_html}
    for field, text in texts.items():
        if len(text) > (SUBJECT_MAX if field == "subject" else BODY_MAX):
            errors[field] = _("This is too long.")
            continue
        try:
            placeholders.check(text, spec.placeholders)
        except placeholders.TemplateProblem as exc:
            errors[field] = exc.message
    if not subject.strip():
        errors["subject"] = _("Enter a subject.")
    elif "\n" in subject or "\r" in subject:
        errors["subject"] = _("The subject must be one line.")
    elif "subject" not in errors and spec.about_ticket and not _names(subject) & {"ticket.number"}:
        errors["subject"] = _(
            "Keep {ticket.number} in the subject: replies by mail find their ticket by it."
        )
    if not body_text.strip():
        errors["body_text"] = _("Enter the plain-text body.")
    if errors:
        first = next(iter(errors.values()))
        raise ValidationFailed("mail_template.invalid", first, fields=errors)
    return spec


def _names(text: str) -> set[str]:
    return {name for is_name, name in placeholders.parse(text) if is_name}


def mail_template_save(
    *, actor: User, key: str, language: str, subject: str, body_text: str, body_html: str = ""
) -> MailTemplate:
    """Store the admins' version of one mail (validated whole first; nothing saved otherwise)."""
    require_channel_manager(actor)
    subject = subject.strip()
    mail_template_validate(
        key=key, language=language, subject=subject, body_text=body_text, body_html=body_html
    )
    with transaction.atomic():
        row, created = MailTemplate.objects.update_or_create(
            key=key,
            language=language,
            defaults={
                "subject": subject,
                "body_text": body_text,
                "body_html": body_html,
                "updated_at": timezone.now(),
                "updated_by": actor,
            },
        )
        audit_record(
            actor=actor,
            action="mail_template.updated",
            obj=row,
            data={"key": key, "language": language, "created": created},
        )
    return row


def mail_template_reset(*, actor: User, key: str, language: str) -> bool:
    """Go back to the shipped default; False when there was nothing to reset."""
    require_channel_manager(actor)
    _spec(key, language)
    with transaction.atomic():
        row = MailTemplate.objects.select_for_update().filter(key=key, language=language).first()
        if row is None:
            return False
        audit_record(
            actor=actor,
            action="mail_template.reset",
            obj=row,
            data={"key": key, "language": language, "subject": row.subject},
        )
        row.delete()
    return True


def mail_template_preview(
    *, actor: User, key: str, language: str, subject: str, body_text: str, body_html: str = ""
) -> Rendered:
    """The mail as a made-up ticket would make it (the text given, not the stored one)."""
    require_channel_manager(actor)
    mail_template_validate(
        key=key, language=language, subject=subject, body_text=body_text, body_html=body_html
    )
    values = mailtemplates.sample_values(key, language)
    return mailtemplates.render_parts(subject.strip(), body_text, body_html, values)


def mail_template_send_test(
    *, actor: User, key: str, language: str, subject: str, body_text: str, body_html: str = ""
) -> str:
    """Mail the preview to the admin themself, now, so they see it in a real mail client."""
    rendered = mail_template_preview(
        actor=actor,
        key=key,
        language=language,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
    )
    if not settings.GONGDAN_EMAIL_ENABLED:
        raise ValidationFailed(
            "mail.disabled", _("Outgoing mail is not configured (set EMAIL_HOST).")
        )
    if not actor.email:
        raise ValidationFailed(
            "mail.no_address", _("Your profile has no email address to send the test to.")
        )
    mail = EmailMultiAlternatives(
        _("[test] %(subject)s") % {"subject": rendered.subject},
        rendered.text,
        settings.DEFAULT_FROM_EMAIL,
        [actor.email],
        headers={"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"},
    )
    if rendered.html:
        mail.attach_alternative(rendered.html, "text/html")
    try:
        mail.send(fail_silently=False)
    except Exception as exc:  # the admin needs to see why the server refused it
        raise DomainError(
            "mail.send_failed",
            _("The mail server did not accept the test mail: %(error)s")
            % {"error": f"{type(exc).__name__}: {exc}"},
            status=502,
        ) from exc
    return actor.email
