"""Forms of the mailbox pages; the services check the values again (one write path)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gongdan.accounts.forms import style_fields
from gongdan.accounts.models import Team
from gongdan.channels.email.models import Security
from gongdan.customers.models import Organization
from gongdan.tickets.models import TicketType


class MailboxForm(forms.Form):
    """A mailbox; the IMAP password is never rendered back (empty keeps the stored one)."""

    name = forms.CharField(label=_("Name"), max_length=100)
    address = forms.EmailField(label=_("Address"), max_length=254)
    team = forms.ModelChoiceField(
        label=_("Team"),
        queryset=Team.objects.filter(is_active=True).order_by("name"),
        required=False,
        help_text=_("New tickets from this mailbox go to this team's queue."),
    )
    ticket_type = forms.ModelChoiceField(
        label=_("Ticket type"),
        queryset=TicketType.objects.filter(is_active=True).order_by("name"),
        required=False,
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    imap_host = forms.CharField(
        label=_("IMAP host"),
        max_length=200,
        required=False,
        help_text=_("Leave empty when an MTA pipes mail to the inbound endpoint instead."),
    )
    imap_port = forms.IntegerField(label=_("IMAP port"), min_value=1, max_value=65535, initial=993)
    imap_security = forms.ChoiceField(
        label=_("IMAP security"), choices=Security.choices, initial=Security.SSL
    )
    imap_username = forms.CharField(label=_("IMAP user"), max_length=200, required=False)
    imap_password = forms.CharField(
        label=_("IMAP password"),
        max_length=200,
        required=False,
        widget=forms.PasswordInput(render_value=False),
    )
    imap_folder = forms.CharField(label=_("IMAP folder"), max_length=200, initial="INBOX")
    poll_minutes = forms.IntegerField(
        label=_("Poll every (minutes)"), min_value=1, max_value=1440, initial=1
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["imap_password"].help_text = _("Leave empty to keep the stored value.")
        style_fields(self)
        self.fields["is_active"].widget.attrs["class"] = "form-check-input"

    def values(self, *, editing: bool) -> dict[str, Any]:
        """The cleaned values as the services take them (ids for rows)."""
        out = dict(self.cleaned_data)
        out["team"] = out["team"].pk if out["team"] else None
        out["ticket_type"] = out["ticket_type"].pk if out["ticket_type"] else None
        if editing and not out["imap_password"]:
            del out["imap_password"]
        return out


class MailDomainForm(forms.Form):
    domain = forms.CharField(label=_("Domain"), max_length=200)
    organization = forms.ModelChoiceField(
        label=_("Organization"), queryset=Organization.objects.order_by("name")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_fields(self)
