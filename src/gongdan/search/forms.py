"""The search page's form: the words, what to look for, and ticket filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gongdan.accounts.forms import style_fields
from gongdan.accounts.models import Team, User
from gongdan.accounts.selectors import team_list
from gongdan.search.choices import DocKind
from gongdan.search.selectors import MAX_QUERY, SearchFilters
from gongdan.tickets.choices import Status
from gongdan.tickets.forms import DateInput, active_types
from gongdan.tickets.models import TicketType


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=MAX_QUERY)
    kind = forms.ChoiceField(
        label=_("Look for"), required=False, choices=[("", _("Everything")), *DocKind.choices]
    )
    status = forms.MultipleChoiceField(label=_("Status"), required=False, choices=Status.choices)
    ticket_type = forms.ModelChoiceField(
        label=_("Type"),
        required=False,
        queryset=TicketType.objects.none(),
        empty_label=_("Any type"),
    )
    team = forms.ModelChoiceField(
        label=_("Team"), required=False, queryset=Team.objects.none(), empty_label=_("Any team")
    )
    organization = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    created_from = forms.DateField(label=_("Created from"), required=False, widget=DateInput)
    created_to = forms.DateField(label=_("Created to"), required=False, widget=DateInput)
    offset = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args: Any, user: User, staff: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["ticket_type"].queryset = active_types()
        fields["team"].queryset = team_list(user=user)
        if not staff:
            for name in ("kind", "ticket_type", "team", "organization"):
                del fields[name]
        style_fields(self)
        fields["status"].widget.attrs["size"] = 3

    def filters(self) -> SearchFilters:
        data = self.cleaned_data
        return SearchFilters(
            status=list(data.get("status") or []),
            ticket_type=getattr(data.get("ticket_type"), "pk", None),
            team=getattr(data.get("team"), "pk", None),
            organization=data.get("organization"),
            created_from=data.get("created_from"),
            created_to=data.get("created_to"),
        )
