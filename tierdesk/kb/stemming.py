"""Word forms for the SQLite search backend: plain functions, no database.

PostgreSQL stems with its own ``russian`` text-search configuration (Cyrillic words through the
Russian Snowball stemmer, Latin words through the English one). For SQLite FTS5 we do the same in
Python with the ``snowballstemmer`` package, so "печатает", "печатать" and "printing", "printers"
reduce to the same stems on both databases.
"""

from __future__ import annotations

import functools
import re

import snowballstemmer

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_CYRILLIC = re.compile(r"[а-я]")

# Words that carry no meaning for search; PostgreSQL drops the same kind of words.
_STOPWORDS_TEXT = """
    а без более бы был была были было быть в вам вас весь во вот все всего всех вы где да даже
    для до его ее если есть еще же за здесь и из или им их к как ко когда кто ли либо мне может
    мы на над надо наш не него нее нет ни них но ну о об однако он она они оно от очень по под
    при с со так также такой там те тем то того тоже той только том ты у уже хотя чего чей чем
    что чтобы чье чья эта эти это я у меня мой моя мое мои
    a an and are as at be but by for from has have he her his i if in into is it its me my no
    not of on or our she so such that the their then there these they this to was we were what
    when which who will with you your do does did can cannot
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())

_RU = snowballstemmer.stemmer("russian")
_EN = snowballstemmer.stemmer("english")


def words(text: str) -> list[str]:
    """Lower-cased words of ``text`` (ё folded to е), punctuation dropped."""
    return _WORD.findall((text or "").lower().replace("ё", "е"))


@functools.lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    if _CYRILLIC.search(word):
        return str(_RU.stemWord(word))
    if word.isascii() and word.isalpha():
        return str(_EN.stemWord(word))
    return word


def stem_text(text: str | None) -> str:
    """The document as space-separated stems (what the FTS5 table stores)."""
    return " ".join(stem(w) for w in words(text or ""))


def query_terms(text: str) -> list[str]:
    """Meaningful words of a search query, in order, without stopwords or repeats."""
    seen: set[str] = set()
    out = []
    for w in words(text):
        if w in STOPWORDS or w in seen:
            continue
        seen.add(w)
        out.append(w)
    return out[:32]
