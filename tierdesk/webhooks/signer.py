"""HMAC-SHA256 signatures of webhook payloads (plain functions; receivers may copy them).

Each request carries ``X-Tierdesk-Timestamp`` (Unix seconds) and ``X-Tierdesk-Signature:
sha256=<hex>``, the HMAC-SHA256 with the subscription's secret of ``"<timestamp>." + body``.
Signing the timestamp lets a receiver refuse replays of old requests.
"""

from __future__ import annotations

import hashlib
import hmac
import time

SIGNATURE_HEADER = "X-Tierdesk-Signature"
TIMESTAMP_HEADER = "X-Tierdesk-Timestamp"
DEFAULT_TOLERANCE = 300


def sign(secret: str, body: bytes, timestamp: int) -> str:
    message = str(int(timestamp)).encode() + b"." + body
    digest = hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify(
    secret: str,
    body: bytes,
    timestamp: str | int,
    signature: str,
    *,
    tolerance: int = DEFAULT_TOLERANCE,
    now: float | None = None,
) -> bool:
    """True when ``signature`` is ours for this body and the timestamp is fresh."""
    try:
        ts = int(timestamp)
    except (TypeError, ValueError):
        return False
    current = time.time() if now is None else now
    if abs(current - ts) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, body, ts), (signature or "").strip())
