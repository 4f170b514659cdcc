"""Turning text into index tokens, and a search box's text into a query.

Documents and queries are segmented the same way: NFKC-normalised, lower-cased, cut with
rjieba's ``cut_for_search`` (a word and its dictionary sub-words: 打印机 → 打印 印机 打印机) on a
segmenter that also knows the admins' dictionary (``SearchTerm``), then split into runs of letters
and digits (an email address or a ticket number becomes several tokens, as the index's own
``unicode61`` tokenizer would split it). People and organizations also get pinyin tokens: the full
spelling (zhangsan), its syllables and the initials (zs).

The segmenter is built once per process (≈0.3 s) and rebuilt when the dictionary changes: a save
in this process drops it at once, other processes notice within ``TTL`` seconds.

The dictionaries are loaded when first needed, not when this module is imported (every process
imports it at start-up, ``SearchConfig.ready``): importing rjieba costs ~33 MB of memory, pypinyin
~54 MB, which a process that never segments text (an export worker, the scheduler) does not pay.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from gongdan.core.cache import ProcessCache
from gongdan.search.models import SearchTerm

TTL = 5.0
MAX_TEXT = 100_000  # characters of one document field that are indexed
TOKEN = re.compile(r"[^\W_]+")
# Function words that a query does not need to find: 打印机坏了 must find 打印机坏 as well.
_FUNCTION_WORDS = (
    "的 了 是 在 吗 呢 吧 啊 呀 和 与 及 也 都 就 把 被 给 我 我们 你 您 他 她 它 这 那 有 请"
)
_ENGLISH_STOPWORDS = (
    "a an the is are was were be been to of in on at and or for with my i it this that by from "
    "as not no can do does did have has had will would please need we you your our me so but if "
    "into up out about"
)
STOPWORDS = frozenset(_FUNCTION_WORDS.split()) | frozenset(_ENGLISH_STOPWORDS.split())
# wi-fi, e-mail, check-in: also indexed as one word, so "wifi" finds "Wi-Fi".
HYPHENATED = re.compile(r"(?<![^\W_])[a-z]+(?:-[a-z]+)+(?![^\W_])")
QUOTES = re.compile(r'["“”„「」『』]')

# Bump when segmentation changes in code: every document's digest changes with it.
VERSION = "1"

# (dictionary words, segmenter, fingerprint of the words)
_Segmentation = tuple[frozenset[tuple[str, int | None]], Any, str]


def _build() -> _Segmentation:
    terms = frozenset(SearchTerm.objects.values_list("word", "weight"))
    previous = _segmentation.previous()
    if previous is not None and previous[0] == terms:
        return previous  # the same words: keep the segmenter (building one costs ~0.5 s)
    import rjieba  # ~33 MB of dictionary: loaded on the first segmentation, not at start-up

    jieba = rjieba.Jieba()
    ordered = sorted(terms, key=lambda t: (t[0], t[1] or 0))
    for word, weight in ordered:
        jieba.add_word(normalize(word), weight, None)
    stamp = hashlib.sha1(repr((VERSION, ordered)).encode()).hexdigest()  # noqa: S324
    return terms, jieba, stamp


_segmentation = ProcessCache(_build, ttl=TTL)
# Imported by SearchConfig.ready(): dictionary saves and deletes in this process drop it at once.
_segmentation.invalidate_on(SearchTerm, uid="search-terms")


def _load() -> _Segmentation:
    return _segmentation.get()


def _segmenter() -> Any:
    return _load()[1]


def fingerprint() -> str:
    """Identifies the segmentation in force (code version + dictionary words)."""
    return _load()[2]


def invalidate(**_kwargs: Any) -> None:
    """Forget the segmenter (dictionary saves and deletes do; used by tests)."""
    _segmentation.invalidate()


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def segment(text: str) -> list[str]:
    """Index tokens of ``text``, in order (sub-words before their word)."""
    if not text:
        return []
    text = normalize(text[:MAX_TEXT])
    # One regex pass over the pieces joined by spaces (a piece never spans a space).
    tokens: list[str] = TOKEN.findall(" ".join(_segmenter().cut_for_search(text)))
    tokens.extend(m.group().replace("-", "") for m in HYPHENATED.finditer(text))
    return tokens


def tokens_text(text: str) -> str:
    return " ".join(segment(text))


def pinyin_tokens(name: str) -> list[str]:
    """zhangsan, zhang, san and zs for 张三; nothing for a name without Chinese characters."""
    out: list[str] = []
    runs = re.findall(r"[\u3400-\u9fff]+", name)
    if not runs:
        return out
    from pypinyin import Style, lazy_pinyin  # ~54 MB: loaded on the first Chinese name

    for run in runs:
        syllables = [s for s in lazy_pinyin(run) if s.isalpha()]
        initials = [s[0] for s in lazy_pinyin(run, style=Style.FIRST_LETTER) if s.isalpha()]
        if not syllables:
            continue
        out.append("".join(syllables))
        out.extend(syllables)
        out.append("".join(initials))
    return out


@dataclass(frozen=True)
class Term:
    """One condition of a query: all ``tokens`` (or, for a phrase, all of them in a row)."""

    tokens: tuple[str, ...]
    phrase: bool = False
    prefix: bool = False  # the last token may be the start of a longer one (typing)


@dataclass(frozen=True)
class ParsedQuery:
    terms: tuple[Term, ...]

    @property
    def empty(self) -> bool:
        return not self.terms

    def highlight_tokens(self) -> list[str]:
        words = {t for term in self.terms for t in term.tokens}
        return sorted(words, key=lambda w: (-len(w), w))


def _split_quoted(text: str) -> tuple[list[str], list[str]]:
    """Phrases in straight or Chinese quotes, and the loose text around them."""
    parts = QUOTES.split(text)
    loose = [p for i, p in enumerate(parts) if i % 2 == 0]
    phrases = [p for i, p in enumerate(parts) if i % 2 == 1]
    return phrases, loose


def _loose_terms(chunks: Iterable[str], typing: bool) -> list[Term]:
    # A word made only of function words (的, 了) still searches for them.
    terms: list[Term] = []
    words = [w for chunk in chunks for w in chunk.split()]
    for index, word in enumerate(words):
        tokens = segment(word)
        kept = [t for t in tokens if t not in STOPWORDS] or tokens
        # A document with 打印机 also has its sub-words 打印 and 印机 (cut_for_search emits both):
        # asking for them too adds nothing but cost (and skews the planner's estimates).
        kept = [t for t in kept if not any(t != other and t in other for other in kept)]
        last = index == len(words) - 1
        for position, token in enumerate(dict.fromkeys(kept)):
            prefix = (
                typing
                and last
                and position == len(dict.fromkeys(kept)) - 1
                and token.isascii()
                and token.isalpha()
                and len(token) >= 2
            )
            terms.append(Term((token,), prefix=prefix))
    return terms


def parse_query(text: str, *, typing: bool = True) -> ParsedQuery:
    """``VPN 连不上 "打印机 卡纸"`` → vpn AND 连不上 AND the phrase 打印机卡纸.

    Every word must be found (AND). With ``typing`` the last word, when it is Latin letters
    and the text does not end with a space, also matches longer words (``zha`` → zhangsan).
    """
    text = text.replace("\x00", "")[:500]
    phrases, loose = _split_quoted(text)
    ends_open = bool(text) and not text[-1].isspace() and not QUOTES.match(text[-1])
    terms = _loose_terms(loose, typing and ends_open and len(phrases) == 0)
    for phrase in phrases:
        tokens = segment(phrase)
        if len(tokens) == 1:
            terms.append(Term((tokens[0],)))
        elif tokens:
            terms.append(Term(tuple(tokens), phrase=True))
    unique = tuple(dict.fromkeys(terms))
    return ParsedQuery(unique)
