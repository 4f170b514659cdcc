"""Segmentation and query parsing: documents and queries cut the same way."""

from __future__ import annotations

import pytest

from gongdan.search import tokenizer
from gongdan.search.models import SearchTerm
from gongdan.search.tokenizer import Term, parse_query, pinyin_tokens, segment

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "word"),
    [("打印机无法打印", "打印"), ("忘记密码了", "密码"), ("公司网络不通", "网络")],
)
def test_two_character_words_are_tokens_of_longer_text(text: str, word: str) -> None:
    assert word in segment(text)


def test_a_long_word_also_yields_its_dictionary_sub_words() -> None:
    assert segment("打印机") == ["打印", "印机", "打印机"]


def test_mixed_latin_and_chinese_is_lower_cased_and_split() -> None:
    assert segment("VPN连不上") == ["vpn", "连不上"]


def test_emails_numbers_and_full_width_letters_become_plain_tokens() -> None:
    assert segment("zhang@Acme.com") == ["zhang", "acme", "com", "acme", "com"]
    assert segment("GD-20260101-0001") == ["gd", "gd", "20260101", "0001"]
    assert segment("ＶＰＮ") == ["vpn"]
    assert {"wi", "fi", "wifi", "断线"} == set(segment("Wi-Fi 断线"))


def test_a_mixed_query_is_every_word_anded() -> None:
    parsed = parse_query("VPN 连不上", typing=False)

    assert parsed.terms == (Term(("vpn",)), Term(("连不上",)))


def test_function_words_are_dropped_from_queries_unless_alone() -> None:
    assert parse_query("密码忘记了", typing=False).terms == (Term(("密码",)), Term(("忘记",)))
    assert parse_query("了", typing=False).terms == (Term(("了",)),)


def test_quoted_text_is_a_phrase() -> None:
    parsed = parse_query('"打印机 卡纸" 紧急', typing=False)

    assert Term(("紧急",)) in parsed.terms
    assert Term(("打印", "印机", "打印机", "卡纸"), phrase=True) in parsed.terms


def test_chinese_quotes_are_phrases_too() -> None:
    parsed = parse_query("“网络 中断”", typing=False)

    assert parsed.terms == (Term(("网络", "中断"), phrase=True),)


def test_while_typing_the_last_latin_word_is_a_prefix() -> None:
    assert parse_query("打印 zha").terms == (Term(("打印",)), Term(("zha",), prefix=True))
    assert parse_query("打印 zha ").terms == (Term(("打印",)), Term(("zha",)))
    assert parse_query("zha", typing=False).terms == (Term(("zha",)),)


def test_punctuation_only_is_an_empty_query() -> None:
    assert parse_query("？！。。", typing=False).empty


def test_pinyin_full_syllables_and_initials_for_names() -> None:
    assert pinyin_tokens("张三") == ["zhangsan", "zhang", "san", "zs"]
    assert pinyin_tokens("Acme") == []


def test_dictionary_words_stay_whole() -> None:
    assert "金蝶云星空" not in segment("金蝶云星空报错")

    SearchTerm.objects.create(word="金蝶云星空")  # the save drops this process's segmenter

    assert "金蝶云星空" in segment("金蝶云星空报错")
    tokenizer.invalidate()


def test_a_query_word_asks_for_the_whole_word_not_its_sub_words() -> None:
    assert parse_query("打印机", typing=False).terms == (Term(("打印机",)),)
    assert parse_query("打印机卡纸", typing=False).terms == (Term(("打印机",)), Term(("卡纸",)))


LAZY = """
import os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongdan.config.settings")
import django
django.setup()
from gongdan.search import tokenizer
loaded = lambda: ("rjieba" in sys.modules, "pypinyin" in sys.modules)
print(*loaded())
tokenizer.pinyin_tokens("Bob")
print(*loaded())
tokenizer.pinyin_tokens("张三")
print(*loaded())
"""


def test_the_dictionaries_load_when_first_needed_not_at_start_up(tmp_path: object) -> None:
    """A process that never segments (an export worker) does not pay their ~87 MB."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env["GONGDAN_DATA_DIR"] = str(tmp_path)
    out = subprocess.run(
        [sys.executable, "-c", LAZY], env=env, capture_output=True, text=True, check=True
    ).stdout.split("\n")
    # (segmenting reads the admins' dictionary from the database: rjieba comes with it)
    assert out[:3] == ["False False", "False False", "False True"]
