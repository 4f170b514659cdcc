from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gongdan.accounts.forms import style_fields
from gongdan.channels.choices import WebhookEvent


class WebhookForm(forms.Form):
    """Create or edit a subscription; an empty secret keeps the current one (or generates one)."""

    name = forms.CharField(label=_("Name"), max_length=100)
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")
    event_types = forms.MultipleChoiceField(
        label=_("Event types"), choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple
    )
    secret = forms.CharField(
        label=_("Secret"),
        max_length=200,
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to keep the current secret (or to generate one)."),
    )
    include_internal = forms.BooleanField(
        label=_("Include internal notes"),
        required=False,
        help_text=_("Internal notes never leave the desk unless this is ticked."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_fields(self)
        self.fields["event_types"].widget.attrs.pop("class", None)
        for name in ("include_internal", "is_active"):
            self.fields[name].widget.attrs["class"] = "form-check-input"
