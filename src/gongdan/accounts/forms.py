"""Sign-in and profile forms. They parse input; services write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from gongdan.accounts.choices import Language
from gongdan.accounts.lockout import LockoutMixin


def style_fields(form: forms.BaseForm) -> None:
    """Give every widget Bootstrap's class (templates render fields one by one)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.RadioSelect | forms.HiddenInput):
            continue
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs.setdefault("class", css)


class StyledForm(forms.Form):
    """A form whose widgets carry Bootstrap's classes (:func:`style_fields`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_fields(self)


class LoginForm(LockoutMixin, AuthenticationForm):
    """Username, email address or mobile number, and a password (the backend accepts all three)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The login name, email or mobile number and password do not match."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Login name, email or mobile number")
        self.fields["username"].widget.attrs["autocomplete"] = "username"
        style_fields(self)


class AdminLoginForm(LockoutMixin, AdminAuthenticationForm):
    """The Django admin's sign-in, under the same lockout as the workspace's and the portal's."""


class ProfileForm(forms.Form):
    display_name = forms.CharField(label=_("Display name"), max_length=100, required=False)
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("Browser default")), *Language.choices],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_fields(self)


class PasswordChangeForm(forms.Form):
    """The signed-in user's own new password: the current one, then the new one twice. It only
    parses; ``services.user_change_password`` checks the current password and the validators."""

    current_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_fields(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("new_password1"), data.get("new_password2")
        if first and second and first != second:
            self.add_error("new_password2", _("The two new passwords differ."))
        return data
