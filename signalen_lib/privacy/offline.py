"""Offline guarantees: a tldextract that never fetches, and a guard that refuses sockets.

presidio's e-mail recognizer calls ``tldextract.extract``, whose default extractor downloads the
public suffix list on first use (and writes a cache in the home folder). We use our own
extractor built on the snapshot bundled with tldextract: ``suffix_list_urls=()`` and
``cache_dir=None``, so neither the network nor the home folder is touched.
"""
from __future__ import annotations

import contextlib
import functools
import socket
from typing import Iterator


@functools.lru_cache(maxsize=1)
def offline_tldextract():
    import tldextract

    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)


def has_known_suffix(domain: str) -> bool:
    """True when the domain ends in a suffix of the bundled public suffix list ("nl", "co.uk")."""
    res = offline_tldextract()(domain)
    return bool(res.suffix) and bool(res.domain)


class NetworkAccessError(RuntimeError):
    pass


@contextlib.contextmanager
def no_network() -> Iterator[list]:
    """Within the block every attempt to open or connect a socket raises NetworkAccessError and is
    recorded in the yielded list (tests use this to prove masking is offline)."""
    attempts: list = []
    real_socket = socket.socket
    real_create = socket.create_connection
    real_getaddrinfo = socket.getaddrinfo

    class GuardSocket(real_socket):  # type: ignore[misc, valid-type]
        def connect(self, address):  # noqa: D401
            attempts.append(("connect", address))
            raise NetworkAccessError(f"network access attempted: {address!r}")

        def connect_ex(self, address):
            attempts.append(("connect_ex", address))
            raise NetworkAccessError(f"network access attempted: {address!r}")

    def guard_create(address, *a, **k):
        attempts.append(("create_connection", address))
        raise NetworkAccessError(f"network access attempted: {address!r}")

    def guard_getaddrinfo(host, *a, **k):
        attempts.append(("getaddrinfo", host))
        raise NetworkAccessError(f"name lookup attempted: {host!r}")

    socket.socket = GuardSocket  # type: ignore[misc]
    socket.create_connection = guard_create  # type: ignore[assignment]
    socket.getaddrinfo = guard_getaddrinfo  # type: ignore[assignment]
    try:
        yield attempts
    finally:
        socket.socket = real_socket  # type: ignore[misc]
        socket.create_connection = real_create  # type: ignore[assignment]
        socket.getaddrinfo = real_getaddrinfo  # type: ignore[assignment]
