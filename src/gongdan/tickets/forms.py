"""Workspace forms. They parse and shape input only; services decide and their errors land here."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.forms.models import ModelChoiceIteratorValue
from django.utils.translation import gettext_lazy as _

from gongdan.accounts.choices import STAFF_ROLES
from gongdan.accounts.forms import style_fields
from gongdan.accounts.models import Team, User, mobile_validator
from gongdan.accounts.selectors import assignable_staff, team_list, user_list
from gongdan.core import forms as forms_kit
from gongdan.core.errors import DomainError
from gongdan.customers.models import Contact, Organization
from gongdan.customers.selectors import contact_list
from gongdan.tickets import refdata
from gongdan.tickets.choices import Channel, LinkKind, Priority, Status
from gongdan.tickets.models import Category, SavedView, Ticket, TicketType
from gongdan.tickets.selectors import DEFAULT_SORT, STAFF_VIEWS, TicketFilters, View

# Service field names that a form shows under another name.
FIELD_ALIASES = {"file": "attachments", "requester": "contact", "target": "number"}
PAGE_SIZES = [10, 25, 50, 100]
DEFAULT_PAGE_SIZE = 25
SORT_CHOICES = [
    ("-updated", _("Recently updated")),
    ("updated", _("Least recently updated")),
    ("-created", _("Newest")),
    ("created", _("Oldest")),
    ("-priority", _("Highest priority")),
    ("priority", _("Lowest priority")),
    ("due", _("SLA due soonest")),
    ("-due", _("SLA due latest")),
    ("number", _("Number, ascending")),
    ("-number", _("Number, descending")),
    ("status", _("Status")),
    ("-status", _("Status, reversed")),
    ("requester", _("Requester, A–Z")),
    ("-requester", _("Requester, Z–A")),
    ("assignee", _("Assignee, A–Z")),
    ("-assignee", _("Assignee, Z–A")),
    ("team", _("Team, A–Z")),
    ("-team", _("Team, Z–A")),
]
SLA_CHOICES = [
    ("", _("Any SLA outcome")),
    ("breached", _("SLA breached")),
    ("met", _("Resolved within SLA")),
]


def add_domain_error(form: forms.BaseForm, exc: DomainError) -> None:
    """Show a service's ``DomainError`` on a workspace form (the shared ``core.forms`` rule)."""
    forms_kit.add_domain_error(form, exc, FIELD_ALIASES)


def active_types() -> Any:
    return TicketType.objects.filter(is_active=True).order_by("sort_order", "id")


def active_categories() -> Any:
    return Category.objects.filter(is_active=True).order_by("sort_order", "id")


def offer(field: Any, queryset: Any, rows: Iterable[Any]) -> None:
    """Validate ``field`` against ``queryset`` but list ``rows`` (from ``refdata.choice_rows``,
    kept per process): rendering the select then costs no query."""
    field.queryset = queryset
    empty = [("", field.empty_label)] if field.empty_label is not None else []
    field.choices = empty + [
        (ModelChoiceIteratorValue(field.prepare_value(row), row), field.label_from_instance(row))
        for row in rows
    ]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one ``<input type=file multiple>`` (the service validates each)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = data if isinstance(data, list | tuple) else [data]
        return [file for file in files if file]


class DateInput(forms.DateInput):
    input_type = "date"


class TicketFilterForm(forms.Form):
    """The list's query string. Invalid values are dropped rather than refused."""

    view = forms.ChoiceField(
        required=False, choices=[(v, v) for v in STAFF_VIEWS], widget=forms.HiddenInput
    )
    number = forms.CharField(label=_("Number"), required=False, max_length=32)
    status = forms.MultipleChoiceField(label=_("Status"), required=False, choices=Status.choices)
    priority = forms.MultipleChoiceField(
        label=_("Priority"), required=False, choices=Priority.choices
    )
    ticket_type = forms.ModelChoiceField(
        label=_("Type"),
        required=False,
        queryset=TicketType.objects.none(),
        empty_label=_("Any type"),
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        required=False,
        queryset=Category.objects.none(),
        empty_label=_("Any category"),
    )
    team = forms.ModelChoiceField(
        label=_("Team"), required=False, queryset=Team.objects.none(), empty_label=_("Any team")
    )
    assignee = forms.ChoiceField(label=_("Assignee"), required=False)
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("Any channel")), *Channel.choices]
    )
    tag = forms.CharField(label=_("Tag"), required=False, max_length=50)
    created_from = forms.DateField(label=_("Created from"), required=False, widget=DateInput)
    created_to = forms.DateField(label=_("Created to"), required=False, widget=DateInput)
    updated_from = forms.DateField(label=_("Updated from"), required=False, widget=DateInput)
    updated_to = forms.DateField(label=_("Updated to"), required=False, widget=DateInput)
    resolved_from = forms.DateField(label=_("Resolved from"), required=False, widget=DateInput)
    resolved_to = forms.DateField(label=_("Resolved to"), required=False, widget=DateInput)
    closed_from = forms.DateField(label=_("Closed from"), required=False, widget=DateInput)
    closed_to = forms.DateField(label=_("Closed to"), required=False, widget=DateInput)
    sla = forms.ChoiceField(label=_("SLA"), required=False, choices=SLA_CHOICES)
    reopened = forms.ChoiceField(
        label=_("Reopened"),
        required=False,
        choices=[("", _("Reopened or not")), ("1", _("Reopened at least once"))],
    )
    # Set by report drill-downs (no picker: organizations are too many for a select).
    organization = forms.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput
    )
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=SORT_CHOICES)
    size = forms.TypedChoiceField(
        label=_("Per page"),
        required=False,
        coerce=int,
        choices=[(n, n) for n in PAGE_SIZES],
        empty_value=None,
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        rows = refdata.choice_rows()
        offer(fields["ticket_type"], active_types(), rows.types)
        offer(fields["category"], active_categories(), rows.categories)
        offer(fields["team"], team_list(user=user), rows.teams if user.is_staff_member else [])
        staff = [(str(u.pk), str(u)) for u in refdata.assignable(None)]
        fields["assignee"].choices = [
            ("", _("Anyone")),
            ("me", _("Me")),
            ("none", _("Unassigned")),
            *staff,
        ]
        style_fields(self)
        for name in ("status", "priority"):
            fields[name].widget.attrs["size"] = 3

    def value(self, name: str, default: Any = None) -> Any:
        self.is_valid()  # cleans once; invalid fields are simply absent from cleaned_data
        return self.cleaned_data.get(name) or default

    def to_filters(self) -> TicketFilters:
        """The selector's filters; the view defaults to the user's own open tickets."""
        self.is_valid()
        v = self.value
        return TicketFilters(
            view=v("view", "") if "view" in self.data else View.MINE,
            status=v("status", []),
            priority=v("priority", []),
            ticket_type=getattr(v("ticket_type"), "pk", None),
            category=getattr(v("category"), "pk", None),
            team=getattr(v("team"), "pk", None),
            assignee=v("assignee", ""),
            channel=v("channel", ""),
            tag=v("tag", "").strip(),
            number=v("number", ""),
            created_from=v("created_from"),
            created_to=v("created_to"),
            updated_from=v("updated_from"),
            updated_to=v("updated_to"),
            resolved_from=v("resolved_from"),
            resolved_to=v("resolved_to"),
            closed_from=v("closed_from"),
            closed_to=v("closed_to"),
            sla=v("sla", ""),
            reopened=v("reopened") == "1",
            organization=v("organization"),
            sort=v("sort", DEFAULT_SORT),
        )

    @property
    def page_size(self) -> int:
        return int(self.value("size", DEFAULT_PAGE_SIZE))


class SavedViewForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=60)
    query = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)
    visibility = forms.ChoiceField(
        label=_("Shared with"),
        required=False,
        choices=SavedView.Visibility.choices,
        initial=SavedView.Visibility.PERSONAL,
    )
    team = forms.ModelChoiceField(
        label=_("Team"), required=False, queryset=Team.objects.none(), empty_label=_("No team")
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "saved_%s")
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["team"].queryset = team_list(user=user)
        style_fields(self)

    def clean_visibility(self) -> str:
        return str(self.cleaned_data.get("visibility") or SavedView.Visibility.PERSONAL)


class ReplyForm(forms.Form):
    REPLY, NOTE = "reply", "note"
    body = forms.CharField(
        label=_("Message"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        initial=REPLY,
        widget=forms.RadioSelect,
        choices=[(REPLY, _("Public reply")), (NOTE, _("Internal note"))],
    )
    attachments = MultipleFileField(label=_("Attachments"))
    minutes = forms.IntegerField(
        label=_("Time spent (minutes)"), required=False, min_value=1, max_value=1440
    )
    billable = forms.BooleanField(label=_("Billable"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "reply_%s")
        super().__init__(*args, **kwargs)
        style_fields(self)


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=_("Assignee"),
        required=False,
        queryset=User.objects.none(),
        empty_label=_("Unassigned (back to the queue)"),
    )
    take = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, ticket: Ticket, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"assignee": ticket.assignee_id})
        kwargs.setdefault("auto_id", "assign_%s")
        super().__init__(*args, **kwargs)
        rows = refdata.assignable(ticket.team_id)
        offer(self.fields["assignee"], assignable_staff(team=ticket.team), rows)
        style_fields(self)


class TransitionForm(forms.Form):
    to = forms.ChoiceField(label=_("New status"), choices=Status.choices)
    comment = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "status_%s")
        super().__init__(*args, **kwargs)
        style_fields(self)


def _tag_names(text: str) -> list[str]:
    return sorted({name.strip() for name in text.replace("，", ",").split(",") if name.strip()})


class TicketFieldsForm(forms.Form):
    """Priority, type, category, team and tags; only changed fields go to ``ticket_update``."""

    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    ticket_type = forms.ModelChoiceField(
        label=_("Type"), queryset=TicketType.objects.none(), empty_label=None
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        required=False,
        queryset=Category.objects.none(),
        empty_label=_("No category"),
    )
    team = forms.ModelChoiceField(
        label=_("Team"), required=False, queryset=Team.objects.none(), empty_label=_("No team")
    )
    tags = forms.CharField(
        label=_("Tags"), required=False, max_length=500, help_text=_("Separate tags with commas.")
    )

    def __init__(self, *args: Any, ticket: Ticket, user: User, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "priority": ticket.priority,
                "ticket_type": ticket.ticket_type_id,
                "category": ticket.category_id,
                "team": ticket.team_id,
                "tags": ", ".join(tag.name for tag in ticket.tags.all()),
            },
        )
        kwargs.setdefault("auto_id", "fields_%s")
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        rows = refdata.choice_rows()
        offer(fields["ticket_type"], active_types(), rows.types)
        offer(fields["category"], active_categories(), rows.categories)
        offer(fields["team"], team_list(user=user), rows.teams if user.is_staff_member else [])
        style_fields(self)

    def changes(self) -> dict[str, Any]:
        """The ``ticket_update`` keyword arguments for what the user actually changed."""
        out = {name: self.cleaned_data[name] for name in self.changed_data if name != "tags"}
        if "tags" in self.changed_data:
            out["tags"] = _tag_names(self.cleaned_data["tags"])
        return out


class ChildForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    team = forms.ModelChoiceField(
        label=_("Team"),
        required=False,
        queryset=Team.objects.none(),
        empty_label=_("The type's default team"),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "child_%s")
        super().__init__(*args, **kwargs)
        teams = refdata.choice_rows().teams if user.is_staff_member else []
        offer(self.fields["team"], team_list(user=user), teams)
        style_fields(self)


class LinkForm(forms.Form):
    number = forms.CharField(label=_("Ticket number"), max_length=32)
    kind = forms.ChoiceField(label=_("Relation"), choices=LinkKind.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "link_%s")
        super().__init__(*args, **kwargs)
        style_fields(self)


class MergeForm(forms.Form):
    number = forms.CharField(label=_("Merge into ticket number"), max_length=32)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "merge_%s")
        super().__init__(*args, **kwargs)
        style_fields(self)


class WatcherForm(forms.Form):
    """Who should watch: the current user ("me"), a team member, or a user or contact by id."""

    me = forms.BooleanField(required=False, widget=forms.HiddenInput)
    user = forms.ModelChoiceField(
        label=_("Team member"),
        required=False,
        queryset=User.objects.none(),
        empty_label=_("Choose a team member"),
    )
    user_id = forms.IntegerField(label=_("Staff user id"), required=False, min_value=1)
    contact_id = forms.IntegerField(label=_("Contact id"), required=False, min_value=1)

    def __init__(self, *args: Any, ticket: Ticket, actor: User, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "watcher_%s")
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.fields["user"].queryset = team_members(ticket)  # type: ignore[attr-defined]
        style_fields(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        given = [name for name in ("me", "user", "user_id", "contact_id") if data.get(name)]
        if len(given) != 1:
            raise forms.ValidationError(
                _("Choose one: yourself, a team member, a user id or a contact id.")
            )
        if (
            data.get("user_id")
            and not user_list(user=self.actor).filter(pk=data["user_id"]).exists()
        ):
            self.add_error("user_id", _("No active user with this id."))
        if (
            data.get("contact_id")
            and not contact_list(user=self.actor).filter(pk=data["contact_id"]).exists()
        ):
            self.add_error("contact_id", _("No contact with this id."))
        return data

    def watcher(self) -> dict[str, Any]:
        """The ``watcher_add`` keyword arguments: ``user`` or ``contact``."""
        data = self.cleaned_data
        if data.get("contact_id"):
            return {"contact": contact_list(user=self.actor).get(pk=data["contact_id"])}
        if data.get("user_id"):
            return {"user": user_list(user=self.actor).get(pk=data["user_id"])}
        return {"user": self.actor if data.get("me") else data["user"]}


def team_members(ticket: Ticket) -> Any:
    """The active members of the ticket's team (the watchers panel offers them)."""
    if ticket.team_id is None:
        return User.objects.none()
    return User.objects.filter(teams=ticket.team_id, is_active=True).order_by("username", "id")


class NewTicketForm(forms.Form):
    """A ticket taken on the phone: an existing contact, or a new caller's name and number."""

    contact = forms.ModelChoiceField(
        label=_("Existing contact"),
        required=False,
        queryset=Contact.objects.all(),
        widget=forms.HiddenInput,
    )
    new_name = forms.CharField(label=_("Caller's name"), required=False, max_length=100)
    new_mobile = forms.CharField(
        label=_("Mobile number"), required=False, max_length=20, validators=[mobile_validator]
    )
    new_email = forms.EmailField(label=_("Email"), required=False)
    new_organization = forms.ModelChoiceField(
        label=_("Organization"),
        required=False,
        empty_label=_("No organization"),
        queryset=Organization.objects.filter(is_active=True).order_by("name", "id"),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    ticket_type = forms.ModelChoiceField(
        label=_("Type"), queryset=TicketType.objects.none(), empty_label=None
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        required=False,
        queryset=Category.objects.none(),
        empty_label=_("No category"),
    )
    priority = forms.ChoiceField(
        label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.PHONE)
    attachments = MultipleFileField(label=_("Attachments"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["ticket_type"].queryset = active_types()
        fields["category"].queryset = active_categories()
        style_fields(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("contact") is None:
            if not data.get("new_name"):
                self.add_error("new_name", _("Pick a contact or enter the caller's name."))
            if not (data.get("new_mobile") or data.get("new_email")):
                self.add_error("new_mobile", _("Enter a mobile number or an email address."))
        return data

    def ticket_fields(self) -> dict[str, Any]:
        names = (
            "title",
            "description",
            "ticket_type",
            "category",
            "priority",
            "channel",
            "attachments",
        )
        return {name: self.cleaned_data[name] for name in names}


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class ReminderForm(forms.Form):
    remind_at = forms.DateTimeField(
        label=_("Remind at"),
        widget=DateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "remind_%s")
        super().__init__(*args, **kwargs)
        style_fields(self)


class SupervisionForm(forms.Form):
    ticket = forms.CharField(label=_("Ticket number"), required=False, max_length=40)
    team = forms.ModelChoiceField(
        label=_("Or a team"), queryset=Team.objects.order_by("name"), required=False
    )
    requirements = forms.CharField(
        label=_("Requirements"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    deadline = forms.DateTimeField(
        label=_("Answer by"),
        widget=DateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "sup_%s")
        super().__init__(*args, **kwargs)
        style_fields(self)


class SupervisionResponseForm(forms.Form):
    response = forms.CharField(
        label=_("Your answer"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "answer_%s")
        super().__init__(*args, **kwargs)
        style_fields(self)


class SupervisionDecisionForm(forms.Form):
    accept = forms.BooleanField(required=False, widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Why it is returned"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "decide_%s")
        super().__init__(*args, **kwargs)
        style_fields(self)


class TimeEntryForm(forms.Form):
    """Log time on the ticket page's time panel."""

    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=1440)
    billable = forms.BooleanField(label=_("Billable"), required=False, initial=True)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "time_%s")
        super().__init__(*args, **kwargs)
        style_fields(self)


class CostRateForm(forms.Form):
    """Settings → Hourly cost: a rate for one agent or one team from a date on."""

    user = forms.ModelChoiceField(label=_("Agent"), required=False, queryset=User.objects.none())
    team = forms.ModelChoiceField(label=_("Team"), required=False, queryset=Team.objects.none())
    hourly_cost = forms.DecimalField(
        label=_("Hourly cost (yuan)"), min_value=0, max_value=100000, decimal_places=2
    )
    effective_from = forms.DateField(
        label=_("Effective from"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "rate_%s")
        super().__init__(*args, **kwargs)
        staff = User.objects.filter(is_active=True, role__in=STAFF_ROLES).order_by("username")
        self.fields["user"].queryset = staff  # type: ignore[attr-defined]
        self.fields["team"].queryset = Team.objects.order_by("name")  # type: ignore[attr-defined]
        style_fields(self)
