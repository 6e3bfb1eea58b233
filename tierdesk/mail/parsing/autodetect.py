"""Is a message from a machine? Bounces, auto-replies and bulk mail must never be answered
automatically (RFC 3834), or two robots answer each other for ever."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable

BOUNCE = "bounce"
AUTO_REPLY = "auto_reply"
BULK = "bulk"

_DAEMON = re.compile(r"^(mailer-daemon|postmaster|mail-daemon|mailerdaemon)@", re.I)
_NOREPLY = re.compile(r"^(no-?reply|do-?not-?reply|bounces?)[@+-]", re.I)
_BOUNCE_SUBJECT = re.compile(
    r"^(undeliver(ed|able)|delivery (status notification|failure|has failed)|"
    r"returned mail|mail delivery (failed|system)|failure notice|"
    r"недоставленное сообщение|не удается доставить|не доставлено)",
    re.I,
)
_AUTOREPLY_SUBJECT = re.compile(
    r"^(auto(matic)?[ -]?(reply|response|antwort)|out of (the )?office|abwesenheitsnotiz|"
    r"автоответ|автоматический ответ|нет на месте|в отпуске|отсутств)",
    re.I,
)


@dataclasses.dataclass(frozen=True)
class AutoVerdict:
    kind: str = ""  # "", "bounce", "auto_reply", "bulk"
    reason: str = ""

    @property
    def is_auto(self) -> bool:
        return bool(self.kind)


def classify(
    *,
    header: Callable[[str], str],
    content_type: str,
    report_type: str,
    from_email: str,
    return_path: str | None,
    subject: str,
) -> AutoVerdict:
    """Decide from the headers (``header(name)`` returns the decoded value or "")."""
    ctype = content_type.lower()
    if ctype == "multipart/report":
        if report_type.lower() in ("disposition-notification",):
            return AutoVerdict(AUTO_REPLY, "read receipt (multipart/report)")
        return AutoVerdict(BOUNCE, f"delivery report (multipart/report; {report_type or '?'})")
    if _DAEMON.match(from_email or ""):
        return AutoVerdict(BOUNCE, f"sent by {from_email}")
    if return_path is not None and return_path.strip() in ("", "<>"):
        if _BOUNCE_SUBJECT.match(subject or ""):
            return AutoVerdict(BOUNCE, "empty return path, delivery failure subject")
        return AutoVerdict(AUTO_REPLY, "empty return path (Return-Path: <>)")
    auto_submitted = header("auto-submitted").strip().lower()
    if auto_submitted and auto_submitted != "no":
        if _BOUNCE_SUBJECT.match(subject or ""):
            return AutoVerdict(BOUNCE, f"Auto-Submitted: {auto_submitted}, failure subject")
        kind = AUTO_REPLY if auto_submitted.startswith("auto-replied") else BULK
        return AutoVerdict(kind, f"Auto-Submitted: {auto_submitted}")
    for name in ("x-autoreply", "x-autorespond", "x-autoresponse"):
        if header(name):
            return AutoVerdict(AUTO_REPLY, f"{name}: {header(name)[:40]}")
    suppress = header("x-auto-response-suppress").lower()
    if suppress and any(v in suppress for v in ("all", "oof", "autoreply")):
        return AutoVerdict(BULK, f"X-Auto-Response-Suppress: {suppress[:40]}")
    precedence = header("precedence").strip().lower()
    if precedence in ("bulk", "junk", "list", "auto_reply"):
        kind = AUTO_REPLY if precedence == "auto_reply" else BULK
        return AutoVerdict(kind, f"Precedence: {precedence}")
    if header("x-failed-recipients"):
        return AutoVerdict(BOUNCE, "X-Failed-Recipients")
    if _BOUNCE_SUBJECT.match(subject or "") and (
        _NOREPLY.match(from_email or "") or "delivery" in (from_email or "").lower()
    ):
        return AutoVerdict(BOUNCE, "delivery failure subject from a robot address")
    if _AUTOREPLY_SUBJECT.match(subject or ""):
        return AutoVerdict(AUTO_REPLY, "out-of-office subject")
    if header("list-id") or header("list-unsubscribe"):
        return AutoVerdict(BULK, "mailing list (List-Id / List-Unsubscribe)")
    if header("feedback-type") or header("x-loop"):
        return AutoVerdict(BULK, "feedback report or X-Loop")
    return AutoVerdict()
