"""The workspace's Settings menu: each app registers the settings pages it owns.

The app shell (sidebar "Settings" and the index at ``/desk/settings/``) lists the pages registered
here, so a new settings page appears in the menu without the shell knowing the app. Each app lists
its pages in a ``shell_menu.py`` (``PAGES``, a tuple of :class:`SettingsPage`) and registers them
in its ``AppConfig.ready()`` with ``register_pages(shell_menu.PAGES)``.

``roles`` names the ``User.role`` values that may open the page (the page's view still checks its
own policy: the menu only hides what a user could not use).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gongdan.core.hooks import Hooks

ADMIN_ONLY = frozenset({"admin"})
SUPERVISORS = frozenset({"admin", "supervisor"})
STAFF = frozenset({"admin", "supervisor", "agent"})

# Groups, in menu order.
GROUP_DESK = _("Desk")
GROUP_PEOPLE = _("People and customers")
GROUP_SERVICE = _("Service levels and routing")
GROUP_TICKETS = _("Tickets")
GROUP_CHANNELS = _("Channels")
GROUP_REPORTS = _("Reports")
GROUPS: tuple[Promise, ...] = (
    GROUP_DESK,
    GROUP_PEOPLE,
    GROUP_SERVICE,
    GROUP_TICKETS,
    GROUP_CHANNELS,
    GROUP_REPORTS,
)


@dataclass(frozen=True)
class SettingsPage:
    """One entry of the Settings menu."""

    key: str
    group: Promise
    label: Promise | str
    url_name: str
    roles: frozenset[str] = ADMIN_ONLY
    description: Promise | str = ""
    order: int = 100


settings_pages: Hooks[SettingsPage] = Hooks("settings_pages")


def register_pages(pages: Iterable[SettingsPage]) -> None:
    """Add an app's pages to the menu (idempotent, like every hook registration)."""
    for page in pages:
        settings_pages.register(page)


def visible_settings_pages(user: Any, pages: Iterable[SettingsPage] | None = None) -> list[dict]:
    """The groups of settings pages ``user`` may open: ``[{"group", "pages": [{page, url}]}]``.

    Groups keep the order of :data:`GROUPS`; pages within a group sort by ``order`` then label.
    A page whose URL does not resolve (its app is not installed) is left out.
    """
    role = getattr(user, "role", None)
    chosen = [p for p in (settings_pages if pages is None else pages) if role in p.roles]
    groups: list[dict] = []
    for group in GROUPS:
        entries = sorted(
            (p for p in chosen if p.group == group), key=lambda p: (p.order, str(p.label))
        )
        rows = []
        for page in entries:
            try:
                rows.append({"page": page, "url": reverse(page.url_name)})
            except NoReverseMatch:
                continue
        if rows:
            groups.append({"group": group, "pages": rows})
    return groups
