"""The workspace shell's template tags: ``icon``, ``shell_sidebar`` and ``shell_overlay``.

The sidebar's sections are data here (label, icon, URL name, shortcut, the paths that make a
section current), so the template stays a loop and the current section is found by the longest
matching path prefix — settings pages registered in :mod:`gongdan.core.settings_menu` mark
"Settings" current wherever their app mounts them. Nothing here queries the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django import template
from django.template.loader import get_template
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from gongdan.core.icons import ICONS, sprite
from gongdan.core.settings_menu import settings_pages

register = template.Library()


@dataclass(frozen=True)
class Section:
    key: str
    label: Promise
    icon: str
    url_name: str
    shortcut: str = ""
    prefixes: tuple[str, ...] = ()  # URL names whose paths make this section current


SECTIONS: tuple[Section, ...] = (
    Section("tickets", _("Tickets"), "ticket", "tickets:list", "g t", ("tickets:list",)),
    Section("views", _("Views"), "layer-group", "shell:views_home", "g v"),
    Section("knowledge", _("Knowledge base"), "book", "knowledge:list", "g k", ("knowledge:list",)),
    Section("calls", _("Calls"), "phone", "calls:new", "", ("calls:new",)),
    Section(
        "supervision",
        pgettext_lazy("sidebar", "Supervision"),
        "bullhorn",
        "tickets:supervision_list",
        "",
        ("tickets:supervision_list",),
    ),
    Section("reports", _("Reports"), "chart-line", "reports:overview", "", ("reports:overview",)),
    Section(
        "customers",
        _("Customers"),
        "address-book",
        "customers_desk:list",
        "",
        ("customers_desk:list",),
    ),
    Section("settings", _("Settings"), "gear", "shell:settings", "", ("shell:settings",)),
)
# Paths that belong to a section without being one of its URL names' prefixes.
EXTRA_PREFIXES = {"reports": ("exports:list",)}


def _path(url_name: str) -> str | None:
    try:
        return reverse(url_name)
    except NoReverseMatch:
        return None


@lru_cache(maxsize=8)
def _table(role: str) -> tuple[tuple[dict[str, Any], ...], tuple[tuple[str, str], ...]]:
    """The sections ``role`` sees (URLs resolved) and ``(path prefix, section)`` pairs, longest
    first. Computed once per role and process: the registry is filled at start-up."""
    pages = [p for p in settings_pages if role in p.roles]
    page_paths = [path for path in (_path(p.url_name) for p in pages) if path]
    items: list[dict[str, Any]] = []
    prefixes: list[tuple[str, str]] = []
    for section in SECTIONS:
        url = _path(section.url_name)
        if url is None or (section.key == "settings" and not page_paths):
            continue
        items.append(
            {
                "key": section.key,
                "label": section.label,
                "icon": section.icon,
                "url": url,
                "shortcut": section.shortcut,
            }
        )
        names = section.prefixes + EXTRA_PREFIXES.get(section.key, ())
        prefixes += [(p, section.key) for p in map(_path, names) if p]
        if section.key == "settings":
            prefixes += [(p, "settings") for p in page_paths]
    prefixes.sort(key=lambda pair: len(pair[0]), reverse=True)
    return tuple(items), tuple(prefixes)


def current_section(path: str, prefixes: tuple[tuple[str, str], ...]) -> str:
    return next((key for prefix, key in prefixes if path.startswith(prefix)), "")


def shell_nav(request: Any) -> tuple[str, str, list[dict[str, Any]]]:
    """``(role, current section, sections)`` for the signed-in user; the current one ``active``."""
    role = getattr(getattr(request, "user", None), "role", "") or ""
    items, prefixes = _table(role)
    current = current_section(getattr(request, "path", ""), prefixes)
    return role, current, [item | {"active": item["key"] == current} for item in items]


# Rendered fragments that depend only on (language, role, section, collapsed): the sidebar and
# the shortcuts overlay are a third of the shell's template nodes, so each variant renders once
# per process (a few dozen variants at most) and later pages reuse the string.
_fragments: dict[tuple[Any, ...], str] = {}


def clear_fragments() -> None:
    _fragments.clear()
    _table.cache_clear()


def _fragment(key: tuple[Any, ...], template_name: str, context: dict[str, Any]) -> str:
    html = _fragments.get(key)
    if html is None:
        html = _fragments[key] = get_template(template_name).render(context)
    return mark_safe(html)  # noqa: S308 - our own template, rendered with autoescape


@register.simple_tag(takes_context=True)
def shell_sidebar(context: template.Context) -> str:
    """The sidebar (``shell/_sidebar.html``) for this user's role and the current section."""
    request = context.get("request")
    role, current, nav = shell_nav(request)
    collapsed = getattr(request, "COOKIES", {}).get("gd_sidebar") == "collapsed"
    key = ("sidebar", get_language(), role, current, collapsed)
    return _fragment(key, "shell/_sidebar.html", {"nav": nav, "collapsed": collapsed})


@register.simple_tag
def shell_overlay() -> str:
    """The ``?`` overlay (``shell/_shortcuts.html``), translated, the same for every page."""
    shortcuts = [
        {"keys": keys.split(" "), "key": keys, "label": label, "global": is_global}
        for keys, label, is_global in SHORTCUTS
    ]
    return _fragment(("overlay", get_language()), "shell/_shortcuts.html", {"shortcuts": shortcuts})


@lru_cache(maxsize=1)
def _sprite_url() -> str:
    return f"{reverse('icons')}?v={sprite()[1]}"


@register.simple_tag
def icon(name: str, css: str = "") -> str:
    """An inline ``<svg>`` that draws ``name`` from the sprite (decorative: hidden from readers)."""
    if name not in ICONS:
        raise template.TemplateSyntaxError(f"Unknown icon {name!r}: add it to core.icons.ICONS")
    return format_html(
        '<svg class="gd-icon{}" aria-hidden="true" focusable="false">'
        '<use href="{}#{}"></use></svg>',
        f" {css}" if css else "",
        _sprite_url(),
        name,
    )


# The shortcuts the ``?`` overlay lists: (keys, what they do, global). A page shortcut is listed
# only when the page has an element carrying it (shortcuts.js hides the others).
SHORTCUTS: tuple[tuple[str, Promise, bool], ...] = (
    ("/", _("Focus the search box"), True),
    ("g t", _("Go to tickets"), True),
    ("g v", _("Go to my views"), True),
    ("g k", _("Go to the knowledge base"), True),
    ("g n", _("Go to notifications"), True),
    ("?", _("Show keyboard shortcuts"), True),
    ("j", _("Next ticket"), False),
    ("k", _("Previous ticket"), False),
    ("Enter", _("Open the selected ticket"), False),
    ("r", _("Reply to the customer"), False),
    ("n", _("Add an internal note"), False),
    ("a", _("Assign to me"), False),
    ("s", _("Change the status"), False),
)
