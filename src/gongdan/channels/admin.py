"""Back-office configuration of channels: WeCom apps, IM apps, IM identities, web forms; team
robots are read-only here (edited on their workspace pages through ``channels.services``).

Secrets are write-only here: the form shows an empty password box and the list a masked value;
leaving the box empty keeps the stored secret. Webhook subscriptions have their own workspace
pages (``/desk/channels/webhooks/``); the admin lists them read-only. Every save and delete here
goes through ``audit.config`` (audited).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from gongdan.audit.admin import AuditedAdmin
from gongdan.channels.http import ChannelError
from gongdan.channels.models import (
    ImApp,
    ImIdentity,
    InboundMessage,
    TeamRobot,
    WebForm,
    WebhookDelivery,
    WebhookSubscription,
    WecomApp,
    masked,
)
from gongdan.channels.robots import robot_test
from gongdan.channels.wecom.crypto import WecomCrypto, WecomCryptoError
from gongdan.core.admin import ReadOnlyAdmin


class SecretFieldsForm(forms.ModelForm):
    """Secret fields are password boxes that never render the stored value."""

    secret_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in self.secret_fields:
            field = self.fields[name]
            field.widget = forms.PasswordInput(render_value=False)
            if self.instance.pk:
                field.required = False
                field.help_text = _("Stored: %(value)s. Leave empty to keep it.") % {
                    "value": masked(getattr(self.instance, name)) or "—"
                }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in self.secret_fields:
            if self.instance.pk and not data.get(name):
                data[name] = getattr(self.instance, name)
        return data


@admin.register(TeamRobot)
class TeamRobotAdmin(ReadOnlyAdmin):
    """Edited on their workspace pages (``channels.services.robot_save``); tested from here."""

    exclude = ["webhook_url", "secret"]
    list_display = ["name", "team", "vendor", "is_active", "last_sent_at", "last_error"]
    list_filter = ["vendor", "is_active", "team"]
    actions = ["send_test"]

    @admin.action(description=_("Send a test message"))
    def send_test(self, request: HttpRequest, queryset: QuerySet[TeamRobot]) -> None:
        for robot in queryset:
            try:
                robot_test(robot)
            except ChannelError as exc:
                self.message_user(request, f"{robot}: {exc}", messages.ERROR)
            else:
                self.message_user(request, _("%(robot)s: sent.") % {"robot": robot})


class WecomAppForm(SecretFieldsForm):
    secret_fields = ("secret", "token", "encoding_aes_key")

    class Meta:
        model = WecomApp
        fields = [
            "code",
            "name",
            "corp_id",
            "agent_id",
            "secret",
            "token",
            "encoding_aes_key",
            "api_base_url",
            "is_active",
        ]

    def clean_encoding_aes_key(self) -> str:
        value = self.cleaned_data.get("encoding_aes_key") or ""
        if value:
            try:
                WecomCrypto(token="", encoding_aes_key=value, receive_id="")
            except WecomCryptoError as exc:
                raise forms.ValidationError(
                    _("An EncodingAESKey is the 43 characters shown in the WeCom console.")
                ) from exc
        return value


@admin.register(WecomApp)
class WecomAppAdmin(AuditedAdmin):
    form = WecomAppForm
    list_display = ["code", "name", "corp_id", "agent_id", "is_active"]


class ImAppForm(SecretFieldsForm):
    secret_fields = ("app_secret",)

    class Meta:
        model = ImApp
        fields = [
            "vendor",
            "code",
            "name",
            "app_key",
            "app_secret",
            "agent_id",
            "api_base_url",
            "is_active",
        ]


@admin.register(ImApp)
class ImAppAdmin(AuditedAdmin):
    form = ImAppForm
    list_display = ["code", "name", "vendor", "app_key", "agent_id", "is_active"]
    list_filter = ["vendor"]


@admin.register(ImIdentity)
class ImIdentityAdmin(AuditedAdmin):
    list_display = ["user", "vendor", "external_id"]
    list_filter = ["vendor"]
    search_fields = ["external_id", "user__username", "user__display_name"]
    raw_id_fields = ["user"]


@admin.register(InboundMessage)
class InboundMessageAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "vendor", "app_code", "sender", "outcome", "ticket"]
    list_filter = ["vendor", "outcome"]


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(ReadOnlyAdmin):
    list_display = ["name", "url", "is_active", "consecutive_failures", "disabled_at"]
    exclude = ["secret"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "subscription", "event_type", "attempt", "status", "status_code"]
    list_filter = ["status", "event_type"]


@admin.register(WebForm)
class WebFormAdmin(AuditedAdmin):
    list_display = ["name", "key", "team", "ticket_type", "is_active"]
    list_filter = ["is_active", "team"]
    search_fields = ["name", "key"]
    readonly_fields = ["created_at"]
