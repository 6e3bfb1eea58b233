"""MIME structure → :class:`ParsedMessage`. Never raises for bad mail: what cannot be read is
listed in ``problems`` (the raw bytes are kept by the caller)."""

from __future__ import annotations

import base64
import binascii
import contextlib
import email
import email.policy
import hashlib
import mimetypes
import re
from email.message import Message

from tierdesk.mail.parsing import autodetect
from tierdesk.mail.parsing.charsets import decode_bytes
from tierdesk.mail.parsing.headers import (
    decode_header_value,
    first_address,
    parse_addresses,
    parse_date,
    parse_message_ids,
)
from tierdesk.mail.parsing.html import fold_quotes, html_to_text, sanitize_html, text_to_html
from tierdesk.mail.parsing.quoting import quoted_from
from tierdesk.mail.parsing.types import ParsedAttachment, ParsedMessage

MAX_DEPTH = 12
MAX_PARTS = 300
KEPT_HEADERS = (
    "from", "to", "cc", "reply-to", "subject", "date", "message-id", "in-reply-to", "references",
    "return-path", "auto-submitted", "precedence", "x-autoreply", "x-auto-response-suppress",
    "list-id", "x-mailer", "user-agent", "content-type", "x-failed-recipients", "x-loop",
    "x-tierdesk-ticket",
)  # fmt: skip
_EMAIL_POLICY = email.policy.compat32


class ParseError(Exception):
    """The bytes are not a mail message at all (kept as unprocessable)."""


def content_hash(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def read_message_id(raw: bytes) -> str:
    """The Message-ID alone, cheaply (headers only), for de-duplication before a full parse."""
    head, _sep, _body = raw.partition(b"\n\n")
    if len(head) == len(raw):
        head, _sep, _body = raw.partition(b"\r\n\r\n")
    try:
        headers = email.message_from_bytes(head + b"\n\n", policy=_EMAIL_POLICY)
        ids = parse_message_ids(headers.get("Message-ID"))
    except Exception:
        return ""
    return ids[0] if ids else ""


class _Walker:
    def __init__(self, parsed: ParsedMessage) -> None:
        self.parsed = parsed
        self.parts = 0
        self.bodies: list[tuple[str, str]] = []  # ("text" | "html", content)
        self.alt_text: list[str] = []  # plain alternatives of an HTML body

    def problem(self, text: str) -> None:
        if text not in self.parsed.problems:
            self.parsed.problems.append(text)

    def walk(self, part: Message, depth: int = 0) -> None:
        self.parts += 1
        if self.parts > MAX_PARTS:
            self.problem(f"more than {MAX_PARTS} MIME parts; the rest is only in the raw message")
            return
        if depth > MAX_DEPTH:
            self.problem("MIME nesting too deep; inner parts are only in the raw message")
            return
        ctype = part.get_content_type()
        if ctype.startswith("message/") or ctype == "text/rfc822-headers":
            self.attach(part, depth)
            return
        if ctype.startswith("multipart/") and not part.is_multipart():
            # declared multipart without usable boundaries: read what is there as text
            self.problem(f"{ctype} without parts; read as text")
            self.bodies.append(("text", self.text(part)))
            return
        if part.is_multipart():
            payload = part.get_payload()
            children = [c for c in payload if isinstance(c, Message)] if payload else []
            if ctype == "multipart/alternative":
                self.walk_alternative(children, depth)
            elif ctype in ("multipart/report",):
                for i, child in enumerate(children):
                    if i == 0:
                        self.walk(child, depth + 1)
                    else:
                        self.attach(child, depth)
            elif ctype == "multipart/digest":
                for child in children:
                    self.attach(child, depth)
            else:  # mixed, related, signed, anything unknown
                for child in children:
                    self.walk(child, depth + 1)
            return
        disposition = (part.get_content_disposition() or "").lower()
        is_text = ctype in ("text/plain", "text/html") and disposition != "attachment"
        if is_text and (
            not part.get_filename() or (disposition == "inline" and ctype == "text/html")
        ):
            self.bodies.append(("html" if ctype == "text/html" else "text", self.text(part)))
            return
        self.attach(part, depth)

    def walk_alternative(self, children: list[Message], depth: int) -> None:
        plain = [c for c in children if c.get_content_type() == "text/plain"]
        rich = [c for c in children if c.get_content_type() == "text/html" or c.is_multipart()]
        if rich:
            before = len(self.bodies)
            self.walk(rich[-1], depth + 1)
            if plain:
                self.alt_text.append(self.text(plain[0]))
            if len(self.bodies) > before:
                return
        if plain:
            self.bodies.append(("text", self.text(plain[-1])))
        for child in children:
            if child not in plain and child not in rich:
                self.attach(child, depth)

    def text(self, part: Message) -> str:
        data = self.payload(part)
        declared = part.get_content_charset() or part.get_param("charset") or None
        decoded = decode_bytes(data, declared if isinstance(declared, str) else None)
        if decoded.problem:
            self.problem(f"{part.get_content_type()}: {decoded.problem}")
        return decoded.text.replace("\r\n", "\n").replace("\r", "\n")

    def payload(self, part: Message) -> bytes:
        if part.is_multipart():  # message/delivery-status: a list of header blocks
            blocks = part.get_payload()
            assert isinstance(blocks, list)
            return b"".join(_block_bytes(b) for b in blocks).strip() + b"\n"
        cte = str(part.get("Content-Transfer-Encoding", "")).strip().lower()
        if cte in ("x-uuencode", "uuencode", "uue", "x-uue"):
            raw = part.get_payload(decode=False)
            if isinstance(raw, str):
                return _uudecode(raw)
        try:
            data = part.get_payload(decode=True)
        except Exception as exc:  # broken base64 / uuencode: keep the undecoded text
            self.problem(f"undecodable {part.get('Content-Transfer-Encoding', '')} ({exc})")
            raw = part.get_payload(decode=False)
            return raw.encode("ascii", "surrogateescape") if isinstance(raw, str) else b""
        if part.defects:
            for defect in part.defects:
                self.problem(f"{part.get_content_type()}: {type(defect).__name__}")
        if data is None:
            return b""
        if cte == "base64" and isinstance(data, bytes):
            raw = part.get_payload(decode=False)
            if isinstance(raw, str) and raw.strip().encode("ascii", "replace") == data.strip():
                # the standard decoder gave up and returned the encoded text
                self.problem("broken base64, decoded leniently")
                return _lenient_b64(raw)
        return data if isinstance(data, bytes) else str(data).encode("utf-8", "surrogateescape")

    def attach(self, part: Message, depth: int) -> None:
        ctype = part.get_content_type()
        if ctype.startswith("message/") and ctype != "message/delivery-status":
            data, inner_subject = self.message_bytes(part)
            ids = _returned_ids(part)
            for mid in ids:
                if mid not in self.parsed.returned_message_ids:
                    self.parsed.returned_message_ids.append(mid)
            name = self.filename(part) or f"{inner_subject or 'message'}.eml"
        else:
            data = self.payload(part)
            if ctype == "text/rfc822-headers":
                for mid in parse_message_ids(_header_in(data, b"message-id")):
                    if mid not in self.parsed.returned_message_ids:
                        self.parsed.returned_message_ids.append(mid)
            name = self.filename(part) or _invent_name(ctype, part)
        content_id = parse_message_ids(str(part.get("Content-ID") or ""))
        disposition = (part.get_content_disposition() or "").lower()
        cid = content_id[0].strip("<>") if content_id else ""
        inline = (bool(cid) and disposition != "attachment") or disposition == "inline"
        self.parsed.attachments.append(
            ParsedAttachment(
                filename=name,
                content_type=ctype,
                data=data,
                content_id=cid,
                inline=inline and ctype.startswith("image/"),
            )
        )

    def message_bytes(self, part: Message) -> tuple[bytes, str]:
        payload = part.get_payload()
        inner = payload[0] if isinstance(payload, list) and payload else None
        if isinstance(inner, Message):
            subject = decode_header_value(raw_headers(inner).get("subject", [""])[0])
            try:
                return inner.as_bytes(policy=_EMAIL_POLICY), subject
            except Exception:
                return str(inner).encode("utf-8", "surrogateescape"), subject
        return self.payload(part), ""

    def filename(self, part: Message) -> str:
        try:
            name = part.get_filename()
        except Exception:
            return ""
        if not name:
            return ""
        return decode_header_value(str(name), self.parsed.problems).strip()


def _lenient_b64(text: str) -> bytes:
    """Base64 that survives stray characters, missing padding and a truncated end."""
    data = text.encode("ascii", "ignore")
    try:
        return binascii.a2b_base64(data)  # skips characters outside the alphabet
    except binascii.Error:
        pass
    clean = re.sub(rb"[^A-Za-z0-9+/]", b"", data)
    clean = clean[: len(clean) - (len(clean) % 4 == 1)]
    clean += b"=" * (-len(clean) % 4)
    try:
        return base64.b64decode(clean)
    except (binascii.Error, ValueError):
        return b""


def _uudecode(text: str) -> bytes:
    """uuencoded data, with or without its ``begin``/``end`` lines, LF or CRLF."""
    out = bytearray()
    for line in text.replace("\r", "").split("\n"):
        if not line or line.startswith("begin ") or line.strip() in ("end", "`"):
            continue
        try:
            out += binascii.a2b_uu(line)
        except binascii.Error:
            # some encoders miscount the padding; trust the length byte
            nbytes = (((ord(line[0]) - 32) & 63) * 4 + 5) // 3
            with contextlib.suppress(binascii.Error):
                out += binascii.a2b_uu(line[:nbytes])
    return bytes(out)


def _block_bytes(block: Message | str) -> bytes:
    try:
        text = block.as_string(policy=_EMAIL_POLICY) if isinstance(block, Message) else block
    except Exception:
        text = str(block)
    return text.encode("utf-8", "surrogateescape")


def raw_headers(msg: Message) -> dict[str, list[str]]:
    """Header values as they came (8-bit bytes kept as surrogates), by lower-case name."""
    found: dict[str, list[str]] = {}
    for name, value in msg.raw_items():
        found.setdefault(name.lower(), []).append(str(value))
    return found


def _returned_ids(part: Message) -> list[str]:
    payload = part.get_payload()
    inner = payload[0] if isinstance(payload, list) and payload else None
    if isinstance(inner, Message):
        return parse_message_ids(raw_headers(inner).get("message-id", [""])[0])
    return []


def _header_in(data: bytes, name: bytes) -> str:
    for line in data.splitlines():
        if line.lower().startswith(name + b":"):
            return line.split(b":", 1)[1].decode("ascii", "replace")
    return ""


def _invent_name(ctype: str, part: Message) -> str:
    if ctype == "message/delivery-status":
        return "delivery-status.txt"
    description = decode_header_value(str(part.get("Content-Description") or ""))[:60].strip()
    ext = mimetypes.guess_extension(ctype) or ".bin"
    return f"{description or 'attachment'}{ext}"


def parse_message(raw: bytes) -> ParsedMessage:
    """Parse ``raw`` (an RFC 822 message, LF or CRLF). Raises ParseError only when the bytes
    are not a message at all; everything else is read as well as possible."""
    if not raw or not raw.strip():
        raise ParseError("empty message")
    try:
        msg = email.message_from_bytes(raw, policy=_EMAIL_POLICY)
    except RecursionError as exc:
        raise ParseError("MIME structure nested too deeply to read") from exc
    parsed = ParsedMessage(size=len(raw))
    problems = parsed.problems
    if not msg.keys():
        raise ParseError("no mail headers found")
    for defect in msg.defects:
        problems.append(f"message: {type(defect).__name__}")

    hdrs = raw_headers(msg)

    def first(name: str) -> str | None:
        values = hdrs.get(name)
        return values[0] if values else None

    def header(name: str) -> str:
        value = first(name)
        return decode_header_value(value, problems) if value is not None else ""

    parsed.headers = {name: header(name) for name in KEPT_HEADERS if name in hdrs}
    parsed.subject = header("subject")
    parsed.from_name, parsed.from_email = first_address(first("from"), problems)
    if not parsed.from_email:
        parsed.from_name, parsed.from_email = first_address(first("sender"), problems)
    parsed.reply_to = first_address(first("reply-to"), problems)[1]
    parsed.to = [a for _n, a in parse_addresses(",".join(hdrs.get("to", [])), problems)]
    parsed.cc = [a for _n, a in parse_addresses(",".join(hdrs.get("cc", [])), problems)]
    parsed.date = parse_date(first("date"))
    ids = parse_message_ids(first("message-id"))
    parsed.message_id = ids[0] if ids else ""
    replies = parse_message_ids(first("in-reply-to"))
    parsed.in_reply_to = replies[0] if replies else ""
    parsed.references = parse_message_ids(first("references"))
    return_path = first("return-path")
    parsed.return_path = None if return_path is None else str(return_path).strip()

    walker = _Walker(parsed)
    try:
        walker.walk(msg)
    except RecursionError:
        problems.append("MIME structure nested too deeply; read partly")
    _assemble_body(parsed, walker)

    verdict = autodetect.classify(
        header=lambda n: parsed.headers.get(n) or header(n),
        content_type=msg.get_content_type(),
        report_type=str(msg.get_param("report-type") or ""),
        from_email=parsed.from_email,
        return_path=parsed.return_path,
        subject=parsed.subject,
    )
    parsed.is_auto, parsed.auto_kind, parsed.auto_reason = (
        verdict.is_auto,
        verdict.kind,
        verdict.reason,
    )
    return parsed


def _assemble_body(parsed: ParsedMessage, walker: _Walker) -> None:
    bodies = walker.bodies
    has_html = any(kind == "html" for kind, _ in bodies)
    if has_html:
        html = "".join(
            content if kind == "html" else text_to_html(content) for kind, content in bodies
        )
        parsed.html = fold_quotes(sanitize_html(html))
        only_alternative = len(bodies) == 1 and walker.alt_text
        parsed.text = (walker.alt_text[0] if only_alternative else html_to_text(html)).strip("\n")
    else:
        parsed.text = "\n\n".join(content.strip("\n") for _, content in bodies if content.strip())
    if not parsed.text.strip() and not parsed.html:
        parsed.text = ""
    parsed.quoted_from = quoted_from(parsed.text)
