"""The embedded page's form: fields only; the service checks the values (one set of rules)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gongdan.channels.webform.services import DESCRIPTION_MAX, NAME_MAX, TITLE_MAX, Submission

# Bots fill every input; people never see this one (``hidden``), and browsers do not autofill it.
HONEYPOT = "website"


class WebFormForm(forms.Form):
    name = forms.CharField(label=_("Your name"), required=False, max_length=NAME_MAX)
    email = forms.CharField(label=_("Email"), required=False, max_length=254)
    mobile = forms.CharField(label=_("Mobile number"), required=False, max_length=30)
    title = forms.CharField(label=_("Subject"), required=False, max_length=TITLE_MAX)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=DESCRIPTION_MAX, widget=forms.Textarea
    )
    website = forms.CharField(required=False, max_length=200)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")
        self.fields["email"].widget.input_type = "email"
        self.fields["mobile"].widget.input_type = "tel"
        self.fields["description"].widget.attrs["rows"] = 6
        self.fields[HONEYPOT].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})

    def submission(self) -> Submission:
        data = self.cleaned_data
        return Submission(**{k: data.get(k) or "" for k in Submission.__dataclass_fields__})
