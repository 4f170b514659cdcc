"""Forms of the assignment settings pages. They only parse what the browser sends: every rule
of what is allowed lives in the services (``rules``, ``skills``, ``services``), shared with the
API, and the services' field errors are shown next to these fields (``place_errors``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongdan.accounts.choices import Availability
from gongdan.accounts.models import Team
from gongdan.assignment.models import AssignmentRule
from gongdan.assignment.rules import PLAIN_FIELDS
from gongdan.core import forms as forms_kit
from gongdan.core.errors import DomainError
from gongdan.customers.models import Organization
from gongdan.tickets.choices import Channel
from gongdan.tickets.models import Category, TicketType

WEIGHTS = (
    ("weight_skills", _("Weight: skills")),
    ("weight_workload", _("Weight: workload")),
    ("weight_priority", _("Weight: priority and seniority")),
    ("weight_location", _("Weight: location")),
    ("weight_performance", _("Weight: performance")),
    ("weight_round_robin", _("Weight: round robin")),
)


def place_errors(form: forms.BaseForm, exc: DomainError) -> None:
    """Show a service's error next to the form's fields (``skills.2.skill`` → ``skills``)."""
    forms_kit.add_domain_error(form, exc)


class Styled(forms.Form):
    """Bootstrap classes on every widget (text inputs, selects, check boxes)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style()

    def style(self) -> None:
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = css


class SkillForm(Styled):
    code = forms.CharField(
        label=_("Code"),
        max_length=200,
        help_text=_(
            "Letters, digits, hyphens or underscores; rules and the API name skills by it."
        ),
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    name_en = forms.CharField(label=_("English name"), max_length=200, required=False)


class AgentForm(Styled):
    """An agent's capacity, seniority, availability, leave and locations."""

    capacity = forms.IntegerField(
        label=_("Capacity"),
        help_text=_("How many open tickets, weighted by priority, the agent can carry."),
    )
    seniority = forms.IntegerField(label=_("Seniority (years)"))
    availability = forms.ChoiceField(label=_("Availability"), choices=Availability.choices)
    on_leave_until = forms.DateTimeField(
        label=_("On leave until"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("While this moment lies in the future the agent gets no new tickets."),
    )
    location_name = forms.CharField(label=_("Home location"), max_length=200, required=False)
    latitude = forms.DecimalField(label=_("Home latitude"), required=False)
    longitude = forms.DecimalField(label=_("Home longitude"), required=False)
    current_latitude = forms.DecimalField(label=_("Current latitude"), required=False)
    current_longitude = forms.DecimalField(label=_("Current longitude"), required=False)

    PROFILE = ("capacity", "seniority", "location_name", "latitude", "longitude")
    CURRENT = ("current_latitude", "current_longitude")


class AgentSkillForm(Styled):
    skill = forms.CharField(label=_("Skill"), max_length=50)
    level = forms.IntegerField(label=_("Level (1–5)"))

    def __init__(self, *args: Any, skills: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["skill"].widget = forms.Select(choices=[("", "—"), *skills])
        self.style()


def _parse_skills(text: str) -> list[tuple[str, int]]:
    """``vpn:3, printer`` → [("vpn", 3), ("printer", 1)]."""
    pairs = []
    for item in text.replace("，", ",").replace("\n", ",").split(","):
        item = item.strip()
        if not item:
            continue
        code, _sep, level = item.partition(":")
        try:
            pairs.append((code.strip(), int(level.strip() or 1)))
        except ValueError:
            raise forms.ValidationError(
                gettext("“%(item)s”: write a skill's code, then a colon and a level from 1 to 5.")
                % {"item": item}
            ) from None
    return pairs


class RuleForm(Styled):
    name = forms.CharField(label=_("Name"), max_length=200)
    position = forms.IntegerField(
        label=_("Order"),
        min_value=0,
        max_value=1_000_000,
        initial=100,
        help_text=_("Rules are tried from the lowest number; the first that matches decides."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.order_by("name"), required=False
    )
    ticket_type = forms.ModelChoiceField(
        label=_("Ticket type"), queryset=TicketType.objects.order_by("name"), required=False
    )
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.order_by("name"), required=False
    )
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[("", "—"), *Channel.choices], required=False
    )
    organization = forms.ModelChoiceField(
        label=_("Organization"), queryset=Organization.objects.order_by("name"), required=False
    )
    skills = forms.CharField(
        label=_("Required skills"),
        required=False,
        help_text=_("Skill codes with a minimum level, separated by commas: vpn:3, printer:2."),
    )
    latitude = forms.CharField(label=_("Service area latitude"), required=False)
    longitude = forms.CharField(label=_("Service area longitude"), required=False)
    max_radius_km = forms.IntegerField(
        label=_("Maximum distance (km)"),
        required=False,
        help_text=_("Agents farther than this from the service area are passed over."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)

        for name, label in WEIGHTS:
            self.fields[name] = forms.IntegerField(
                label=label,
                initial=getattr(AssignmentRule._meta.get_field(name), "default", 0),
                help_text=_("0 (ignored) to 10."),
            )
        self.style()

    def clean_skills(self) -> list[tuple[str, int]]:
        return _parse_skills(self.cleaned_data.get("skills") or "")

    def rule_fields(self) -> tuple[dict[str, Any], list[tuple[str, int]]]:
        """The service's keyword arguments and the required skills."""
        data = dict(self.cleaned_data)
        skills = data.pop("skills")
        for key in ("latitude", "longitude"):
            data[key] = (data[key] or "").strip() or None
        data["channel"] = data["channel"] or ""
        return data, skills

    @staticmethod
    def initial_for(rule: Any) -> dict[str, Any]:
        initial = {name: getattr(rule, name) for name in PLAIN_FIELDS}
        for key in ("latitude", "longitude"):  # decimals shown without trailing zeros
            value = getattr(rule, key)
            initial[key] = "" if value is None else f"{value.normalize():f}"
        initial["skills"] = ", ".join(f"{r.skill.code}:{r.min_level}" for r in rule.skills.all())
        return initial
