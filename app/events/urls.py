"""Which webhook URLs are allowed: http(s) only, and by default no loopback, private,
link-local or otherwise internal address (checked at creation and again at delivery, after
DNS resolution)."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

MAX_URL_LENGTH = 2000


def _internal(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def url_problem(url: str, allow_private: bool) -> str | None:
    """Why `url` may not receive webhooks, or None."""
    if len(url) > MAX_URL_LENGTH:
        return f"must be at most {MAX_URL_LENGTH} characters"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "must be a valid URL"
    del port
    if parts.scheme not in ("http", "https"):
        return "must be an http or https URL"
    host = parts.hostname
    if not host:
        return "must name a host"
    if allow_private:
        return None
    if host == "localhost" or host.endswith(".localhost"):
        return "must not point at a loopback or private address"
    try:
        internal = _internal(host)
    except ValueError:
        return None  # a name: checked again once resolved, at delivery
    return "must not point at a loopback or private address" if internal else None


async def resolved_problem(url: str, allow_private: bool) -> str | None:
    """At delivery: the URL's host may not resolve to an internal address."""
    problem = url_problem(url, allow_private)
    if problem is not None or allow_private:
        return problem
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(
            host, parts.port or (443 if parts.scheme == "https" else 80), type=socket.SOCK_STREAM
        )
    except OSError:
        return f"cannot resolve {host}"
    if any(_internal(str(info[4][0])) for info in infos):
        return "resolves to a loopback or private address"
    return None
