"""Turning bytes of unknown or untrustworthy charset into readable text.

Mail lies about its charset: Russian mail is labelled iso-8859-1 or not labelled at all, UTF-8 is
labelled windows-1251, KOI8-R arrives as raw 8-bit headers. The rules, in order:

1. Bytes that are valid UTF-8 with multi-byte sequences are UTF-8 (random 8-bit text almost
   never is), whatever the label says.
2. A known label that decodes strictly is believed, unless the text it gives is implausible:
   mostly non-ASCII "Latin" letters, or Cyrillic that another Cyrillic charset reads far better.
3. Unlabelled or undecodable 8-bit text is tried against the Cyrillic single-byte charsets with a
   letter-frequency score; then charset-normalizer; then the label with replacement characters
   (recorded as a problem, never an exception).
"""

from __future__ import annotations

import codecs
import dataclasses
import re

import charset_normalizer

# Frequency of Russian letters in per cent (lower case), plus Ukrainian/Belarusian letters.
_FREQ = {
    "о": 10.97, "е": 8.45, "а": 8.01, "и": 7.35, "н": 6.70, "т": 6.26, "с": 5.47, "р": 4.73,
    "в": 4.54, "л": 4.40, "к": 3.49, "м": 3.21, "д": 2.98, "п": 2.81, "у": 2.62, "я": 2.01,
    "ы": 1.90, "ь": 1.74, "г": 1.70, "з": 1.65, "б": 1.59, "ч": 1.44, "й": 1.21, "х": 0.97,
    "ж": 0.94, "ш": 0.73, "ю": 0.64, "ц": 0.48, "щ": 0.36, "э": 0.32, "ф": 0.26, "ъ": 0.04,
    "ё": 0.20, "і": 2.0, "ї": 0.6, "є": 0.4, "ґ": 0.1, "ў": 0.5,
}  # fmt: skip
CYRILLIC_CHARSETS = ("cp1251", "koi8_r", "koi8_u", "iso8859_5", "cp866")
# Labels under which Russian text is often sent by mistake.
_LATIN_LABELS = {
    "ascii", "iso8859_1", "iso8859_15", "cp1252", "iso8859_2", "cp1250", "iso8859_9", "cp437",
}  # fmt: skip
_STATEFUL_7BIT = {"iso2022_jp", "iso2022_jp_2", "iso2022_kr", "utf_7", "hz"}
_TYPOGRAPHY = "№«»—–…“”„‘’•·°±§©€\u00a0"
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
GOOD_RUSSIAN = 3.5  # mean score per letter of real Russian text is ~5.5; mojibake scores < 3


@dataclasses.dataclass(frozen=True)
class Decoded:
    text: str
    charset: str
    problem: str = ""


def normalize_charset(label: str | None) -> str | None:
    """The codec name for a MIME charset label, or None when Python does not know it."""
    label = (label or "").strip().strip("\"'").lower()
    if not label or label in {"unknown-8bit", "x-unknown", "unknown", "default", "8bit"}:
        return None
    aliases = {"x-mac-cyrillic": "mac_cyrillic", "cp-1251": "cp1251", "win-1251": "cp1251"}
    label = aliases.get(label, label)
    try:
        return codecs.lookup(label).name.replace("-", "_")
    except LookupError:
        return None


def _is_junk_symbol(ch: str) -> bool:
    """Characters that a wrong code page produces and real text hardly ever contains."""
    code = ord(ch)
    if code < 0x80:
        return False
    return (
        0x80 <= code <= 0x9F  # C1 controls: latin-1 reading of cp1251/cp866 bytes
        or 0x2500 <= code <= 0x259F  # box drawing and blocks: cp866/koi8 pseudographics
        or 0xE000 <= code <= 0xF8FF  # private use
        or (not ch.isalpha() and not ch.isspace() and ch not in _TYPOGRAPHY)
    )


def russian_score(text: str) -> float:
    """Mean plausibility per letter of ``text`` as Russian: ~5.5 for real text, low for mojibake.

    Every non-ASCII letter counts; letters that Russian does not use score 0; a word that
    switches from lower to upper case inside (typical of a wrong code page) scores less, and a
    word mixing Latin and non-Latin letters ("Hеvard" from a misread "Håvard") scores nothing.
    """
    total = 0.0
    letters = 0
    for word in _WORD.findall(text):
        if word.isascii():
            continue
        mixed_script = any(c.isascii() for c in word)
        mixed_case = any(c.isupper() for c in word[1:]) and any(c.islower() for c in word)
        factor = 0.0 if mixed_script else (0.3 if mixed_case else 1.0)
        for ch in word:
            if ch.isascii():
                continue
            letters += 1
            total += _FREQ.get(ch.lower(), 0.0) * factor
    letters += sum(1 for ch in text if _is_junk_symbol(ch))
    return total / letters if letters else 0.0


def best_cyrillic(data: bytes) -> tuple[str, str, float]:
    """The Cyrillic single-byte charset that reads ``data`` best: (charset, text, score)."""
    best = ("", "", -1.0)
    for charset in CYRILLIC_CHARSETS:
        try:
            text = data.decode(charset)
        except UnicodeDecodeError:
            continue
        score = russian_score(text)
        if score > best[2] + 0.05:  # ties go to the earlier (more common) charset
            best = (charset, text, score)
    return best


def _strict(data: bytes, charset: str) -> str | None:
    try:
        return data.decode(charset)
    except (UnicodeDecodeError, LookupError):
        return None


def _looks_foreign(text: str) -> bool:
    """Text read with a Latin label that is really something else: mostly non-ASCII letters,
    or control characters from the C1 range."""
    if any(_is_junk_symbol(ch) for ch in text):
        return True
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return False
    return sum(1 for ch in letters if not ch.isascii()) / len(letters) > 0.4


def _implausible_utf8(text: str) -> bool:
    """Valid UTF-8 by accident: single-byte Cyrillic that decodes to rare scripts."""
    return any(ord(ch) > 0xFFFF or 0x3400 <= ord(ch) <= 0x9FFF for ch in text)


def _also(problem: str, more: str) -> str:
    return f"{problem}, {more}" if problem else f"no charset given, {more}"


def _damaged_utf8(data: bytes) -> str | None:
    """UTF-8 text with a few invalid bytes (a truncated sequence, a stray byte), or None."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ord(ch) > 0x7F and ch != "\ufffd")
    if bad and good >= 2 * bad and bad <= max(1, len(text) // 50):
        return text
    return None


def decode_bytes(data: bytes, declared: str | None = None) -> Decoded:
    """Readable text from ``data`` whose charset label (``declared``) may be wrong or missing."""
    codec = normalize_charset(declared)
    problem = f"unknown charset {declared!r}" if declared and codec is None else ""
    if not data:
        return Decoded("", codec or "ascii", problem)
    has_8bit = any(b >= 0x80 for b in data)
    if not has_8bit:
        if codec in _STATEFUL_7BIT:
            text = _strict(data, codec)
            if text is not None:
                return Decoded(text, codec, problem)
        return Decoded(data.decode("ascii"), codec or "ascii", problem)

    utf8 = _strict(data, "utf-8")
    if utf8 is not None and _implausible_utf8(utf8) and best_cyrillic(data)[2] >= GOOD_RUSSIAN:
        utf8 = None
    if utf8 is not None:
        mislabel = codec not in (None, "utf_8", "ascii")
        return Decoded(
            utf8, "utf_8", f"labelled {declared}, read as utf-8" if mislabel else problem
        )

    if codec is not None:
        text = _strict(data, codec)
        if text is not None:
            if codec in _LATIN_LABELS and _looks_foreign(text):
                charset, cyr, score = best_cyrillic(data)
                if score >= GOOD_RUSSIAN:
                    return Decoded(cyr, charset, f"labelled {declared}, read as {charset}")
            elif codec in CYRILLIC_CHARSETS:
                own = russian_score(text)
                charset, cyr, score = best_cyrillic(data)
                if charset != codec and score >= GOOD_RUSSIAN and score > own * 1.3:
                    return Decoded(cyr, charset, f"labelled {declared}, read as {charset}")
            return Decoded(text, codec, problem)
        # a few broken bytes in otherwise good text: keep the label, mark the damage
        replaced = data.decode(codec, errors="replace")
        if replaced.count("\ufffd") <= max(1, len(replaced) // 100):
            return Decoded(replaced, codec, f"invalid bytes for {declared}, replaced")

    damaged = _damaged_utf8(data)
    if damaged is not None:
        return Decoded(damaged, "utf_8", problem or "invalid UTF-8 bytes replaced")
    charset, cyr, score = best_cyrillic(data)
    if score >= GOOD_RUSSIAN:
        return Decoded(cyr, charset, _also(problem, f"read as {charset}"))
    western = _strict(data, "cp1252")
    if western is not None and not _looks_foreign(western):
        return Decoded(western, "cp1252", _also(problem, "read as cp1252"))
    guess = charset_normalizer.from_bytes(data).best()
    if guess is not None and guess.encoding:
        return Decoded(str(guess), guess.encoding, _also(problem, f"read as {guess.encoding}"))
    fallback = codec or "latin_1"
    return Decoded(data.decode(fallback, errors="replace"), fallback, problem or "charset unknown")
