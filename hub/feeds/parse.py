"""Turning feed bytes into clean entries: feedparser parses, nh3 sanitises, and every entry gets its
dedupe key (guid, else link, else title + date) and a fingerprint of the fields the hub stores."""
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


def sanitise(fragment: str) -> str:
    """Feed HTML reduced to harmless text markup: no scripts, styles, images, event handlers or odd URLs."""
    return nh3.clean(
        fragment, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=LINK_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


def plain_text(fragment: str) -> str:
    return " ".join(html.unescape(nh3.clean(fragment, tags=set())).split())


def parse_bytes(content: bytes, content_type: str | None = None) -> Any:
    """feedparser on the bytes we fetched. Passed as a stream: given bytes, feedparser would try them as a
    file name first. Only the charset of the HTTP Content-Type is passed on, so a feed served as
    text/plain or text/html still parses and a wrong charset is still noticed."""
    headers = {}
    charset = _charset(content_type)
    if charset:
        headers["content-type"] = f"application/xml; charset={charset}"
    return feedparser.parse(io.BytesIO(content), response_headers=headers)


def read_feed(content: bytes, content_type: str | None, default_language: str) -> list[EntryData]:
    """The feed's entries, or :class:`PollFailed` naming why these bytes are not a usable feed."""
    if not content.strip():
        raise PollFailed(FeedProblem.EMPTY, "the response had no content")
    head = content[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(_HTML_START):
        raise PollFailed(FeedProblem.HTML, f"Content-Type {content_type or 'unknown'}; the body is an HTML page")
    parsed = parse_bytes(content, content_type)
    if parsed.bozo:
        error = parsed.get("bozo_exception")
        problem = FeedProblem.ENCODING if isinstance(error, (CharacterEncodingOverride, CharacterEncodingUnknown)) else FeedProblem.MALFORMED
        raise PollFailed(problem, f"{type(error).__name__}: {error}")
    if not parsed.get("version"):
        html_type = (content_type or "").lower().startswith("text/html")
        raise PollFailed(FeedProblem.HTML if html_type else FeedProblem.NOT_A_FEED,
                         f"Content-Type {content_type or 'unknown'}; no RSS, RDF or Atom root element")
    language = language_code(parsed.feed.get("language")) or default_language
    return [entry_data(raw, language) for raw in parsed.entries]


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
        key = _digest("title", title, stamp)
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
