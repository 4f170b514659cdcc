"""Forms of the Users, Teams and Desk settings pages. They parse input; ``accounts.people`` and
``accounts.desk`` validate and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gongdan.accounts.choices import Language, Role, TeamKind
from gongdan.accounts.forms import style_fields
from gongdan.accounts.models import Team, User
from gongdan.accounts.selectors import staff_choices


def _teams() -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        label=_("Teams"),
        queryset=Team.objects.filter(is_active=True).order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class UserFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    role = forms.ChoiceField(label=_("Role"), required=False, choices=[("", _("All roles"))])
    team = forms.ModelChoiceField(
        label=_("Team"),
        queryset=Team.objects.order_by("name"),
        required=False,
        empty_label=_("All teams"),
    )
    active = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Active")), ("no", _("Deactivated")), ("all", _("All"))],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", _("All roles")), *Role.choices]  # type: ignore[attr-defined]
        style_fields(self)


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email"), max_length=254)
    display_name = forms.CharField(label=_("Display name"), max_length=100, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.AGENT)
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("Browser default")), *Language.choices]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["teams"] = _teams()
        style_fields(self)


class UserEditForm(forms.Form):
    display_name = forms.CharField(label=_("Display name"), max_length=100, required=False)
    email = forms.EmailField(label=_("Email"), max_length=254, required=False)
    mobile = forms.CharField(label=_("Mobile number"), max_length=20, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("Browser default")), *Language.choices]
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "display_name": user.display_name,
                "email": user.email,
                "mobile": user.mobile,
                "role": user.role,
                "language": user.language,
                "teams": list(user.teams.all()),
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["teams"] = _teams()
        style_fields(self)


class TeamForm(forms.Form):
    code = forms.SlugField(
        label=_("Code"),
        max_length=50,
        help_text=_("Letters, digits, - and _; used in links and the API. Cannot change later."),
    )
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Grouped by"), choices=TeamKind.choices)
    group = forms.CharField(
        label=_("Group label"),
        max_length=50,
        required=False,
        help_text=_("Desks with the same group are listed together, e.g. 华东 or IT 运维."),
    )
    description = forms.CharField(
        label=_("Description"), max_length=2000, required=False, widget=forms.Textarea({"rows": 3})
    )
    lead = forms.ModelChoiceField(
        label=_("Team lead"), queryset=User.objects.none(), required=False
    )
    members = forms.ModelMultipleChoiceField(
        label=_("Members"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, team: Team | None = None, **kwargs: Any) -> None:
        if team is not None:
            kwargs.setdefault(
                "initial",
                {
                    "code": team.code,
                    "name": team.name,
                    "kind": team.kind,
                    "group": team.group,
                    "description": team.description,
                    "lead": team.lead_id,
                    "members": list(team.members.values_list("pk", flat=True)),
                },
            )
        super().__init__(*args, **kwargs)
        staff = staff_choices()
        self.fields["lead"].queryset = staff  # type: ignore[attr-defined]
        self.fields["members"].queryset = staff  # type: ignore[attr-defined]
        if team is not None:
            self.fields["code"].disabled = True
            self.fields["code"].help_text = ""
        style_fields(self)


class DeskForm(forms.Form):
    name = forms.CharField(label=_("Desk name"), max_length=100, required=False)
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("PNG, JPEG, GIF or WebP, at most 256 KB."),
    )
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["logo"].widget.attrs["accept"] = "image/png,image/jpeg,image/gif,image/webp"
        style_fields(self)
