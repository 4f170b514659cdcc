"""``FastRenderer`` writes the same markup as Django's form templates, only faster."""

from __future__ import annotations

import datetime

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from gongdan.core.form_renderer import FastRenderer
from gongdan.testing import World
from gongdan.tickets.forms import AssignForm, TicketFieldsForm, TicketFilterForm


class Everything(forms.Form):
    text = forms.CharField(label=_("Title"), max_length=20, help_text="h")
    optional = forms.CharField(required=False, widget=forms.TextInput(attrs={"placeholder": "<x>"}))
    hidden = forms.CharField(widget=forms.HiddenInput, initial='a "quote" & <tag>')
    number = forms.IntegerField(min_value=1, initial=1234567)
    email = forms.EmailField(required=False)
    day = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}), initial=datetime.date(2026, 1, 2)
    )
    when = forms.DateTimeField(required=False)
    flag = forms.BooleanField(required=False, initial=True)
    off = forms.BooleanField(required=False, widget=forms.CheckboxInput(attrs={"disabled": False}))
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), initial="a <b>\n&c")
    empty_body = forms.CharField(widget=forms.Textarea, required=False)
    file = forms.FileField(required=False)
    choice = forms.ChoiceField(choices=[("", "---"), ("a", "A & a"), (1, mark_safe("<b>1</b>"))])
    grouped = forms.ChoiceField(
        choices=[("早", [("x", "X"), ("y", "Y")]), ("z", "Z")], initial="y", required=False
    )
    many = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B")], initial=["a", "b"])
    yes_no = forms.NullBooleanField(required=False)
    radio = forms.ChoiceField(choices=[("a", "A")], widget=forms.RadioSelect, required=False)


def _markup(form: forms.Form) -> list[str]:
    out = []
    for field in form:
        out += [str(field), field.label_tag(), str(field.errors), field.legend_tag()]
    out.append(str(form.non_field_errors()))
    out.append(form.render())
    return out


@pytest.mark.parametrize(
    "data", [None, {"text": "x" * 30, "number": "0", "email": "bad", "choice": "q"}]
)
def test_the_same_markup_as_djangos_templates(data: dict[str, str] | None) -> None:
    slow = Everything(data, renderer=DjangoTemplates())
    fast = Everything(data, renderer=FastRenderer())
    assert _markup(fast) == _markup(slow)


def test_the_ticket_forms_render_the_same(world: World) -> None:
    ticket = world.ticket()
    for make in (
        lambda r: AssignForm(ticket=ticket, renderer=r),
        lambda r: TicketFieldsForm(ticket=ticket, user=world.agent, renderer=r),
        lambda r: TicketFilterForm({"status": ["new"]}, user=world.agent, renderer=r),
    ):
        assert _markup(make(FastRenderer())) == _markup(make(DjangoTemplates()))


def test_the_project_uses_it(settings) -> None:  # type: ignore[no-untyped-def]
    assert settings.FORM_RENDERER == "gongdan.core.form_renderer.FastRenderer"
