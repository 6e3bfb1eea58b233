"""Header decoding: encoded-words with lying charsets, raw 8-bit headers, addresses, IDs."""

from __future__ import annotations

import datetime as dt
import email.header
import email.utils
import re

from tierdesk.mail.parsing.charsets import decode_bytes

_FOLD = re.compile(r"\r?\n(?=[ \t])")
_ADDR = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_MSGID = re.compile(r"<([^<>\s]+)>")


def _decode_raw(value: str) -> str:
    """A header part without encoded-words: raw 8-bit bytes are read with the charset rules."""
    try:
        data = value.encode("ascii", "surrogateescape")
    except UnicodeEncodeError:
        return value  # already text (non-ASCII str that did not come from bytes)
    if all(b < 0x80 for b in data):
        return value
    return decode_bytes(data, None).text


def decode_header_value(value: str | None, problems: list[str] | None = None) -> str:
    """Readable text of a header value: unfolded, encoded-words decoded with a charset check,
    raw 8-bit text decoded, whitespace between adjacent encoded-words dropped (RFC 2047)."""
    if value is None:
        return ""
    value = _FOLD.sub("", str(value))
    if "=?" not in value:
        return " ".join(_decode_raw(value).split())
    try:
        parts = email.header.decode_header(value)
    except Exception:  # a broken encoded-word: keep the raw text readable
        if problems is not None:
            problems.append("broken encoded-word in a header")
        return " ".join(_decode_raw(value).split())
    out: list[str] = []
    for chunk, charset in parts:
        if isinstance(chunk, str):
            out.append(_decode_raw(chunk))
            continue
        if charset is None:
            out.append(_decode_raw(chunk.decode("ascii", "surrogateescape")))
            continue
        decoded = decode_bytes(chunk, charset)
        if decoded.problem and problems is not None:
            problems.append(f"header: {decoded.problem}")
        out.append(decoded.text)
    text = "".join(out)
    return " ".join(text.split())


def parse_addresses(value: str | None, problems: list[str] | None = None) -> list[tuple[str, str]]:
    """(display name, address) pairs. Addresses are split on the raw header, so a comma inside
    an encoded display name ("Foo, Bar") does not split the address."""
    if not value:
        return []
    raw = _FOLD.sub("", str(value))
    pairs = email.utils.getaddresses([raw])
    result: list[tuple[str, str]] = []
    for name, address in pairs:
        address = address.strip().strip("<>").strip()
        if "@" not in address:
            continue
        result.append((decode_header_value(name, problems).strip(" \"'"), address.lower()))
    if not result:
        # broken mailers encode the whole "Name <address>" as one encoded-word; and some
        # headers the strict parser rejects: decode first, then look for addresses
        decoded = decode_header_value(raw)
        for name, address in email.utils.getaddresses([decoded]):
            if "@" in address:
                result.append((name.strip(" \"'"), address.strip("<> ").lower()))
        if not result:
            result = [("", found.lower()) for found in _ADDR.findall(decoded)]
    return result


def first_address(value: str | None, problems: list[str] | None = None) -> tuple[str, str]:
    found = parse_addresses(value, problems)
    return found[0] if found else ("", "")


def parse_message_ids(value: str | None) -> list[str]:
    """Message-IDs in a header, in order, each as ``<id>``. Tolerates IDs without brackets."""
    if not value:
        return []
    text = _FOLD.sub(" ", str(value))
    found = [f"<{m}>" for m in _MSGID.findall(text)]
    if not found:
        bare = text.strip()
        if bare and " " not in bare and "@" in bare:
            found = [f"<{bare.strip('<>')}>"]
    seen: list[str] = []
    for mid in found:
        if mid not in seen and len(mid) <= 998:
            seen.append(mid)
    return seen


def parse_date(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(str(value).strip())
    except (TypeError, ValueError, IndexError):
        return None
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed
