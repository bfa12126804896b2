"""Turning feed bytes into clean entries: feedparser parses, nh3 sanitises, and every entry gets its
dedupe key (guid, else link, else a hash of its content) and a fingerprint of the fields the hub stores.

Relative links resolve against the address the feed came from (never against the hub). Feeds that are not
well-formed but that feedparser's lenient parser read whole (an undefined ``&nbsp;``, a stray ``&``, a wrong
encoding declaration) are read, with a warning for the source's managers."""
from __future__ import annotations

import hashlib
import html
import io
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message
from typing import Any
from xml.sax import SAXParseException

import feedparser
import nh3
from feedparser.exceptions import CharacterEncodingOverride, CharacterEncodingUnknown

from hub.feeds.models import FeedProblem, PollFailed
from hub.text import multi_line, single_line

ALLOWED_TAGS = {"p", "br", "a", "em", "strong", "b", "i", "ul", "ol", "li", "blockquote", "code", "pre", "h3", "h4"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
LINK_SCHEMES = {"http", "https", "mailto"}
MAX_TITLE = 500
MAX_SUMMARY_SOURCE = 20_000
MAX_LINK = 2000
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?![A-Za-z])")
_HTML_START = (b"<!doctype html", b"<html")
# Flaws after which the lenient parser still has every word: an entity XML does not define, a bare "&".
# Structural ones (a tag never closed, a file cut off) can swallow entries or their text; those feeds are refused.
HARMLESS_XML_FLAWS = frozenset({"undefined entity", "not well-formed (invalid token)"})
_ITEM_START = re.compile(rb"<(?:item|entry)[\s>/]", re.IGNORECASE)


@dataclass(frozen=True)
class EntryData:
    key: str
    fingerprint: str
    title: str
    summary_html: str
    link: str | None
    published_at: datetime | None
    language: str | None

    @property
    def text(self) -> str:
        """What the matcher reads: the title and the summary without markup."""
        return f"{self.title}\n{plain_text(self.summary_html)}"


@dataclass(frozen=True)
class FeedRead:
    """The entries of a feed, and the flaw it was read despite (a notice for the source), if any."""

    entries: list[EntryData]
    warning: FeedProblem | None = None
    detail: str = ""


def sanitise(fragment: str) -> str:
    """Feed HTML reduced to harmless text markup: no scripts, styles, images, event handlers or odd URLs.
    Links feedparser could not make absolute are dropped: on the hub's pages they would point into the hub."""
    return nh3.clean(
        fragment, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=LINK_SCHEMES,
        link_rel="noopener noreferrer nofollow", url_relative="deny",
    )


def plain_text(fragment: str) -> str:
    return " ".join(html.unescape(nh3.clean(fragment, tags=set())).split())


def parse_bytes(content: bytes, content_type: str | None = None, base_url: str | None = None) -> Any:
    """feedparser on the bytes we fetched. Passed as a stream: given bytes, feedparser would try them as a
    file name first. Only the charset of the HTTP Content-Type is passed on, so a feed served as
    text/plain or text/html still parses and a wrong charset is still noticed. ``base_url`` (the address
    the feed was fetched from, after redirects) is what relative links resolve against."""
    charset = _charset(content_type)
    # Without a content type feedparser would call the headers it is given suspicious (a bozo feed).
    headers = {"content-type": f"application/xml; charset={charset}" if charset else "application/xml"}
    if base_url:
        headers["content-location"] = base_url
    return feedparser.parse(io.BytesIO(content), response_headers=headers)


def read_feed(content: bytes, content_type: str | None, default_language: str, base_url: str | None = None) -> FeedRead:
    """The feed's entries, or :class:`PollFailed` naming why these bytes are not a usable feed."""
    if not content.strip():
        raise PollFailed(FeedProblem.EMPTY, "the response had no content")
    head = content[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(_HTML_START):
        raise PollFailed(FeedProblem.HTML, f"Content-Type {content_type or 'unknown'}; the body is an HTML page")
    parsed = parse_bytes(content, content_type, base_url)
    warning, detail = None, ""
    if parsed.bozo:
        error = parsed.get("bozo_exception")
        encoding = isinstance(error, (CharacterEncodingOverride, CharacterEncodingUnknown))
        detail = f"{type(error).__name__}: {error}"
        if not _read_whole(parsed, error, content):
            raise PollFailed(FeedProblem.ENCODING if encoding else FeedProblem.MALFORMED, detail)
        warning = FeedProblem.RECOVERED_ENCODING if encoding else FeedProblem.RECOVERED_XML
    if not parsed.get("version"):
        html_type = (content_type or "").lower().startswith("text/html")
        raise PollFailed(FeedProblem.HTML if html_type else FeedProblem.NOT_A_FEED,
                         f"Content-Type {content_type or 'unknown'}; no RSS, RDF or Atom root element")
    language = language_code(parsed.feed.get("language")) or default_language
    return FeedRead([entry_data(raw, language) for raw in parsed.entries], warning, detail)


def _read_whole(parsed: Any, error: Any, content: bytes) -> bool:
    """Whether the lenient parser got everything despite the flaw: the flaw is one that loses no text, the
    document is a feed, and every item or entry the bytes open became an entry."""
    if isinstance(error, CharacterEncodingOverride):
        harmless = True  # declared UTF-8 but really windows-1252 (or the like): decoded as what it is
    elif isinstance(error, SAXParseException):
        harmless = error.getMessage() in HARMLESS_XML_FLAWS
    else:
        harmless = False
    return harmless and bool(parsed.get("version")) and len(parsed.entries) == len(_ITEM_START.findall(content))


def entry_data(raw: Any, feed_language: str | None) -> EntryData:
    # nh3 turns character references such as &#8; into the characters themselves: the control characters
    # among them go here, before anything is stored or written into the hub's own feeds.
    title = single_line(plain_text(raw.get("title", "")))[:MAX_TITLE]
    summary = multi_line(sanitise(_summary_source(raw)[:MAX_SUMMARY_SOURCE]))
    link = web_link(raw.get("link"))
    published = _utc(raw.get("published_parsed") or raw.get("updated_parsed"))
    detail = raw.get("title_detail") or raw.get("summary_detail") or {}
    language = language_code(detail.get("language")) or feed_language
    stamp = published.isoformat() if published else ""
    guid = (raw.get("id") or "").strip()
    if guid:
        key = _digest("guid", guid)
    elif link:
        key = _digest("link", link)
    else:
        # Items with neither (often only a description) are told apart by what they say: the same at every poll,
        # even where a feed stamps its items with the time it was generated.
        key = _digest("content", title, plain_text(summary))
    return EntryData(
        key=key, fingerprint=_digest(title, summary, link or "", stamp, language or ""), title=title,
        summary_html=summary, link=link, published_at=published, language=language,
    )


def web_link(value: Any) -> str | None:
    """Only http(s) links are kept: anything else (javascript:, data:) would be unsafe in an href."""
    link = single_line(str(value or ""))
    if link.lower().startswith(("http://", "https://")) and len(link) <= MAX_LINK:
        return link
    return None


def language_code(value: Any) -> str | None:
    """"de-DE" and "DE" become "de"; anything unrecognisable becomes None."""
    match = _LANGUAGE.match(str(value or "").strip())
    return match.group().lower() if match else None


def _summary_source(raw: Any) -> str:
    if raw.get("summary"):
        return str(raw["summary"])
    contents = raw.get("content") or []
    return str(contents[0].get("value", "")) if contents else ""


def _utc(value: time.struct_time | None) -> datetime | None:
    """feedparser gives dates as UTC struct_time; unreadable or impossible dates count as missing."""
    if value is None:
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def _charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    message = Message()
    message["content-type"] = content_type
    charset = message.get_param("charset")
    return charset if isinstance(charset, str) and charset.strip() else None


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()
