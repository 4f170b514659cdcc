"""Both catalogues are complete, compiled, and cover every translatable string in the source."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "gongdan"
LOCALE = PACKAGE / "locale"


def _catalogue(lang: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / lang / "LC_MESSAGES" / "django.po"))


@pytest.mark.parametrize("lang", ["zh_Hans", "en"])
def test_catalogue_has_no_untranslated_or_fuzzy_entries(lang: str) -> None:
    po = _catalogue(lang)
    incomplete = [e.msgid for e in po if not e.translated() or "fuzzy" in e.flags]
    assert len(po) > 100
    assert incomplete == []


@pytest.mark.parametrize("lang", ["zh_Hans", "en"])
def test_compiled_catalogue_matches_source(lang: str) -> None:
    po = _catalogue(lang)
    mo = polib.mofile(str(LOCALE / lang / "LC_MESSAGES" / "django.mo"))
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in mo}
    source = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in po if e.translated()}
    assert compiled == source, "run: .venv/bin/python scripts/i18n.py --compile"


@pytest.mark.parametrize("lang", ["zh_Hans", "en"])
def test_translations_keep_every_placeholder(lang: str) -> None:
    """``msgfmt -c``: a translation that drops or changes a %(name)s would fail at run time."""
    if shutil.which("msgfmt") is None:
        pytest.fail("GNU gettext (msgfmt) is needed: apt-get install gettext")
    result = subprocess.run(
        ["msgfmt", "-c", "-o", os.devnull, str(LOCALE / lang / "LC_MESSAGES" / "django.po")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_every_source_string_is_in_the_catalogue(tmp_path: Path) -> None:
    """Extract messages from a copy of the package and compare with the committed catalogue."""
    if shutil.which("xgettext") is None:
        pytest.fail("GNU gettext (xgettext) is needed: apt-get install gettext")
    copy = tmp_path / "gongdan"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("locale", "__pycache__"))
    (copy / "locale").mkdir()
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "--no-location",
            "-lzh_Hans",
            "--ignore=tests/*",
            "--ignore=*/tests/*",
        ],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    extracted = {e.msgid for e in polib.pofile(str(copy / "locale/zh_Hans/LC_MESSAGES/django.po"))}
    committed = {e.msgid for e in _catalogue("zh_Hans")}
    assert sorted(extracted - committed) == []


def test_chinese_is_the_default_and_english_is_available() -> None:
    with translation.override("zh-hans"):
        assert str(translation.gettext("Closed")) == "已关闭"
    with translation.override("en"):
        assert str(translation.gettext("Closed")) == "Closed"


def test_product_default_language_is_simplified_chinese() -> None:
    from gongdan.config import settings as product_settings

    assert product_settings.LANGUAGE_CODE == "zh-hans"
    assert [code for code, _name in product_settings.LANGUAGES] == ["zh-hans", "en"]


def test_a_browser_without_preferences_gets_chinese(client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.LANGUAGE_CODE = "zh-hans"

    response = client.get("/portal/")

    assert response.headers["Content-Language"] == "zh-hans"


def test_accept_language_english_gets_english(client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.LANGUAGE_CODE = "zh-hans"

    response = client.get("/portal/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert response.headers["Content-Language"] == "en"
