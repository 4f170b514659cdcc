"""Forms of Settings → Web forms, IM apps and SMS providers. They parse; services validate.

Secret fields are password inputs that never render a value: empty on an edit keeps the stored
secret, and the page says whether one is set.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gongdan.accounts.forms import StyledForm
from gongdan.accounts.models import Team
from gongdan.channels.choices import SmsVendor, Vendor
from gongdan.tickets.models import TicketType


def _secret(label: Any, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=500,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=help_text,
    )


class WebFormSettingsForm(StyledForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    ticket_type = forms.ModelChoiceField(
        label=_("Ticket type"),
        queryset=TicketType.objects.filter(is_active=True).order_by("sort_order", "id"),
        required=False,
    )
    team = forms.ModelChoiceField(
        label=_("Team"),
        queryset=Team.objects.filter(is_active=True).order_by("name"),
        required=False,
        help_text=_("Empty: the ticket type's default team."),
    )
    allowed_origins = forms.CharField(
        label=_("Allowed origins"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sites that may embed this form, one per line, e.g. https://www.example.com"),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class ImAppForm(StyledForm):
    """One form for the three vendors; fields that do not apply to a vendor are removed."""

    code = forms.CharField(
        label=_("Code"),
        max_length=50,
        help_text=_("Letters, digits, - and _; names the app in settings and callback URLs."),
    )
    name = forms.CharField(label=_("Name"), max_length=100)
    corp_id = forms.CharField(label=_("Corp ID"), max_length=64, required=False)
    app_key = forms.CharField(label=_("App key / App ID"), max_length=100, required=False)
    agent_id = forms.IntegerField(label=_("Agent ID"), required=False, min_value=1)
    api_base_url = forms.URLField(
        label=_("API base URL"),
        max_length=200,
        required=False,
        help_text=_("Empty: the vendor's public API."),
    )
    secret = _secret(_("App secret"))
    token = _secret(_("Callback token"))
    encoding_aes_key = _secret(_("EncodingAESKey"))
    app_secret = _secret(_("App secret"))
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    FIELDS = {
        Vendor.WECOM: (
            "code", "name", "corp_id", "agent_id", "api_base_url", "secret", "token",
            "encoding_aes_key", "is_active",
        ),
        Vendor.DINGTALK: (
            "code", "name", "app_key", "agent_id", "api_base_url", "app_secret", "is_active",
        ),
        Vendor.FEISHU: ("code", "name", "app_key", "api_base_url", "app_secret", "is_active"),
    }  # fmt: skip

    def __init__(self, *args: Any, vendor: str, secrets_set: dict[str, bool], **kw: Any) -> None:
        super().__init__(*args, **kw)
        keep = self.FIELDS[Vendor(vendor)]
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        for name, is_set in secrets_set.items():
            if is_set and name in self.fields:
                self.fields[name].help_text = _("Set. Leave empty to keep it, or type a new one.")


class SmsProviderForm(StyledForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    vendor = forms.ChoiceField(label=_("Vendor"), choices=SmsVendor.choices)
    key_id = forms.CharField(label=_("Access key ID / SecretId"), max_length=100)
    key_secret = _secret(_("Access key secret / SecretKey"))
    sign_name = forms.CharField(label=_("Signature (签名)"), max_length=50)
    template = forms.CharField(
        label=_("Notification template"),
        max_length=50,
        help_text=_("Approved template with the variables number and text."),
    )
    code_template = forms.CharField(
        label=_("Verification code template"),
        max_length=50,
        required=False,
        help_text=_("Approved template with the variable code, for portal lookup codes."),
    )
    app_id = forms.CharField(label=_("SDK app ID (Tencent)"), max_length=50, required=False)
    region = forms.CharField(label=_("Region (Tencent)"), max_length=50, required=False)
    endpoint = forms.URLField(
        label=_("API endpoint"),
        max_length=200,
        required=False,
        help_text=_("Empty: the vendor's public API."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, secret_set: bool = False, **kw: Any) -> None:
        super().__init__(*args, **kw)
        if secret_set:
            self.fields["key_secret"].help_text = _(
                "Set. Leave empty to keep it, or type a new one."
            )


class SmsTestForm(StyledForm):
    mobile = forms.CharField(label=_("Mobile number"), max_length=20)
