"""Outgoing requests to addresses users typed in (feed sources, webhooks) must not reach the hub's own network.

The rule: resolve the host, check EVERY address it resolves to (loopback, private, link-local, CGNAT,
unique-local, IPv4-mapped loopback … are refused unless a configured network allows them), and then connect
to exactly the address that was checked, so a DNS answer that changes between check and connect (DNS
rebinding) cannot slip through. Numeric spellings (``2130706433``, ``0x7f.1``) are resolved like any name,
so they are checked as the address they really are. :func:`guarded_session` applies the rule to every
connection a ``requests`` session opens, redirects included; TLS still verifies the certificate against
the host name (SNI and Host header stay the name, only the socket goes to the checked address).
"""
from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import NameResolutionError
from urllib3.poolmanager import PoolManager

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class AddressRefused(Exception):
    """The host resolves to an address outside the public internet that no setting allows."""

    def __init__(self, host: str, address: str) -> None:
        super().__init__(f"{host} resolves to a non-public address")
        self.host = host
        self.address = address


@dataclass(frozen=True)
class AddressPolicy:
    """Which non-public networks may still be reached (intranet feeds, a local test receiver)."""

    allowed: tuple[IPNetwork, ...] = ()

    @classmethod
    def parse(cls, value: str) -> AddressPolicy:
        """``"10.20.0.0/16, 127.0.0.1"`` → a policy; raises ValueError on anything that is not a network."""
        return cls(tuple(ipaddress.ip_network(part.strip(), strict=False) for part in value.split(",") if part.strip()))

    def permits(self, address: IPAddress) -> bool:
        return is_public(address) or any(address.version == net.version and address in net for net in self.allowed)


def _embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (``::ffff:127.0.0.1``, 6to4, Teredo), if any."""
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    return address.ipv4_mapped or address.sixtofour or (address.teredo[1] if address.teredo else None)


def is_public(address: IPAddress) -> bool:
    """Globally routable unicast: not loopback, private, link-local, CGNAT, unique-local, reserved or multicast."""
    embedded = _embedded_ipv4(address)
    if embedded is not None:
        return is_public(embedded)
    return address.is_global and not address.is_multicast


def resolve(host: str, port: int) -> list[tuple[socket.AddressFamily, Any]]:
    """(family, sockaddr) for every address of ``host``; tests replace this to simulate DNS answers."""
    return [(family, sockaddr) for family, _type, _proto, _name, sockaddr in
            socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]


def checked_addresses(host: str, port: int, policy: AddressPolicy) -> list[str]:
    """The addresses of ``host`` (raises ``socket.gaierror`` if it has none), after checking every one of them."""
    addresses = list(dict.fromkeys(str(sockaddr[0]) for _family, sockaddr in resolve(host.strip("[]"), port)))
    for address in addresses:
        if not policy.permits(ipaddress.ip_address(address.split("%")[0])):
            raise AddressRefused(host, address)
    return addresses


class _PinnedConnection(HTTPConnection):
    """Connects to the first checked address of its host instead of resolving the name again."""

    def __init__(self, *args: Any, policy: AddressPolicy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.policy = policy

    def _new_conn(self) -> socket.socket:
        name = self._dns_host
        try:
            address = checked_addresses(name, self.port, self.policy)[0]
        except socket.gaierror as error:
            raise NameResolutionError(self.host, self, error) from error
        # urllib3 connects to ``_dns_host``; ``host`` (SNI, certificate check) is read after this returns.
        self._dns_host = address
        try:
            return super()._new_conn()
        finally:
            self._dns_host = name


class _PinnedHTTPSConnection(_PinnedConnection, HTTPSConnection):
    pass


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _PinnedConnection


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _PinnedHTTPSConnection


class _GuardedPoolManager(PoolManager):
    def __init__(self, policy: AddressPolicy, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.policy = policy
        self.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}

    def _new_pool(self, scheme: str, host: str, port: int, request_context: dict[str, Any] | None = None) -> HTTPConnectionPool:
        pool = super()._new_pool(scheme, host, port, request_context)
        pool.conn_kw["policy"] = self.policy
        return pool


class GuardedAdapter(HTTPAdapter):
    """A transport adapter whose every connection goes through :func:`checked_addresses`."""

    def __init__(self, policy: AddressPolicy) -> None:
        self.policy = policy
        super().__init__()

    def init_poolmanager(self, connections: int, maxsize: int, block: bool = False, **pool_kwargs: Any) -> None:
        self.poolmanager = _GuardedPoolManager(self.policy, num_pools=connections, maxsize=maxsize, block=block, **pool_kwargs)


def guarded_session(policy: AddressPolicy) -> requests.Session:
    """A ``requests`` session that only reaches permitted addresses. Environment proxies are ignored: a proxy
    would make the connection, and the check would see only the proxy's address."""
    session = requests.Session()
    session.trust_env = False
    adapter = GuardedAdapter(policy)
    for scheme in ("http://", "https://"):
        session.mount(scheme, adapter)
    return session

