"""The HTTP POST of one delivery attempt, connected to the address the SSRF guard checked."""

from __future__ import annotations

import dataclasses
import http.client
import socket
import ssl
import time
from urllib.parse import urlsplit

from tierdesk.webhooks.ssrf import IPAddress, check_target

MAX_RESPONSE_BYTES = 64 * 1024


@dataclasses.dataclass(frozen=True)
class Result:
    status_code: int | None
    error: str
    body_excerpt: str
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, ip: IPAddress, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._ip = str(ip)

    def connect(self) -> None:
        self.sock = socket.create_connection((self._ip, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, ip: IPAddress, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._ip = str(ip)

    def connect(self) -> None:
        sock = socket.create_connection((self._ip, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def post(
    url: str,
    body: bytes,
    headers: dict[str, str],
    *,
    allow_private: bool,
    timeout: float = 10.0,
) -> Result:
    """POST ``body`` to ``url``; never raises for network trouble (it is in the result)."""
    started = time.monotonic()

    def done(status: int | None, error: str = "", excerpt: str = "") -> Result:
        elapsed = int((time.monotonic() - started) * 1000)
        return Result(status, error[:500], excerpt, elapsed)

    try:
        scheme, host, port, addresses = check_target(url, allow_private=allow_private)
    except Exception as exc:  # refused by the SSRF guard or unresolvable
        return done(None, str(exc))
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    last_error = ""
    for ip in addresses:
        cls = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
        conn = cls(host, port, ip, timeout)
        try:
            conn.request("POST", target, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read(MAX_RESPONSE_BYTES)
            return done(response.status, "", data.decode("utf-8", "replace")[:1000])
        except (OSError, http.client.HTTPException) as exc:
            last_error = f"{type(exc).__name__}: {exc}"
        finally:
            conn.close()
    return done(None, last_error or "no address answered")
