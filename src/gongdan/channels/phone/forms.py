"""The "Log a call" form; the service checks the number, the ticket and the texts."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gongdan.channels.phone.services import CallKind
from gongdan.tickets.choices import Priority
from gongdan.tickets.forms import active_types
from gongdan.tickets.models import TicketType


class CallForm(forms.Form):
    number = forms.CharField(label=_("Caller's number"), max_length=30)
    name = forms.CharField(
        label=_("Caller's name"),
        required=False,
        max_length=100,
        help_text=_("For a number we do not know yet: a new contact is made."),
    )
    kind = forms.ChoiceField(
        label=_("Log as"),
        choices=CallKind.choices,
        initial=CallKind.TICKET,
        widget=forms.RadioSelect,
    )
    ticket = forms.CharField(label=_("Ticket"), required=False, max_length=40)
    title = forms.CharField(label=_("Title"), required=False, max_length=200)
    body = forms.CharField(label=_("What the caller said"), required=False, widget=forms.Textarea)
    ticket_type = forms.ModelChoiceField(
        label=_("Type"), queryset=TicketType.objects.none(), required=False
    )
    priority = forms.ChoiceField(
        label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ticket_type"].queryset = active_types()  # type: ignore[attr-defined]
        self.fields["body"].widget.attrs["rows"] = 5
        for name, field in self.fields.items():
            if name != "kind":
                field.widget.attrs.setdefault("class", "form-control")
        self.fields["number"].widget.attrs.update({"autocomplete": "off", "inputmode": "tel"})

    def call_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "number": data["number"],
            "kind": data["kind"],
            "name": data["name"],
            "ticket_number": data["ticket"],
            "title": data["title"],
            "body": data["body"],
            "ticket_type": data["ticket_type"],
            "priority": data["priority"],
        }
