"""Settings → Mail templates (``/desk/settings/mail-templates/``, administrators only): the list
of mails × languages, the editor with a live preview (htmx), reset to default, a test mail."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongdan.accounts.forms import style_fields
from gongdan.accounts.models import User
from gongdan.channels.access import admin_user, to_login
from gongdan.channels.email import template_services as svc
from gongdan.core.errors import DomainError, NotFound
from gongdan.core.htmx import is_htmx
from gongdan.tickets.forms import add_domain_error


class MailTemplateForm(forms.Form):
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=300, strip=False)
    body_text = forms.CharField(
        label=gettext_lazy("Plain-text body"),
        max_length=20000,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 14, "class": "form-control font-monospace"}),
    )
    body_html = forms.CharField(
        label=gettext_lazy("HTML body (optional)"),
        max_length=20000,
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6, "class": "form-control font-monospace"}),
        help_text=gettext_lazy("Sent as an HTML alternative; placeholder values are escaped."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_fields(self)


def _view_or_404(user: User, key: str, language: str) -> svc.TemplateView:
    try:
        return svc.mail_template_get(user=user, key=key, language=language)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc


@require_GET
def template_list(request: HttpRequest) -> HttpResponse:
    user = admin_user(request)
    if user is None:
        return to_login(request)
    rows = svc.mail_template_list(user=user)
    return render(request, "email_channel/mail_template_list.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, key: str, language: str) -> HttpResponse:
    user = admin_user(request)
    if user is None:
        return to_login(request)
    view = _view_or_404(user, key, language)
    initial = {"subject": view.subject, "body_text": view.body_text, "body_html": view.body_html}
    form = MailTemplateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            svc.mail_template_save(actor=user, key=key, language=language, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Mail template saved."))
            return redirect("mail_templates:edit", key, language)
    return _edit_page(request, user, view, form)


def _edit_page(
    request: HttpRequest, user: User, view: svc.TemplateView, form: MailTemplateForm
) -> HttpResponse:
    preview, problem = _preview(user, view, form)
    context = {"view": view, "form": form, "preview": preview, "problem": problem}
    status = 422 if form.errors else 200
    return render(request, "email_channel/mail_template_edit.html", context, status=status)


def _preview(user: User, view: svc.TemplateView, form: MailTemplateForm) -> tuple[Any, str]:
    """Render the form's text (or the stored one) with the sample ticket; never raises."""
    data = form.cleaned_data if form.is_bound and form.is_valid() else None
    text = data or {
        "subject": view.subject,
        "body_text": view.body_text,
        "body_html": view.body_html,
    }
    try:
        rendered = svc.mail_template_preview(
            actor=user, key=view.spec.key, language=view.language, **text
        )
    except DomainError as exc:
        return None, str(exc.message)
    return rendered, ""


@require_POST
def template_preview(request: HttpRequest, key: str, language: str) -> HttpResponse:
    """htmx: the preview panel for the text in the editor (the whole page without htmx)."""
    user = admin_user(request)
    if user is None:
        return to_login(request)
    view = _view_or_404(user, key, language)
    form = MailTemplateForm(request.POST)
    if not is_htmx(request):
        return _edit_page(request, user, view, form)
    preview, problem = _preview(user, view, form) if form.is_valid() else (None, "")
    if not form.is_valid():
        problem = " ".join(str(e) for errors in form.errors.values() for e in errors)
    context = {"view": view, "preview": preview, "problem": problem}
    return render(request, "email_channel/mail_template_edit.html#preview", context)


@require_POST
def template_reset(request: HttpRequest, key: str, language: str) -> HttpResponse:
    user = admin_user(request)
    if user is None:
        return to_login(request)
    try:
        done = svc.mail_template_reset(actor=user, key=key, language=language)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    if done:
        messages.success(request, _("The mail template is back to the default."))
    return redirect("mail_templates:edit", key, language)


@require_POST
def template_test(request: HttpRequest, key: str, language: str) -> HttpResponse:
    """Send the editor's text, filled with the sample ticket, to the admin's own address."""
    user = admin_user(request)
    if user is None:
        return to_login(request)
    view = _view_or_404(user, key, language)
    form = MailTemplateForm(request.POST)
    if form.is_valid():
        try:
            sent_to = svc.mail_template_send_test(
                actor=user, key=key, language=language, **form.cleaned_data
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("A test mail was sent to %(to)s.") % {"to": sent_to})
    return _edit_page(request, user, view, form)


app_name = "mail_templates"
urlpatterns = [
    path("", template_list, name="list"),
    path("<str:key>/<str:language>/", template_edit, name="edit"),
    path("<str:key>/<str:language>/preview/", template_preview, name="preview"),
    path("<str:key>/<str:language>/reset/", template_reset, name="reset"),
    path("<str:key>/<str:language>/test/", template_test, name="test"),
]
