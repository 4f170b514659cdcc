#!/usr/bin/env python
"""Refresh the translation catalogues and compile them.

    .venv/bin/python scripts/i18n.py            # extract (needs GNU gettext), fill en, compile
    .venv/bin/python scripts/i18n.py --compile  # only compile .po → .mo (pure Python, polib)

Catalogues live in src/gongdan/locale/<lang>/LC_MESSAGES/django.po. English is the source
language: its catalogue maps every message to itself. zh_Hans is translated by hand; run this after
adding strings, translate the new (empty) entries, then run it again to compile.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "gongdan"
LOCALE = PACKAGE / "locale"
LANGS = ["zh_Hans", "en"]


def extract() -> None:
    """Run Django's makemessages over the package (no settings needed: it writes ./locale)."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": ""}
    env.pop("DJANGO_SETTINGS_MODULE")
    cmd = [
        sys.executable,
        "-m",
        "django",
        "makemessages",
        "--no-location",
        "--no-obsolete",
        "--ignore=tests/*",
        "--ignore=*/tests/*",
        *[f"-l{lang}" for lang in LANGS],
    ]
    subprocess.run(cmd, cwd=PACKAGE, env=env, check=True)  # noqa: S603 - our own fixed argv


def fill_english() -> None:
    po = polib.pofile(str(LOCALE / "en" / "LC_MESSAGES" / "django.po"))
    for entry in po:
        if entry.msgid_plural:
            entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
        else:
            entry.msgstr = entry.msgid
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po.save()


def compile_all() -> None:
    for lang in LANGS:
        po_path = LOCALE / lang / "LC_MESSAGES" / "django.po"
        polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compile", action="store_true", help="only compile .po files")
    args = parser.parse_args()
    if not args.compile:
        extract()
        fill_english()
    compile_all()
    zh = polib.pofile(str(LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    missing = [e.msgid for e in zh if not e.translated() or "fuzzy" in e.flags]
    print(f"zh_Hans: {len(zh)} messages, {len(missing)} untranslated or fuzzy")


if __name__ == "__main__":
    main()
