"""Feeds and webhooks never reach the hub's own network: every resolved address and every redirect hop is
checked, the connection goes to the address that was checked, and intranet networks need an explicit setting.

The loopback test server stands in for the outside world where a test needs one answer: the setting then
allows exactly 127.0.0.1, and the addresses the test is about (other loopback spellings, private networks)
stay refused.
"""
from __future__ import annotations

import ipaddress
import socket
from typing import Any
from urllib.parse import quote

import pytest
import urllib3.util.connection

from hub import netguard
from hub.alerts.channels import DeliveryError, post_webhook
from hub.config import ConfigError
from hub.feeds.fetch import Fetcher, FetchSettings, HostThrottle
from hub.feeds.models import FeedProblem, PollFailed
from hub.netguard import AddressPolicy, AddressRefused, checked_addresses, is_public
from tests.test_feeds_fetch import TIMEOUT, FeedServer, feed_server  # noqa: F401

ONLY_THE_TEST_SERVER = AddressPolicy.parse("127.0.0.1/32")


def fetcher(policy: AddressPolicy = AddressPolicy()) -> Fetcher:
    return Fetcher(FetchSettings(timeout=TIMEOUT, host_delay=0, private_networks=policy), HostThrottle())


@pytest.fixture
def no_connections(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Fails the test if any socket connection is attempted; returns the attempts (none)."""
    attempts: list[Any] = []

    def refuse(address: Any, *args: Any, **kwargs: Any) -> None:
        attempts.append(address)
        raise AssertionError(f"a connection to {address} was made")

    monkeypatch.setattr(urllib3.util.connection, "create_connection", refuse)
    return attempts


def fake_dns(monkeypatch: pytest.MonkeyPatch, answers: dict[str, list[str]]) -> list[str]:
    """Replace the resolver: ``answers`` maps host names to addresses; returns the names asked for."""
    asked: list[str] = []

    def resolve(host: str, port: int) -> list[tuple[socket.AddressFamily, Any]]:
        asked.append(host)
        if host not in answers:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [(socket.AF_INET6 if ":" in ip else socket.AF_INET, (ip, port)) for ip in answers[host]]

    monkeypatch.setattr(netguard, "resolve", resolve)
    return asked


@pytest.mark.parametrize("address", [
    "127.0.0.1", "127.8.9.10", "10.1.2.3", "172.16.5.4", "192.168.1.1", "169.254.169.254", "100.64.0.1",
    "100.127.255.254", "0.0.0.0", "224.0.0.1", "::1", "::", "fc00::1", "fd12:3456::1", "fe80::1",
    "::ffff:127.0.0.1", "::ffff:10.0.0.1", "2002:7f00:1::", "2002:a00:1::",
])
def test_internal_addresses_are_not_public(address: str) -> None:
    assert not is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "::ffff:93.184.216.34"])
def test_internet_addresses_are_public(address: str) -> None:
    assert is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "2130706433", "0x7f.1", "0177.0.0.1", "::1", "::ffff:127.0.0.1"])
def test_every_spelling_of_loopback_is_checked_as_what_it_resolves_to(host: str) -> None:
    with pytest.raises(AddressRefused):
        checked_addresses(host, 80, AddressPolicy())


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:{port}/feeds/euregio-nieuws.rss",
    "http://localhost:{port}/feeds/euregio-nieuws.rss",
    "http://2130706433:{port}/feeds/euregio-nieuws.rss",
    "http://0x7f.1:{port}/feeds/euregio-nieuws.rss",
    "http://[::1]:{port}/feeds/euregio-nieuws.rss",
    "http://[::ffff:127.0.0.1]:{port}/feeds/euregio-nieuws.rss",
])
def test_without_the_setting_loopback_feeds_are_refused_before_connecting(
    feed_server: FeedServer, no_connections: list[Any], url: str,  # noqa: F811
) -> None:
    port = feed_server.base.rsplit(":", 1)[1]
    feed_server.requests.clear()
    with pytest.raises(PollFailed) as caught:
        fetcher().fetch(url.format(port=port))
    assert caught.value.problem == FeedProblem.PRIVATE_ADDRESS
    assert port not in caught.value.detail
    assert not no_connections and not feed_server.requests


@pytest.mark.parametrize("target", [
    "http://127.0.0.2:{port}/feeds/euregio-nieuws.rss",
    "http://[::1]:{port}/feeds/euregio-nieuws.rss",
    "http://2130706434:{port}/feeds/euregio-nieuws.rss",
    "http://169.254.169.254/latest/meta-data/",
    "http://10.0.0.1/feed",
])
def test_a_redirect_to_an_internal_address_is_refused(feed_server: FeedServer, target: str) -> None:  # noqa: F811
    port = feed_server.base.rsplit(":", 1)[1]
    start = feed_server.url("/redirect/to?url=" + quote(target.format(port=port), safe=""))
    feed_server.requests.clear()
    with pytest.raises(PollFailed) as caught:
        fetcher(ONLY_THE_TEST_SERVER).fetch(start)
    assert caught.value.problem == FeedProblem.PRIVATE_ADDRESS
    assert [path for path, _headers in feed_server.requests] == [start.removeprefix(feed_server.base)]


def test_a_host_name_resolving_to_a_private_address_is_refused_without_connecting(
    monkeypatch: pytest.MonkeyPatch, no_connections: list[Any],
) -> None:
    fake_dns(monkeypatch, {"intranet.example.org": ["10.20.30.40"], "mixed.example.org": ["93.184.216.34", "192.168.0.7"]})
    for url in ("https://intranet.example.org/feed.xml", "http://mixed.example.org/feed.xml"):
        with pytest.raises(PollFailed) as caught:
            fetcher().fetch(url)
        assert caught.value.problem == FeedProblem.PRIVATE_ADDRESS
        assert caught.value.detail == url.split("/")[2]
    assert not no_connections


def test_an_unknown_host_is_named_as_such(monkeypatch: pytest.MonkeyPatch, no_connections: list[Any]) -> None:
    fake_dns(monkeypatch, {})
    with pytest.raises(PollFailed) as caught:
        fetcher().fetch("https://nowhere.example.org/feed.xml")
    assert caught.value.problem == FeedProblem.UNKNOWN_HOST


def test_the_connection_goes_to_the_checked_address_and_keeps_the_host_name(
    feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch,  # noqa: F811
) -> None:
    """DNS rebinding: the name is resolved once per connection, and the socket goes to that checked answer,
    not to whatever a second lookup would say. The Host header still names the feed's host."""
    answers = iter([["127.0.0.1"], ["10.9.9.9"], ["10.9.9.9"]])
    asked: list[str] = []

    def rebinding(host: str, port: int) -> list[tuple[socket.AddressFamily, Any]]:
        asked.append(host)
        return [(socket.AF_INET, (ip, port)) for ip in next(answers)]

    monkeypatch.setattr(netguard, "resolve", rebinding)
    port = feed_server.base.rsplit(":", 1)[1]
    fetched = fetcher(ONLY_THE_TEST_SERVER).fetch(f"http://news.example.org:{port}/feeds/euregio-nieuws.rss")
    assert fetched.content
    assert asked == ["news.example.org"]
    assert feed_server.headers_of_last("/feeds/euregio-nieuws.rss")["host"] == f"news.example.org:{port}"


def test_with_the_setting_an_intranet_network_is_read(feed_server: FeedServer) -> None:  # noqa: F811
    assert fetcher(ONLY_THE_TEST_SERVER).fetch(feed_server.url("/feeds/euregio-nieuws.rss")).content


def test_the_setting_takes_networks_and_refuses_anything_else(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUB_FEEDS_PRIVATE_NETWORKS", "10.20.0.0/16, 127.0.0.1")
    policy = FetchSettings.from_config({}).private_networks
    assert policy.permits(ipaddress.ip_address("10.20.1.1")) and policy.permits(ipaddress.ip_address("127.0.0.1"))
    assert not policy.permits(ipaddress.ip_address("10.21.0.1")) and not policy.permits(ipaddress.ip_address("::1"))
    assert FetchSettings.from_config({}).private_networks != FetchSettings().private_networks
    assert not FetchSettings().private_networks.allowed
    monkeypatch.setenv("HUB_FEEDS_PRIVATE_NETWORKS", "intranet")
    with pytest.raises(ConfigError, match="HUB_FEEDS_PRIVATE_NETWORKS"):
        FetchSettings.from_config({})


def test_webhooks_follow_the_same_rule(monkeypatch: pytest.MonkeyPatch, no_connections: list[Any]) -> None:
    fake_dns(monkeypatch, {"hooks.example.org": ["100.64.12.1"], "six.example.org": ["fd00::7"]})
    for url in ("https://hooks.example.org/in", "https://six.example.org/in"):
        with pytest.raises(DeliveryError, match="non-public"):
            post_webhook(url, "secret", b"{}", key="k", event="e", timeout=1, allow_private=False)
    assert not no_connections


def test_https_connections_take_the_same_path(feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    """Over https the checked address is dialled too, and TLS then verifies against the host name: the plain-HTTP
    test server fails the handshake, named as a secure-connection problem."""
    port = feed_server.base.rsplit(":", 1)[1]
    asked = fake_dns(monkeypatch, {"news.example.org": ["127.0.0.1"]})
    with pytest.raises(PollFailed) as caught:
        fetcher(ONLY_THE_TEST_SERVER).fetch(f"https://news.example.org:{port}/feeds/euregio-nieuws.rss")
    assert caught.value.problem == FeedProblem.TLS and asked == ["news.example.org"]
    with pytest.raises(PollFailed) as refused:
        fetcher().fetch(f"https://news.example.org:{port}/feeds/euregio-nieuws.rss")
    assert refused.value.problem == FeedProblem.PRIVATE_ADDRESS


def test_webhooks_dial_the_checked_address_not_a_second_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    """DNS rebinding against webhooks: the name is resolved once, checked, and the socket goes to that address;
    the Host header and TLS keep the name. (The dial is intercepted: no connection leaves the machine.)"""
    asked = fake_dns(monkeypatch, {"hooks.example.org": ["93.184.216.34"]})
    dialled: list[tuple[str, int]] = []

    def dial(where: tuple[str, int], *args: Any) -> socket.socket:
        dialled.append(where)
        raise ConnectionRefusedError("intercepted")

    monkeypatch.setattr("hub.alerts.channels.socket.create_connection", dial)
    with pytest.raises(Exception, match="webhook"):
        post_webhook("https://hooks.example.org:8443/in", "secret", b"{}", key="k", event="e", timeout=1, allow_private=False)
    assert asked == ["hooks.example.org"]
    assert dialled == [("93.184.216.34", 8443)]
