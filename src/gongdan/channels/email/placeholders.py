"""The placeholder language of editable mail templates: ``{ticket.number}`` and nothing more.

A placeholder is a name in braces; ``{{`` and ``}}`` stand for literal braces. Names are looked up
as whole strings in a flat dictionary of strings computed beforehand (``mailtemplates.py``), so a
template can never reach an attribute, a method or a value that was not put there on purpose —
unlike the Django template language, there is no dot lookup, no filter and no tag.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.utils.html import escape
from django.utils.translation import gettext as _

NAME = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*")


class TemplateProblem(Exception):
    """A template that cannot be used, with a message in the reader's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def parse(text: str) -> list[tuple[bool, str]]:
    """The template as (is_placeholder, text-or-name) parts; ``TemplateProblem`` when malformed."""
    parts: list[tuple[bool, str]] = []
    literal: list[str] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char in "{}" and text[i + 1 : i + 2] == char:
            literal.append(char)
            i += 2
        elif char == "}":
            raise TemplateProblem(
                _("A “}” at character %(at)s closes no placeholder (write “}}” for a brace).")
                % {"at": i + 1}
            )
        elif char == "{":
            end = text.find("}", i + 1)
            if end == -1:
                raise TemplateProblem(
                    _("The placeholder opened at character %(at)s is not closed with “}”.")
                    % {"at": i + 1}
                )
            name = text[i + 1 : end].strip()
            if not NAME.fullmatch(name):
                raise TemplateProblem(
                    _(
                        "“{%(name)s}” at character %(at)s is not a placeholder name: use "
                        "lower-case letters, digits, dots and underscores (write “{{” for a brace)."
                    )
                    % {"name": text[i + 1 : end][:40], "at": i + 1}
                )
            if literal:
                parts.append((False, "".join(literal)))
                literal = []
            parts.append((True, name))
            i = end + 1
        else:
            literal.append(char)
            i += 1
    if literal:
        parts.append((False, "".join(literal)))
    return parts


def check(text: str, allowed: Iterable[str]) -> None:
    """Raise ``TemplateProblem`` for a syntax error or a name outside ``allowed``."""
    known = set(allowed)
    unknown = sorted({name for is_name, name in parse(text) if is_name and name not in known})
    if unknown:
        raise TemplateProblem(
            _("Unknown placeholder: %(names)s. Available here: %(allowed)s.")
            % {
                "names": ", ".join(f"{{{u}}}" for u in unknown),
                "allowed": ", ".join(f"{{{a}}}" for a in sorted(known)),
            }
        )


def render(text: str, values: dict[str, str], *, html: bool = False, one_line: bool = False) -> str:
    """Fill ``text``; values are escaped for HTML bodies and kept on one line for subjects."""
    out = []
    for is_name, part in parse(text):
        if not is_name:
            out.append(part)
            continue
        value = values.get(part, "")
        if one_line:
            value = " ".join(value.split())
        if html:
            value = str(escape(value)).replace("\n", "<br>\n")
        out.append(value)
    return "".join(out)
