"""Finding the quoted history in a mail reply, so the ticket page can fold it.

A reply by mail usually carries the whole conversation below the new words. The history starts
at the first of these (whichever comes first), and runs to the end of the message:

- an attribution line: ``On Mon, 1 Jan 2026 at 10:00, Wang Wei <w@example.com> wrote:`` (also
  wrapped over two lines), ``在 2026年1月1日 10:00，王伟 <w@example.com> 写道：``;
- an Outlook header: ``-----Original Message-----``, ``-----原始邮件-----``, a line of
  underscores, or a ``From:``/``发件人：`` line followed within three lines by
  ``Sent:``/``Date:``/``发送时间：``/``日期：``/``时间：``;
- else a block of ``>`` lines that ends the message (blank lines may separate them).

``>`` lines followed by more of the writer's own words are inline answers and stay visible.
When nothing but history would remain, nothing is folded.
"""

from __future__ import annotations

import re

_ATTRIBUTION = re.compile(r"^\s*(On\b.{0,300}\bwrote:|在.{0,300}写道\s*[:：])\s*$", re.IGNORECASE)
_ATTRIBUTION_START = re.compile(r"^\s*(On\b|在)")
_ATTRIBUTION_END = re.compile(r"(\bwrote:|写道\s*[:：])\s*$", re.IGNORECASE)
_SEPARATOR = re.compile(
    r"^\s*(-{2,}\s*(Original Message|Forwarded message|原始邮件|转发的邮件)\s*-{2,}|_{10,})\s*$",
    re.IGNORECASE,
)
_FROM = re.compile(r"^\s*\*?(From|发件人)\*?\s*[:：]", re.IGNORECASE)
_SENT = re.compile(r"^\s*\*?(Sent|Date|发送时间|日期|时间)\*?\s*[:：]", re.IGNORECASE)
_QUOTE = re.compile(r"^\s*>")


def _header_at(lines: list[str], i: int) -> bool:
    line = lines[i]
    if _ATTRIBUTION.match(line) or _SEPARATOR.match(line):
        return True
    nxt = lines[i + 1] if i + 1 < len(lines) else ""
    wrapped = _ATTRIBUTION_START.match(line) and not _ATTRIBUTION_END.search(line)
    if wrapped and _ATTRIBUTION.match(f"{line} {nxt.strip()}"):
        return True
    return bool(_FROM.match(line) and any(_SENT.match(x) for x in lines[i + 1 : i + 4]))


def _trailing_quote_start(lines: list[str]) -> int | None:
    start = None
    for i in range(len(lines) - 1, -1, -1):
        if _QUOTE.match(lines[i]):
            start = i
        elif lines[i].strip():
            break
    return start


def split_quoted(text: str) -> tuple[str, str]:
    """``(new words, quoted history)`` of a message; the history is ``""`` when there is none."""
    lines = (text or "").replace("\r\n", "\n").split("\n")
    cut = next((i for i in range(len(lines)) if _header_at(lines, i)), None)
    if cut is None:
        cut = _trailing_quote_start(lines)
    if cut is None:
        return text, ""
    visible = "\n".join(lines[:cut]).rstrip()
    if not visible.strip():
        return text, ""
    return visible, "\n".join(lines[cut:]).strip("\n")
