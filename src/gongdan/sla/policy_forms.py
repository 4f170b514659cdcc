"""Forms of Settings → SLA policies: they parse input; ``policy_services`` validates and saves."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gongdan.accounts.forms import style_fields
from gongdan.accounts.models import Team
from gongdan.core import forms as forms_kit
from gongdan.core.errors import DomainError
from gongdan.sla.models import BusinessCalendar, SlaPolicy
from gongdan.sla.policy_services import LevelIn
from gongdan.tickets.choices import Priority
from gongdan.tickets.models import Category, TicketType

LEVEL_ROWS = 2  # empty level rows under the existing ones


class PolicyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    position = forms.IntegerField(
        label=_("Position"), initial=100, help_text=_("Lower positions are tried first.")
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    first_response_minutes = forms.IntegerField(label=_("First response (minutes)"), required=False)
    next_response_minutes = forms.IntegerField(label=_("Next response (minutes)"), required=False)
    resolution_minutes = forms.IntegerField(label=_("Resolution (minutes)"), required=False)
    calendar = forms.ModelChoiceField(
        label=_("Business calendar"),
        queryset=BusinessCalendar.objects.order_by("name"),
        required=False,
        empty_label=_("None (around the clock)"),
    )
    business_time = forms.BooleanField(
        label=_("Count business time on the calendar"), required=False, initial=True
    )
    remind_before_minutes = forms.IntegerField(
        label=_("Remind before due (minutes)"),
        required=False,
        help_text=_("Remind the assignee this long before each due time. Empty: no reminder."),
    )
    priorities = forms.MultipleChoiceField(
        label=_("Priorities"),
        choices=Priority.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: any priority."),
    )
    ticket_types = forms.ModelMultipleChoiceField(
        label=_("Ticket types"),
        queryset=TicketType.objects.order_by("sort_order", "id"),
        required=False,
        help_text=_("None chosen: any type."),
    )
    categories = forms.ModelMultipleChoiceField(
        label=_("Categories"),
        queryset=Category.objects.order_by("sort_order", "id"),
        required=False,
        help_text=_("None chosen: any category."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_fields(self)
        self.fields["priorities"].widget.attrs["class"] = "form-check-input"

    @staticmethod
    def initial_for(policy: SlaPolicy) -> dict[str, Any]:
        return {
            **{name: getattr(policy, name) for name in PolicyForm.base_fields},
            "calendar": policy.calendar,
            "ticket_types": list(policy.ticket_types.all()),
            "categories": list(policy.categories.all()),
        }


class LevelForm(forms.Form):
    after_minutes = forms.IntegerField(
        label=_("After the breach (minutes)"),
        required=False,
        help_text=_("0: at the breach. Empty: no level."),
    )
    notify_assignee = forms.BooleanField(
        label=_("Notify the assignee"), required=False, initial=True
    )
    notify_team_lead = forms.BooleanField(
        label=_("Notify the team lead"), required=False, initial=True
    )
    notify_supervisors = forms.BooleanField(label=_("Notify supervisors"), required=False)
    raise_priority = forms.BooleanField(label=_("Raise the priority one step"), required=False)
    move_to_team = forms.ModelChoiceField(
        label=_("Reassign to team"),
        queryset=Team.objects.order_by("name"),
        required=False,
        empty_label=_("Keep the team"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_fields(self)
        for field in self.fields.values():
            field.widget.attrs["aria-label"] = str(field.label)


LevelFormSet = forms.formset_factory(LevelForm, extra=LEVEL_ROWS)


def level_formset(data: Any = None, policy: SlaPolicy | None = None) -> Any:
    initial = [
        {
            "after_minutes": lv.after_minutes,
            "notify_assignee": lv.notify_assignee,
            "notify_team_lead": lv.notify_team_lead,
            "notify_supervisors": lv.notify_supervisors,
            "raise_priority": lv.raise_priority,
            "move_to_team": lv.move_to_team,
        }
        for lv in (policy.levels.all() if policy is not None else [])
    ]
    return LevelFormSet(data, initial=initial or None, prefix="level")


def levels_from(formset: Any) -> tuple[list[LevelIn], list[int]]:
    """The filled rows as :class:`LevelIn`, with the formset index of each (for errors)."""
    levels, rows = [], []
    for index, form in enumerate(formset.forms):
        data = form.cleaned_data
        if data.get("after_minutes") is None:
            continue
        levels.append(LevelIn(**data))
        rows.append(index)
    return levels, rows


def place_errors(form: PolicyForm, formset: Any, rows: list[int], exc: DomainError) -> None:
    """Policy errors next to the policy's fields, ``levels.N.x`` next to level row N."""
    plain = {k: v for k, v in exc.fields.items() if not k.startswith("levels.")}
    for key, message in exc.fields.items():
        if key.startswith("levels."):
            _, index, field = [*key.split("."), "after_minutes"][:3]
            target = formset.forms[rows[int(index)]] if index.isdigit() else None
            if target is not None and field in target.fields:
                target.add_error(field, str(message))
            else:
                form.add_error(None, str(message))
    if plain or not exc.fields:
        forms_kit.add_domain_error(form, DomainError(exc.code, exc.message, fields=plain))
