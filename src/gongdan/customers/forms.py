"""Forms of the workspace's customers pages; ``customers.services`` validate and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gongdan.accounts.forms import style_fields
from gongdan.customers.models import Contact, Organization


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=100, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_fields(self)


class OrganizationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    email_domains = forms.CharField(
        label=_("Email domains"),
        max_length=500,
        required=False,
        help_text=_("Comma-separated domains whose senders belong to this organization."),
    )
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    tier = forms.SlugField(
        label=_("Contract tier"),
        max_length=30,
        required=False,
        help_text=_("For example standard, silver or gold; SLA policies can match on it."),
    )
    notes = forms.CharField(
        label=_("Notes"), max_length=5000, required=False, widget=forms.Textarea({"rows": 3})
    )
    is_active = forms.BooleanField(label=_("Active"), required=False)

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial", {name: getattr(organization, name) for name in self.base_fields}
        )
        super().__init__(*args, **kwargs)
        style_fields(self)


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    email = forms.EmailField(label=_("Email"), max_length=254, required=False)
    mobile = forms.CharField(label=_("Mobile number"), max_length=20, required=False)
    organization = forms.ModelChoiceField(
        label=_("Organization"),
        queryset=Organization.objects.order_by("name"),
        required=False,
    )
    is_org_admin = forms.BooleanField(
        label=_("Organization admin"),
        required=False,
        help_text=_("Sees every ticket of the organization in the portal."),
    )

    def __init__(self, *args: Any, contact: Contact, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "name": contact.name,
                "email": contact.email,
                "mobile": contact.mobile,
                "organization": contact.organization_id,
                "is_org_admin": contact.is_org_admin,
            },
        )
        super().__init__(*args, **kwargs)
        style_fields(self)
