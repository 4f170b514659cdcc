"""A form renderer that writes the common widgets in Python (``FORM_RENDERER``).

Django renders every widget through its templates: a select of 30 options is 30 template
includes, and an empty error list is a template too. On the ticket page and the ticket list that
was about 40 % of the page's time. ``FastRenderer`` produces *the same markup* as Django's
templates (``tests/core/test_form_renderer.py`` compares them) for inputs, selects, textareas,
labels and empty error lists, and hands everything else — and any template an app overrides — to
the templates as before.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]

W = "django/forms/widgets/"
INPUTS = (
    "input",
    "text",
    "hidden",
    "number",
    "email",
    "url",
    "password",
    "search",
    "tel",
    "color",
    "date",
    "datetime",
    "time",
    "checkbox",
    "file",
)


def _s(value: Any) -> str:
    """``{{ value|stringformat:'s' }}``: ``str``, escaped unless it was safe."""
    text = f"{value}"
    return text if isinstance(value, SafeData) else str(conditional_escape(text))


def _v(value: Any) -> str:
    """``{{ value }}``: localized, escaped unless safe."""
    if not isinstance(value, str):
        value = localize(template_localtime(value))
    return str(conditional_escape(value))


def _attrs(attrs: Mapping[str, Any]) -> str:
    """``django/forms/widgets/attrs.html``."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(f" {_v(name)}" if value is True else f' {_v(name)}="{_s(value)}"')
    return "".join(out)


def _input(context: dict[str, Any]) -> str:
    w = context["widget"]
    value = "" if w["value"] is None else f' value="{_s(w["value"])}"'
    return f'<input type="{_v(w["type"])}" name="{_v(w["name"])}"{value}{_attrs(w["attrs"])}>'


def _option(option: dict[str, Any]) -> str:
    if option.get("template_name") != W + "select_option.html":
        raise _Fallback
    label = _v(option["label"])
    return f'<option value="{_s(option["value"])}"{_attrs(option["attrs"])}>{label}</option>'


def _select(context: dict[str, Any]) -> str:
    w = context["widget"]
    out = [f'<select name="{_v(w["name"])}"{_attrs(w["attrs"])}>']
    for group_name, options, _index in w["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{_v(group_name)}">')
        out.extend(f"\n  {_option(option)}\n" for option in options)  # the include's newline
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return "".join(out)


def _textarea(context: dict[str, Any]) -> str:
    w = context["widget"]
    value = _v(w["value"]) if w["value"] else ""
    return f'<textarea name="{_v(w["name"])}"{_attrs(w["attrs"])}>\n{value}</textarea>'


def _label(context: dict[str, Any]) -> str:
    if not context["use_tag"]:
        return _v(context["label"])
    tag = _v(context["tag"])
    return f"<{tag}{_attrs(context['attrs'])}>{_v(context['label'])}</{tag}>"


def _errors(context: dict[str, Any]) -> str:
    if context["errors"]:
        raise _Fallback
    return ""


class _Fallback(Exception):
    """Not a shape written here: let the template render it."""


FAST: dict[str, Callable[[dict[str, Any]], str]] = {
    **{f"{W}{name}.html": _input for name in INPUTS},
    W + "select.html": _select,
    W + "textarea.html": _textarea,
    "django/forms/label.html": _label,
    "django/forms/errors/list/default.html": _errors,
    "django/forms/errors/list/ul.html": _errors,
}


class FastRenderer(DjangoTemplates):
    """Django's template renderer, with the templates in ``FAST`` written in Python."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        fast = FAST.get(template_name)
        if fast is not None and request is None and _not_overridden(self, template_name):
            try:
                return mark_safe(fast(context).strip())  # noqa: S308 - every part is escaped
            except _Fallback:
                pass
        return super().render(template_name, context, request)


_origins: dict[str, bool] = {}


def _not_overridden(renderer: FastRenderer, template_name: str) -> bool:
    """True when ``template_name`` is Django's own (no app overrides it); checked once."""
    if template_name not in _origins:
        origin = renderer.get_template(template_name).origin.name
        _origins[template_name] = "/django/forms/templates/" in origin.replace("\\", "/")
    return _origins[template_name]
