"""Fetching feeds: conditional GET, timeouts, size limit, redirects, local files and the per-host delay.

Also home of ``feed_server``, the loopback HTTP server the other feed tests import: it serves the
sample feeds in ``tests/fixtures/feeds`` with ETag and Last-Modified, plus misbehaving endpoints.
"""
from __future__ import annotations

import hashlib
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from hub.config import ConfigError
from hub.feeds.fetch import Fetcher, FetchSettings, HostThrottle
from hub.feeds.models import FeedProblem, PollFailed
from hub.netguard import AddressPolicy

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "feeds"
LAST_MODIFIED = "Fri, 20 Nov 2026 15:05:00 GMT"
TIMEOUT = 0.4
MAX_BYTES = 64_000
# The test server listens on loopback, which feeds may only reach when a setting allows it.
LOOPBACK = "127.0.0.0/8"
CONTENT_TYPES = {".rss": "application/rss+xml; charset=utf-8", ".atom": "application/atom+xml", ".rdf": "application/rdf+xml",
                 ".html": "text/html; charset=utf-8", ".xml": "application/xml"}


def big_feed(items: int = 400) -> bytes:
    """A valid RSS feed well over ``MAX_BYTES``."""
    body = "".join(f"<item><title>Bericht {i}</title><description>{'Grensarbeid in Twente. ' * 10}</description></item>"
                   for i in range(items))
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Groot</title>{body}</channel></rss>'.encode()


class FeedServer:
    """What the handler serves and what it was asked; ``routes`` lets a test point one path at another
    ("/current" → "/feeds/euregio-nieuws.rss", later → "/status/500")."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.routes: dict[str, str] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []

    def url(self, path: str) -> str:
        return self.base + path

    def headers_of_last(self, path: str) -> dict[str, str]:
        return [headers for seen, headers in self.requests if seen == path][-1]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: object) -> None:  # keep the test output clean
        pass

    def do_GET(self) -> None:
        hub = self.server.hub
        hub.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
        path = urlsplit(self.path).path
        path = hub.routes.get(path, path)
        if path.startswith("/feeds/"):
            self._serve_file(FIXTURES / path.removeprefix("/feeds/"))
        elif path.startswith("/status/"):
            self._send(int(path.rsplit("/", 1)[1]), b"<html><body>error</body></html>", "text/html")
        elif path == "/redirect/temporary":
            self._redirect(302, "/feeds/euregio-nieuws.rss")
        elif path == "/redirect/permanent":
            self._redirect(301, "/feeds/grenzland-nachrichten.atom")
        elif path == "/redirect/loop":
            self._redirect(302, "/redirect/loop")
        elif path.startswith("/redirect/chain/"):
            left = int(path.rsplit("/", 1)[1])
            self._redirect(302, f"/redirect/chain/{left - 1}" if left else "/feeds/euregio-nieuws.rss")
        elif path == "/redirect/to":
            self._redirect(302, parse_qs(urlsplit(self.path).query)["url"][0])
        elif path == "/redirect/ftp":
            self._redirect(302, "ftp://ftp.example.org/feed.rss")
        elif path == "/slow":
            time.sleep(TIMEOUT * 3)
            self._serve_file(FIXTURES / "euregio-nieuws.rss")
        elif path == "/trickle":
            self._trickle()
        elif path == "/empty":
            self._send(200, b"", "application/rss+xml")
        elif path == "/big":
            self._send(200, big_feed(), "application/rss+xml")
        elif path == "/big-unannounced":
            self._send(200, big_feed(), "application/rss+xml", announce_length=False)
        else:
            self._send(404, b"not here", "text/plain")

    def _serve_file(self, file: Path) -> None:
        if not file.is_file():
            self._send(404, b"not here", "text/plain")
            return
        content = file.read_bytes()
        etag = '"' + hashlib.sha1(content).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag or (
            "If-None-Match" not in self.headers and self.headers.get("If-Modified-Since") == LAST_MODIFIED
        ):
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self._send(200, content, CONTENT_TYPES.get(file.suffix, "application/octet-stream"),
                   {"ETag": etag, "Last-Modified": LAST_MODIFIED})

    def _send(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None,
              announce_length: bool = True) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        if announce_length:
            self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, status: int, location: str) -> None:
        self.send_response(status)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _trickle(self) -> None:
        """Headers at once, then the body a few bytes at a time: every read is quick, the whole is too slow."""
        body = (FIXTURES / "euregio-nieuws.rss").read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            for start in range(0, len(body), 64):
                self.wfile.write(body[start:start + 64])
                self.wfile.flush()
                time.sleep(TIMEOUT / 4)
        except OSError:  # the client gave up, as it should
            pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    hub: FeedServer


@pytest.fixture(scope="module")
def feed_server() -> Iterator[FeedServer]:
    server = _Server(("127.0.0.1", 0), _Handler)
    server.hub = FeedServer(f"http://127.0.0.1:{server.server_port}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.hub
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def fetcher() -> Fetcher:
    return Fetcher(FetchSettings(timeout=TIMEOUT, max_bytes=MAX_BYTES, host_delay=0, max_redirects=3,
                                 private_networks=AddressPolicy.parse(LOOPBACK)), HostThrottle())


def failure_of(fetcher: Fetcher, url: str) -> PollFailed:
    with pytest.raises(PollFailed) as caught:
        fetcher.fetch(url)
    return caught.value


def test_conditional_get_sends_the_validators_and_takes_304(feed_server: FeedServer, fetcher: Fetcher) -> None:
    url = feed_server.url("/feeds/euregio-nieuws.rss")
    first = fetcher.fetch(url)
    assert first.content == (FIXTURES / "euregio-nieuws.rss").read_bytes()
    assert first.etag and first.last_modified == LAST_MODIFIED
    assert first.content_type == "application/rss+xml; charset=utf-8"

    again = fetcher.fetch(url, etag=first.etag, last_modified=first.last_modified)
    assert again.content is None
    sent = feed_server.headers_of_last("/feeds/euregio-nieuws.rss")
    assert sent["if-none-match"] == first.etag
    assert sent["if-modified-since"] == LAST_MODIFIED
    assert "Grenshub" in sent["user-agent"]

    only_date = fetcher.fetch(url, last_modified=LAST_MODIFIED)
    assert only_date.content is None


@pytest.mark.parametrize("status", [404, 500])
def test_error_statuses_fail_with_the_status(feed_server: FeedServer, fetcher: Fetcher, status: int) -> None:
    failure = failure_of(fetcher, feed_server.url(f"/status/{status}"))
    assert failure.problem == FeedProblem.HTTP_STATUS
    assert failure.detail.startswith(f"HTTP {status}")


@pytest.mark.parametrize("path", ["/slow", "/trickle"])
def test_slow_answers_and_trickling_bodies_time_out(feed_server: FeedServer, fetcher: Fetcher, path: str) -> None:
    started = time.monotonic()
    failure = failure_of(fetcher, feed_server.url(path))
    assert failure.problem == FeedProblem.TIMEOUT
    assert time.monotonic() - started < TIMEOUT * 3


@pytest.mark.parametrize("path", ["/big", "/big-unannounced"])
def test_bodies_over_the_limit_are_refused(feed_server: FeedServer, fetcher: Fetcher, path: str) -> None:
    failure = failure_of(fetcher, feed_server.url(path))
    assert failure.problem == FeedProblem.TOO_LARGE
    assert str(MAX_BYTES) in failure.detail


def test_temporary_redirect_is_followed_without_a_move(feed_server: FeedServer, fetcher: Fetcher) -> None:
    fetched = fetcher.fetch(feed_server.url("/redirect/temporary"))
    assert fetched.content == (FIXTURES / "euregio-nieuws.rss").read_bytes()
    assert fetched.moved_to is None


def test_permanent_redirect_reports_the_new_address(feed_server: FeedServer, fetcher: Fetcher) -> None:
    fetched = fetcher.fetch(feed_server.url("/redirect/permanent"))
    assert fetched.content == (FIXTURES / "grenzland-nachrichten.atom").read_bytes()
    assert fetched.moved_to == feed_server.url("/feeds/grenzland-nachrichten.atom")


@pytest.mark.parametrize(("path", "problem"), [
    ("/redirect/loop", FeedProblem.TOO_MANY_REDIRECTS),
    ("/redirect/chain/5", FeedProblem.TOO_MANY_REDIRECTS),
    ("/redirect/ftp", FeedProblem.BAD_REDIRECT),
])
def test_bad_redirects_fail(feed_server: FeedServer, fetcher: Fetcher, path: str, problem: FeedProblem) -> None:
    assert failure_of(fetcher, feed_server.url(path)).problem == problem


def test_a_short_redirect_chain_is_followed(feed_server: FeedServer, fetcher: Fetcher) -> None:
    assert fetcher.fetch(feed_server.url("/redirect/chain/2")).content


def test_closed_port_is_a_connection_problem(fetcher: Fetcher) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    failure = failure_of(fetcher, f"http://127.0.0.1:{port}/feed.rss")
    assert failure.problem == FeedProblem.CONNECTION


def test_other_schemes_are_refused(fetcher: Fetcher) -> None:
    failure = failure_of(fetcher, "ftp://ftp.example.org/feed.rss")
    assert failure.problem == FeedProblem.REFUSED
    assert "ftp" in failure.detail


def test_local_files_inside_the_root_are_read_with_their_date_as_validator(tmp_path: Path) -> None:
    feed = tmp_path / "feed.rss"
    feed.write_bytes((FIXTURES / "euregio-nieuws.rss").read_bytes())
    fetcher = Fetcher(FetchSettings(file_root=tmp_path, host_delay=0), HostThrottle())
    first = fetcher.fetch(feed.as_uri())
    assert first.content == feed.read_bytes() and first.last_modified
    assert fetcher.fetch(feed.as_uri(), last_modified=first.last_modified).content is None

    assert failure_of(fetcher, (tmp_path / "missing.rss").as_uri()).problem == FeedProblem.CONNECTION
    outside = failure_of(fetcher, (FIXTURES / "euregio-nieuws.rss").as_uri())
    assert outside.problem == FeedProblem.REFUSED and "outside" in outside.detail
    sneaky = failure_of(fetcher, tmp_path.as_uri() + "/../" + tmp_path.name + "/../etc/passwd")
    assert sneaky.problem == FeedProblem.REFUSED


def test_throttle_keeps_the_delay_per_host() -> None:
    clock = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock[0] += seconds

    throttle = HostThrottle(sleep=sleep, monotonic=lambda: clock[0])
    throttle.wait("nieuws.example.org", 2.0)
    throttle.wait("grenzland.example.de", 2.0)
    assert slept == []
    throttle.wait("nieuws.example.org", 2.0)
    assert slept == [2.0]
    clock[0] += 5
    throttle.wait("nieuws.example.org", 2.0)
    assert slept == [2.0]


def test_fetcher_waits_between_requests_to_one_host(feed_server: FeedServer) -> None:
    slept: list[float] = []
    throttle = HostThrottle(sleep=slept.append)
    fetcher = Fetcher(FetchSettings(timeout=TIMEOUT, host_delay=30.0, private_networks=AddressPolicy.parse(LOOPBACK)), throttle)
    fetcher.fetch(feed_server.url("/feeds/euregio-nieuws.rss"))
    fetcher.fetch(feed_server.url("/feeds/grenzland-nachrichten.atom"))
    assert len(slept) == 1 and 29 < slept[0] <= 30


def test_settings_come_from_config_then_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUB_FEEDS_TIMEOUT", "7.5")
    monkeypatch.setenv("HUB_FEEDS_MAX_BYTES", "1000")
    settings = FetchSettings.from_config({"FEEDS_MAX_BYTES": 2000})
    assert settings.timeout == 7.5 and settings.max_bytes == 2000
    monkeypatch.setenv("HUB_FEEDS_HOST_DELAY", "soon")
    with pytest.raises(ConfigError, match="HUB_FEEDS_HOST_DELAY"):
        FetchSettings.from_config({})
    monkeypatch.setenv("HUB_FEEDS_HOST_DELAY", "1")
    monkeypatch.setenv("HUB_FEEDS_TIMEOUT", "0")
    with pytest.raises(ConfigError, match="must be positive"):
        FetchSettings.from_config({})
    monkeypatch.delenv("HUB_FEEDS_TIMEOUT")
    assert FetchSettings.from_config({"BASE_URL": "https://grenshub.example"}).user_agent.endswith("(+https://grenshub.example)")
