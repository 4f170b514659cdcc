from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gongdan.accounts.forms import style_fields
from gongdan.accounts.models import Team
from gongdan.channels.choices import RobotEvent, Vendor


class RobotForm(forms.Form):
    """A team robot; the URL and the secret are never rendered back (empty keeps them)."""

    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.filter(is_active=True).order_by("name")
    )
    vendor = forms.ChoiceField(label=_("Vendor"), choices=Vendor.choices)
    name = forms.CharField(label=_("Name"), max_length=100)
    webhook_url = forms.CharField(
        label=_("Webhook URL"),
        max_length=500,
        required=False,
        widget=forms.PasswordInput(render_value=False),
    )
    secret = forms.CharField(
        label=_("Signing secret (加签)"),
        max_length=200,
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("DingTalk and Feishu robots with signing on; WeCom robots need none."),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=RobotEvent.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            keep = _("Leave empty to keep the stored value.")
            self.fields["webhook_url"].help_text = keep
            self.fields["secret"].help_text = keep
        style_fields(self)
        self.fields["events"].widget.attrs.pop("class", None)
        self.fields["is_active"].widget.attrs["class"] = "form-check-input"
