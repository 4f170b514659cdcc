"""Customer-facing Chinese addresses the customer as 您, never 你 (portal pages and messages,
timeline sentences they read, and the mails they get)."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import polib
import pytest
from django.utils import translation
from django.utils.translation.template import templatize

from gongdan.channels.email import mailtemplates

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "gongdan"
CATALOGUE = PACKAGE / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
# What customers read: the portal, and the ticket sentences and labels it shows them.
CUSTOMER_SOURCES = [
    PACKAGE / "portal",
    PACKAGE / "templates",
    PACKAGE / "tickets" / "presenters.py",
    PACKAGE / "tickets" / "choices.py",
    PACKAGE / "notifications",  # the sentences of customers' notifications and mails
    PACKAGE / "channels" / "email" / "mailtemplates.py",
]
GETTEXT = {
    "_",
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
}
TEMPLATE_CALL = re.compile(r"\b(?:n?p?gettext)\(\s*((?:'(?:[^'\\]|\\.)*'\s*,?\s*)+)")
LITERAL = re.compile(r"'(?:[^'\\]|\\.)*'")


def _files() -> Iterator[Path]:
    for source in CUSTOMER_SOURCES:
        if source.is_file():
            yield source
        else:
            yield from sorted(p for p in source.rglob("*") if p.suffix in {".py", ".html", ".txt"})


def _python_strings(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", getattr(node.func, "attr", ""))
        if name in GETTEXT:
            found |= {a.value for a in node.args if isinstance(a, ast.Constant)}
    return {s for s in found if isinstance(s, str)}


def _template_strings(path: Path) -> set[str]:
    code = templatize(path.read_text(encoding="utf-8"), origin=str(path))
    found = set()
    for call in TEMPLATE_CALL.finditer(code):
        found |= {ast.literal_eval(lit) for lit in LITERAL.findall(call.group(1))}
    return found


def customer_msgids() -> set[str]:
    ids: set[str] = set()
    for path in _files():
        ids |= _python_strings(path) if path.suffix == ".py" else _template_strings(path)
    return ids


def test_the_customer_facing_catalogue_entries_say_nin_not_ni() -> None:
    po = polib.pofile(str(CATALOGUE))
    wanted = customer_msgids()
    entries = [e for e in po if not e.obsolete and (e.msgid in wanted or e.msgid_plural in wanted)]
    informal = {
        e.msgid: e.msgstr or str(e.msgstr_plural)
        for e in entries
        if "你" in e.msgstr or any("你" in v for v in e.msgstr_plural.values())
    }

    assert len(entries) > 150  # the scan found the portal's strings
    assert informal == {}


@pytest.mark.django_db
def test_every_customer_mail_says_nin_not_ni() -> None:
    customer = str(mailtemplates.Audience.CUSTOMER)
    keys = [s.key for s in mailtemplates.specs() if s.audience == customer]

    with translation.override("zh-hans"):
        mails = {
            key: mailtemplates.render_mail(
                key, "zh-hans", mailtemplates.sample_values(key, "zh-hans")
            )
            for key in keys
        }

    assert len(mails) >= 6
    informal = {k: m.subject + m.text for k, m in mails.items() if "你" in m.subject + m.text}
    assert informal == {}
    assert all("您" in m.subject + m.text for m in mails.values())
