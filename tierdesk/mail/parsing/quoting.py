"""Where quoted earlier correspondence starts in a plain-text reply (top-posting clients)."""

from __future__ import annotations

import re

_ATTRIBUTION = re.compile(
    r"^[^\n]{0,300}?("
    r"\bwrote:|\bschrieb:|пишет:|написал\(а\):|написала?:|писал\(а\):|написал:"
    r")[ \t]*$",
    re.I | re.M,
)
_ORIGINAL = re.compile(
    r"^[ \t]*-{2,}[ \t]*(Original Message|Исходное сообщение|Ursprüngliche Nachricht)"
    r"[ \t]*-{2,}[ \t]*$",
    re.I | re.M,
)
_OUTLOOK_HEADER = re.compile(
    r"^[ \t]*(?:_{5,}[ \t]*\n)?[ \t]*\*?(From|От|Von|De):\*?[ \t].*\n"
    r"(?:.*\n){0,2}?[ \t]*\*?(Sent|Date|Отправлено|Дата|Gesendet|Envoyé):\*?[ \t]",
    re.I | re.M,
)
_QUOTED_LINE = re.compile(r"^[ \t]*>")


def quoted_from(text: str) -> int | None:
    """Offset in ``text`` where the quoted history starts, or None. Only history that runs to
    the end of the message counts (an inline answer between quotes stays visible), and there
    must be some new text before it."""
    candidates = []
    for pattern in (_ATTRIBUTION, _ORIGINAL, _OUTLOOK_HEADER):
        match = pattern.search(text)
        if match:
            candidates.append(match.start())
    trailing = _trailing_quote_block(text)
    if trailing is not None:
        candidates.append(trailing)
    for start in sorted(candidates):
        if text[:start].strip():
            return start
    return None


def _trailing_quote_block(text: str) -> int | None:
    """Start of a block of "> " lines that runs to the end (blank lines allowed)."""
    lines = text.splitlines(keepends=True)
    offset = len(text)
    start = None
    for line in reversed(lines):
        offset -= len(line)
        if _QUOTED_LINE.match(line):
            start = offset
        elif line.strip():
            break
    return start


def split_quoted(text: str) -> tuple[str, str]:
    """(new text, quoted history) of a message, for display."""
    at = quoted_from(text)
    if at is None:
        return text, ""
    return text[:at].rstrip(), text[at:]
