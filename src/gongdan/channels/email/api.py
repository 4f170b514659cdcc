"""/api/v1/mailboxes, /api/v1/mail/inbound and /api/v1/mail/domains: mailbox settings, received
mail and the sender domains that place new contacts in organizations (admins)."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from gongdan.accounts.api_auth import api_user
from gongdan.channels.email import services, template_services
from gongdan.channels.email.models import InboundMessage, Mailbox, MailDomain
from gongdan.core.api_support import ERRORS, ErrorOut, InputSchema

router = Router(tags=["email"])
WRITE_ERRORS = {**ERRORS, 409: ErrorOut}


class MailboxOut(Schema):
    id: int
    name: str
    address: str
    team: int | None = Field(alias="team_id")
    ticket_type: int | None = Field(alias="ticket_type_id")
    is_active: bool
    imap_host: str
    imap_port: int
    imap_security: str
    imap_username: str
    imap_folder: str
    poll_minutes: int
    has_imap_password: bool
    last_uid: int
    last_error: str

    @staticmethod
    def resolve_has_imap_password(obj: Mailbox) -> bool:
        return bool(obj.imap_password)


class MailboxCreatedOut(MailboxOut):
    inbound_secret: str = Field(description="Shown once: MTAs send 'Authorization: Bearer …'.")


class MailboxIn(InputSchema):
    name: str = Field(max_length=100)
    address: str = Field(max_length=254)
    team: int | None = None
    ticket_type: int | None = None
    is_active: bool = True
    imap_host: str = Field(default="", max_length=200)
    imap_port: int = 993
    imap_security: str = "ssl"
    imap_username: str = Field(default="", max_length=200)
    imap_password: str = Field(default="", max_length=200, description="Write-only.")
    imap_folder: str = Field(default="INBOX", max_length=200)
    poll_minutes: int = 1


class MailboxPatch(InputSchema):
    name: str | None = Field(default=None, max_length=100)
    address: str | None = Field(default=None, max_length=254)
    team: int | None = None
    ticket_type: int | None = None
    is_active: bool | None = None
    imap_host: str | None = Field(default=None, max_length=200)
    imap_port: int | None = None
    imap_security: str | None = None
    imap_username: str | None = Field(default=None, max_length=200)
    imap_password: str | None = Field(default=None, max_length=200, description="Write-only.")
    imap_folder: str | None = Field(default=None, max_length=200)
    poll_minutes: int | None = None


class InboundOut(Schema):
    id: int
    mailbox: int | None = Field(alias="mailbox_id")
    message_key: str
    sender: str
    subject: str
    status: str
    reason: str
    error: str
    attempts: int
    ticket: str | None
    received_at: datetime
    processed_at: datetime | None

    @staticmethod
    def resolve_ticket(obj: InboundMessage) -> str | None:
        return obj.ticket.number if obj.ticket_id and obj.ticket else None


class InboundQuery(Schema):
    status: str | None = Field(
        default=None, pattern="^(received|ticket|reply|ignored|quarantined)$"
    )
    limit: int = Field(default=50, ge=1, le=200)


def _with_secret(mailbox: Mailbox, secret: str) -> Mailbox:
    mailbox.inbound_secret = secret  # type: ignore[attr-defined]  # read by MailboxCreatedOut
    return mailbox


@router.get("/mailboxes", response={200: list[MailboxOut], **ERRORS}, operation_id="mailboxes_list")
def mailboxes_list(request: HttpRequest) -> list[Mailbox]:
    """Every mailbox (passwords never shown; only whether one is set)."""
    return services.mailbox_list(actor=api_user(request))


@router.post(
    "/mailboxes", response={201: MailboxCreatedOut, **ERRORS}, operation_id="mailboxes_create"
)
def mailboxes_create(request: HttpRequest, payload: MailboxIn) -> Status:
    mailbox, secret = services.mailbox_create(actor=api_user(request), **payload.dict())
    return Status(201, _with_secret(mailbox, secret))


@router.patch(
    "/mailboxes/{mailbox_id}", response={200: MailboxOut, **ERRORS}, operation_id="mailboxes_update"
)
def mailboxes_update(request: HttpRequest, mailbox_id: int, payload: MailboxPatch) -> Mailbox:
    changes = payload.dict(exclude_unset=True)
    return services.mailbox_update(actor=api_user(request), mailbox_id=mailbox_id, changes=changes)


@router.post(
    "/mailboxes/{mailbox_id}/secret",
    response={200: MailboxCreatedOut, **ERRORS},
    operation_id="mailboxes_rotate_secret",
)
def mailboxes_rotate_secret(request: HttpRequest, mailbox_id: int) -> Mailbox:
    """A new inbound secret (the old one stops working at once)."""
    mailbox, secret = services.mailbox_rotate_secret(actor=api_user(request), mailbox_id=mailbox_id)
    return _with_secret(mailbox, secret)


@router.get(
    "/mail/inbound", response={200: list[InboundOut], **ERRORS}, operation_id="mail_inbound_list"
)
def mail_inbound_list(request: HttpRequest, query: Query[InboundQuery]) -> list[InboundMessage]:
    """Received mail, newest first (e.g. ``status=quarantined`` to see what needs a look)."""
    return services.inbound_list(
        actor=api_user(request), status=query.status or "", limit=query.limit
    )


@router.post(
    "/mail/inbound/{message_id}/retry",
    response={200: InboundOut, **WRITE_ERRORS},
    operation_id="mail_inbound_retry",
)
def mail_inbound_retry(request: HttpRequest, message_id: int) -> InboundMessage:
    """Process a quarantined message again; 409 for any other message."""
    return services.inbound_retry(actor=api_user(request), message_id=message_id)


class MailDomainOut(Schema):
    id: int
    domain: str
    organization: int = Field(alias="organization_id")


class MailDomainIn(InputSchema):
    domain: str = Field(max_length=200, examples=["acme.example.cn"])
    organization: int


@router.get(
    "/mail/domains", response={200: list[MailDomainOut], **ERRORS}, operation_id="mail_domains_list"
)
def mail_domains_list(request: HttpRequest) -> list[MailDomain]:
    """Sender domains mapped to organizations (a new contact at the domain joins it)."""
    return services.maildomain_list(actor=api_user(request))


@router.post(
    "/mail/domains",
    response={201: MailDomainOut, **WRITE_ERRORS},
    operation_id="mail_domains_create",
)
def mail_domains_create(request: HttpRequest, payload: MailDomainIn) -> Status:
    row = services.maildomain_create(
        actor=api_user(request), domain=payload.domain, organization_id=payload.organization
    )
    return Status(201, row)


@router.delete(
    "/mail/domains/{domain_id}",
    response={204: None, **WRITE_ERRORS},
    operation_id="mail_domains_delete",
)
def mail_domains_delete(request: HttpRequest, domain_id: int) -> Status:
    services.maildomain_delete(actor=api_user(request), domain_id=domain_id)
    return Status(204, None)


# --- mail templates ------------------------------------------------------------------------------


class MailTemplateOut(Schema):
    key: str
    language: str
    label: str
    audience: str
    placeholders: list[str]
    subject: str
    body_text: str
    body_html: str
    customized: bool = Field(description="False: the shipped default is sent.")
    updated_at: datetime | None
    updated_by: str


class MailTemplateIn(InputSchema):
    subject: str = Field(max_length=300)
    body_text: str = Field(max_length=20000)
    body_html: str = Field(default="", max_length=20000)


class MailPreviewOut(Schema):
    subject: str
    text: str
    html: str


class MailTestOut(Schema):
    sent_to: str


def _template_out(view: template_services.TemplateView) -> MailTemplateOut:
    return MailTemplateOut(
        key=view.spec.key,
        language=view.language,
        label=view.spec.label,
        audience=view.spec.audience,
        placeholders=list(view.spec.placeholders),
        subject=view.subject,
        body_text=view.body_text,
        body_html=view.body_html,
        customized=view.customized,
        updated_at=view.updated_at,  # type: ignore[arg-type]
        updated_by=view.updated_by,
    )


TEMPLATE = "/mail/templates/{key}/{language}"


@router.get(
    "/mail/templates",
    response={200: list[MailTemplateOut], **ERRORS},
    operation_id="mail_templates_list",
)
def mail_templates_list(request: HttpRequest) -> list[MailTemplateOut]:
    """Every mail × language (zh-hans, en), the admins' version or the shipped default."""
    views = template_services.mail_template_list(user=api_user(request))
    return [_template_out(v) for v in views]


@router.get(TEMPLATE, response={200: MailTemplateOut, **ERRORS}, operation_id="mail_templates_get")
def mail_templates_get(request: HttpRequest, key: str, language: str) -> MailTemplateOut:
    user = api_user(request)
    view = template_services.mail_template_get(user=user, key=key, language=language)
    return _template_out(view)


@router.put(
    TEMPLATE, response={200: MailTemplateOut, **ERRORS}, operation_id="mail_templates_update"
)
def mail_templates_update(
    request: HttpRequest, key: str, language: str, payload: MailTemplateIn
) -> MailTemplateOut:
    """Save the template (422 with field messages for a syntax error or unknown placeholder)."""
    user = api_user(request)
    template_services.mail_template_save(actor=user, key=key, language=language, **payload.dict())
    view = template_services.mail_template_get(user=user, key=key, language=language)
    return _template_out(view)


@router.delete(
    TEMPLATE, response={200: MailTemplateOut, **ERRORS}, operation_id="mail_templates_reset"
)
def mail_templates_reset(request: HttpRequest, key: str, language: str) -> MailTemplateOut:
    """Back to the shipped default (answers with it)."""
    user = api_user(request)
    template_services.mail_template_reset(actor=user, key=key, language=language)
    view = template_services.mail_template_get(user=user, key=key, language=language)
    return _template_out(view)


@router.post(
    f"{TEMPLATE}/preview",
    response={200: MailPreviewOut, **ERRORS},
    operation_id="mail_templates_preview",
)
def mail_templates_preview(
    request: HttpRequest, key: str, language: str, payload: MailTemplateIn
) -> MailPreviewOut:
    """The given text filled with a made-up ticket (nothing is saved)."""
    rendered = template_services.mail_template_preview(
        actor=api_user(request), key=key, language=language, **payload.dict()
    )
    return MailPreviewOut(subject=rendered.subject, text=rendered.text, html=rendered.html)


@router.post(
    f"{TEMPLATE}/test",
    response={200: MailTestOut, **ERRORS, 502: ErrorOut},
    operation_id="mail_templates_test",
)
def mail_templates_test(
    request: HttpRequest, key: str, language: str, payload: MailTemplateIn
) -> MailTestOut:
    """Mail the preview to the caller's own address."""
    sent_to = template_services.mail_template_send_test(
        actor=api_user(request), key=key, language=language, **payload.dict()
    )
    return MailTestOut(sent_to=sent_to)
