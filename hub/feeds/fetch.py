"""Fetching feed bytes ourselves (not through feedparser), so the hub controls the timeout, the size
limit, redirects, the conditional GET and a politeness delay per host.

``http(s)://`` URLs go through ``requests``; ``file://`` URLs (the demo's sample feeds) are read from
disk, only inside ``FEEDS_FILE_ROOT``, with the file's modification time standing in for Last-Modified.
"""
from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import formatdate
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit
from urllib.request import url2pathname

import requests
import urllib3

from hub.config import ROOT, ConfigError
from hub.feeds.models import FeedProblem, PollFailed
from hub.netguard import AddressPolicy, AddressRefused, guarded_session

WEB_SCHEMES = ("http", "https")
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
PERMANENT_REDIRECTS = (301, 308)
CHUNK = 64 * 1024
ACCEPT = "application/atom+xml, application/rss+xml, application/rdf+xml;q=0.9, application/xml;q=0.8, text/xml;q=0.8, */*;q=0.1"


@dataclass(frozen=True)
class FetchSettings:
    timeout: float = 10.0
    max_bytes: int = 5 * 1024 * 1024
    host_delay: float = 2.0
    max_redirects: int = 5
    file_root: Path = ROOT / "tests" / "fixtures" / "feeds"
    user_agent: str = "Grenshub feed reader"
    # Non-public networks feeds may come from (intranet feeds); everything else must be a public address.
    private_networks: AddressPolicy = AddressPolicy()

    def __post_init__(self) -> None:
        if self.timeout <= 0 or self.max_bytes <= 0 or self.host_delay < 0 or self.max_redirects < 0:
            raise ConfigError("HUB_FEEDS_TIMEOUT and HUB_FEEDS_MAX_BYTES must be positive; "
                              "HUB_FEEDS_HOST_DELAY and HUB_FEEDS_MAX_REDIRECTS cannot be negative")

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> FetchSettings:
        """App config (``FEEDS_*``, tests) first, then ``HUB_FEEDS_*`` environment variables, then defaults."""

        def pick(name: str, convert: Callable[[str], Any], default: Any) -> Any:
            value = config.get(f"FEEDS_{name}", os.environ.get(f"HUB_FEEDS_{name}"))
            if value is None or value == "":
                return default
            try:
                return convert(str(value))
            except ValueError:
                raise ConfigError(f"HUB_FEEDS_{name} has an invalid value: {value!r}") from None

        defaults = cls()
        return cls(
            timeout=pick("TIMEOUT", float, defaults.timeout),
            max_bytes=pick("MAX_BYTES", int, defaults.max_bytes),
            host_delay=pick("HOST_DELAY", float, defaults.host_delay),
            max_redirects=pick("MAX_REDIRECTS", int, defaults.max_redirects),
            file_root=pick("FILE_ROOT", Path, defaults.file_root),
            private_networks=pick("PRIVATE_NETWORKS", AddressPolicy.parse, defaults.private_networks),
            # Site owners can see who polls them and where the hub lives.
            user_agent=f"{defaults.user_agent} (+{config['BASE_URL']})" if config.get("BASE_URL") else defaults.user_agent,
        )


@dataclass(frozen=True)
class Fetched:
    """A fetch result: ``content`` is None when the server answered 304 Not Modified."""

    content: bytes | None
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    moved_to: str | None = None  # the new address after a permanent redirect
    url: str | None = None  # where the content finally came from: relative links in it resolve against this


class HostThrottle:
    """Keeps at least ``delay`` seconds between two requests to the same host, across all sources."""

    def __init__(self, sleep: Callable[[float], None] = time.sleep, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._sleep = sleep
        self._monotonic = monotonic
        self._next_allowed: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, host: str, delay: float) -> None:
        with self._lock:
            now = self._monotonic()
            start = max(now, self._next_allowed.get(host, now))
            self._next_allowed[host] = start + delay
        if start > now:
            self._sleep(start - now)


# One throttle per process: the worker polls every source through it.
THROTTLE = HostThrottle()


def local_path(url: str, root: Path) -> Path:
    """The file a ``file://`` URL names, refused unless it lies inside ``root``."""
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        raise PollFailed(FeedProblem.REFUSED, f"file URL with a host: {parts.netloc}")
    path = Path(url2pathname(unquote(parts.path))).resolve()
    if not path.is_relative_to(root.resolve()):
        raise PollFailed(FeedProblem.REFUSED, f"{path} lies outside {root}")
    return path


class Fetcher:
    def __init__(self, settings: FetchSettings, throttle: HostThrottle = THROTTLE) -> None:
        self.settings = settings
        self.throttle = throttle

    def fetch(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> Fetched:
        scheme = urlsplit(url).scheme.lower()
        if scheme == "file":
            return self._fetch_file(url, last_modified)
        if scheme in WEB_SCHEMES:
            return self._fetch_web(url, etag, last_modified)
        raise PollFailed(FeedProblem.REFUSED, f"unsupported address scheme {scheme or '(none)'}")

    def _fetch_file(self, url: str, last_modified: str | None) -> Fetched:
        path = local_path(url, self.settings.file_root)
        try:
            stamp = formatdate(path.stat().st_mtime, usegmt=True)
            if stamp == last_modified:
                return Fetched(None, last_modified=stamp)
            with path.open("rb") as handle:
                content = handle.read(self.settings.max_bytes + 1)
        except OSError as error:
            raise PollFailed(FeedProblem.CONNECTION, f"{path}: {error.strerror}") from None
        if len(content) > self.settings.max_bytes:
            raise PollFailed(FeedProblem.TOO_LARGE, f"more than {self.settings.max_bytes} bytes")
        return Fetched(content, last_modified=stamp, url=url)

    def _fetch_web(self, url: str, etag: str | None, last_modified: str | None) -> Fetched:
        headers = {"User-Agent": self.settings.user_agent, "Accept": ACCEPT}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        deadline = time.monotonic() + self.settings.timeout
        moved_to: str | None = None
        only_permanent = True  # a chain of permanent redirects means the feed has a new address
        seen = {url}
        with guarded_session(self.settings.private_networks) as http:
            for _hop in range(self.settings.max_redirects + 1):
                response = self._get(http, url, headers)
                with response:
                    if response.status_code not in REDIRECT_STATUSES:
                        return self._result(response, deadline, moved_to, url)
                    location = response.headers.get("Location", "")
                try:
                    target = urljoin(url, location)
                    scheme = urlsplit(target).scheme.lower()
                except ValueError:
                    raise PollFailed(FeedProblem.BAD_REDIRECT, f"unreadable redirect to {location[:300]}") from None
                if scheme not in WEB_SCHEMES:
                    raise PollFailed(FeedProblem.BAD_REDIRECT, f"redirect to {target[:300]}")
                if target in seen:
                    raise PollFailed(FeedProblem.TOO_MANY_REDIRECTS, f"redirect loop at {target[:300]}")
                only_permanent = only_permanent and response.status_code in PERMANENT_REDIRECTS
                if only_permanent:
                    moved_to = target
                seen.add(target)
                url = target
        raise PollFailed(FeedProblem.TOO_MANY_REDIRECTS, f"more than {self.settings.max_redirects} redirects")

    def _get(self, http: requests.Session, url: str, headers: dict[str, str]) -> requests.Response:
        """One request. Failures are recorded as a kind and the host name only: exception texts would show
        managers internals (and, for refused addresses, which ports are open)."""
        host = (urlsplit(url).hostname or "")[:200]
        self.throttle.wait(urlsplit(url).netloc.lower(), self.settings.host_delay)
        timeout = self.settings.timeout
        try:
            return http.get(url, headers=headers, timeout=(timeout, timeout), stream=True, allow_redirects=False)
        except AddressRefused:
            raise PollFailed(FeedProblem.PRIVATE_ADDRESS, host) from None
        except requests.Timeout:
            raise PollFailed(FeedProblem.TIMEOUT, f"no answer within {timeout:g} s") from None
        except requests.exceptions.SSLError:
            raise PollFailed(FeedProblem.TLS, host) from None
        except requests.ConnectionError as error:
            unknown = _caused_by(error, urllib3.exceptions.NameResolutionError)
            raise PollFailed(FeedProblem.UNKNOWN_HOST if unknown else FeedProblem.CONNECTION, host) from None
        except (requests.RequestException, ValueError):
            raise PollFailed(FeedProblem.CONNECTION, host) from None

    def _result(self, response: requests.Response, deadline: float, moved_to: str | None, url: str) -> Fetched:
        if response.status_code == 304:
            return Fetched(None, etag=response.headers.get("ETag"), last_modified=response.headers.get("Last-Modified"))
        if response.status_code != 200:
            raise PollFailed(FeedProblem.HTTP_STATUS, f"HTTP {response.status_code} {response.reason or ''}".strip())
        return Fetched(
            self._read_body(response, deadline),
            content_type=response.headers.get("Content-Type"),
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
            moved_to=moved_to,
            url=url,
        )

    def _read_body(self, response: requests.Response, deadline: float) -> bytes:
        """Read at most ``max_bytes``, and give up when the whole exchange outlasts the timeout."""
        limit = self.settings.max_bytes
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit:
            raise PollFailed(FeedProblem.TOO_LARGE, f"{declared} bytes announced, the limit is {limit}")
        body = bytearray()
        try:
            # read1 returns whatever has arrived, so a body trickling in byte by byte still meets the deadline.
            while chunk := response.raw.read1(CHUNK, decode_content=True):
                body.extend(chunk)
                if len(body) > limit:
                    raise PollFailed(FeedProblem.TOO_LARGE, f"more than {limit} bytes")
                if time.monotonic() > deadline:
                    raise PollFailed(FeedProblem.TIMEOUT, f"body not complete within {self.settings.timeout:g} s")
        except urllib3.exceptions.ReadTimeoutError:
            raise PollFailed(FeedProblem.TIMEOUT, f"body stalled for {self.settings.timeout:g} s") from None
        except urllib3.exceptions.HTTPError:
            raise PollFailed(FeedProblem.CONNECTION, "the connection broke off while reading") from None
        return bytes(body)


def _caused_by(error: BaseException, kind: type[BaseException]) -> bool:
    """Whether ``kind`` is in the chain of causes (requests wraps urllib3's errors twice)."""
    seen: BaseException | None = error
    for _depth in range(8):
        if seen is None or isinstance(seen, kind):
            return seen is not None
        first = seen.args[0] if seen.args and isinstance(seen.args[0], BaseException) else None
        seen = getattr(seen, "reason", None) or first or seen.__cause__
    return False
