"""SSRF guard: webhook targets must be public unless an administrator allows private ones.

The host is resolved once per request and the connection goes to exactly the addresses that
were checked (no second lookup a DNS-rebinding attacker could answer differently); redirects
are never followed.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from tierdesk.core.errors import InvalidInput

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class TargetRefused(InvalidInput):
    code = "target_refused"


def is_public(ip: IPAddress) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return is_public(ip.ipv4_mapped)
    return bool(
        ip.is_global
        and not ip.is_private
        and not ip.is_loopback
        and not ip.is_link_local
        and not ip.is_multicast
        and not ip.is_reserved
        and not ip.is_unspecified
    )


def split_target(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of an http(s) URL, or TargetRefused."""
    try:
        parts = urlsplit((url or "").strip())
        port = parts.port
    except ValueError as exc:
        raise TargetRefused(f"Not a valid URL: {url!r}.", field="url") from exc
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"}:
        raise TargetRefused("A webhook target must be an http:// or https:// URL.", field="url")
    host = parts.hostname or ""
    if not host:
        raise TargetRefused("The webhook URL has no host.", field="url")
    if parts.username or parts.password:
        raise TargetRefused("Put no credentials in the webhook URL; it is signed.", field="url")
    return scheme, host, port or (443 if scheme == "https" else 80)


def resolve(host: str, port: int) -> list[IPAddress]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise TargetRefused(f"The host {host!r} does not resolve.", field="url") from exc
    addresses: list[IPAddress] = []
    for info in infos:
        ip = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if ip not in addresses:
            addresses.append(ip)
    if not addresses:
        raise TargetRefused(f"The host {host!r} does not resolve.", field="url")
    return addresses


def check_target(url: str, *, allow_private: bool) -> tuple[str, str, int, list[IPAddress]]:
    """Resolve the URL's host and refuse it when an address is not public (unless allowed)."""
    scheme, host, port = split_target(url)
    addresses = resolve(host, port)
    if not allow_private:
        private = [str(ip) for ip in addresses if not is_public(ip)]
        if private:
            raise TargetRefused(
                f"{host} resolves to a private, loopback or reserved address "
                f"({', '.join(private)}); an administrator must allow private targets for "
                "this subscription.",
                field="url",
            )
    return scheme, host, port, addresses
