"""Portal forms: they parse input only; the services decide (their errors land on these forms)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import validate_password
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from gongdan.accounts.lockout import LockoutMixin
from gongdan.core import forms as forms_kit
from gongdan.core.errors import DomainError
from gongdan.tickets.models import Category, TicketType

# Service field names that a portal form shows under another name.
FIELD_ALIASES = {"file": "attachments", "comment": "reason"}


class BootstrapMixin:
    """Give every widget Bootstrap's classes (the templates render fields one by one)."""

    fields: dict[str, forms.Field]

    def _style(self) -> None:
        for field in self.fields.values():
            widget = field.widget
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs.setdefault("class", css)


def add_domain_error(form: forms.BaseForm, exc: DomainError) -> None:
    """Show a service's ``DomainError`` on a portal form (the shared ``core.forms`` rule)."""
    forms_kit.add_domain_error(form, exc, FIELD_ALIASES)


class PortalLoginForm(LockoutMixin, BootstrapMixin, AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The email address or mobile number and password do not match."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Email or mobile number")
        self.fields["username"].widget.attrs["autocomplete"] = "username"
        self._style()


class RegisterForm(BootstrapMixin, forms.Form):
    """Sign-up: an email address (proven by the mailed link) and a password. The checks here do
    not depend on whether the address has an account, so the answer does not tell."""

    name = forms.CharField(label=_("Your name"), max_length=100)
    email = forms.EmailField(label=_("Email"), max_length=254)
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].help_text = _(
            "We will mail you a link to confirm the address before the account is opened."
        )
        self._style()

    def clean_password(self) -> str:
        password = str(self.cleaned_data.get("password") or "")
        validate_password(password)
        return password


class RegisterConfirmForm(BootstrapMixin, forms.Form):
    """The password chosen at sign-up, typed again to confirm the address."""

    password = forms.CharField(
        label=_("The password you chose when you signed up"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input (checked by the attachment service, not here)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files if f]


class TicketForm(BootstrapMixin, forms.Form):
    ticket_type = forms.ModelChoiceField(
        label=_("Type"), queryset=TicketType.objects.none(), empty_label=_("Choose a type")
    )
    category = forms.ModelChoiceField(
        empty_label=_("No category"),
        label=_("Category"),
        queryset=Category.objects.none(),
        required=False,
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    attachments = MultipleFileField(label=_("Attachments"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # ModelChoiceField renders labels with str(), i.e. .label in the reader's language.
        self.fields["ticket_type"].queryset = TicketType.objects.filter(is_active=True)  # type: ignore[attr-defined]
        self.fields["category"].queryset = Category.objects.filter(is_active=True)  # type: ignore[attr-defined]
        self._style()


class ReplyForm(BootstrapMixin, forms.Form):
    body = forms.CharField(
        label=_("Your reply"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    attachments = MultipleFileField(label=_("Attachments"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()


class ReasonForm(BootstrapMixin, forms.Form):
    """Why a resolution is rejected or a ticket cancelled (the service requires it)."""

    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()


class LookupForm(BootstrapMixin, forms.Form):
    number = forms.CharField(label=_("Ticket number"), max_length=32)
    address = forms.CharField(label=_("Email or mobile number used for the ticket"), max_length=254)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()


class CodeForm(BootstrapMixin, forms.Form):
    code = forms.CharField(
        label=_("6-digit code"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()
