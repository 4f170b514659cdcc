"""The workspace's icons: a small SVG sprite cut from Font Awesome Free (xstatic-font-awesome).

The package's full ``sprites/solid.svg`` weighs ~900 KB; the shell uses a dozen icons, so
:func:`sprite` keeps only the symbols named in :data:`ICONS` (about 10 KB, the licence comment
kept) and ``core.views.icons`` serves it under a content hash, cached for a year. Templates draw
an icon with ``{% icon "ticket" %}`` (``core/templatetags/shell.py``).
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path

ICONS = frozenset(
    {
        "address-book",
        "angles-left",
        "angles-right",
        "bars",
        "bell",
        "book",
        "bullhorn",
        "chart-line",
        "circle-user",
        "gear",
        "globe",
        "key",
        "keyboard",
        "layer-group",
        "phone",
        "right-from-bracket",
        "screwdriver-wrench",
        "ticket",
        "user",
    }
)

_SYMBOL = re.compile(r'<symbol id="([a-z0-9-]+)".*?</symbol>', re.S)


def _source() -> Path:
    from xstatic.pkg import font_awesome  # type: ignore[import-untyped,unused-ignore]

    return Path(font_awesome.BASE_DIR) / "sprites" / "solid.svg"


@lru_cache(maxsize=1)
def sprite() -> tuple[bytes, str]:
    """The reduced sprite and its short content hash (read once per process)."""
    text = _source().read_text(encoding="utf-8")
    head = text[: text.index("<svg")]
    symbols = [m.group(0) for m in _SYMBOL.finditer(text) if m.group(1) in ICONS]
    body = (
        head.replace('<?xml version="1.0" encoding="UTF-8"?>\n', "")
        + '<svg xmlns="http://www.w3.org/2000/svg">\n'
        + "\n".join(symbols)
        + "\n</svg>\n"
    ).encode()
    return body, hashlib.sha256(body).hexdigest()[:12]
