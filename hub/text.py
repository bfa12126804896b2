"""Small text helpers shared by domains: slugs, accent-free folding for matching, and the cleaning every
text gets on its way in (single-line names, multi-line texts without control characters)."""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from confusable_homoglyphs.confusables import confusables_data

_NON_WORD = re.compile(r"[^a-z0-9]+")
# What no stored text keeps: control characters (C0 but tab and newline, DEL, C1), lone surrogates (JSON can
# carry them, no database can store them) and the non-characters U+FFFE/U+FFFF. XML 1.0 (Atom, XLSX, DOCX)
# cannot carry any of these either.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# The same, for output: what an XML 1.0 document cannot carry at all.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def fold(text: str) -> str:
    """Lower-case and strip diacritics, so "Münster" and "MUNSTER" compare equal."""
    if text.isascii():  # nothing to strip; imports fold hundreds of thousands of names
        return text.casefold()
    decomposed = unicodedata.normalize("NFKD", text.replace("ß", "ss"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def slugify(text: str) -> str:
    return _NON_WORD.sub("-", fold(text)).strip("-")[:100] or "item"


def single_line(text: str) -> str:
    """A name or title as one line: every run of white space (line breaks from a spreadsheet cell's Alt+Enter,
    tabs, vertical tabs, non-breaking spaces) becomes one space, control characters go, the ends are trimmed."""
    return " ".join(_CONTROL.sub("", " ".join(text.split())).split())


def multi_line(text: str) -> str:
    """A description or note: Windows and old Mac line ends become newlines, control characters go (tabs and
    newlines stay), and the ends are trimmed."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0b", "\n")).strip()


def xml_safe(text: str) -> str:
    """``text`` without the characters an XML 1.0 document (Atom, iCal's neighbours, XLSX, DOCX) cannot hold:
    writers apply it to whatever is stored, so an old row never makes an ill-formed file."""
    return _NOT_XML.sub("", text)


def clean_fields(data: Any, *, single: Iterable[str] = (), multi: Iterable[str] = (), lists: Iterable[str] = ()) -> None:
    """Clean an input dataclass in place (its ``__post_init__`` calls this), so forms, the API and imports
    give every service the same text: ``single`` fields one line, ``multi`` fields without control
    characters, ``lists`` of single-line items without the empty ones. None and non-text values stay."""
    for name in single:
        value = getattr(data, name)
        if isinstance(value, str):
            setattr(data, name, single_line(value))
    for name in multi:
        value = getattr(data, name)
        if isinstance(value, str):
            setattr(data, name, multi_line(value))
    for name in lists:
        value = getattr(data, name)
        if isinstance(value, list):
            setattr(data, name, [line for line in (single_line(v) if isinstance(v, str) else v for v in value) if line])


@lru_cache(maxsize=4096)
def _latin(char: str) -> str:
    """The ASCII letter or digit a character is confusable with (Cyrillic "а" is "a"), else the character."""
    for glyph in confusables_data.get(char, ()):
        if len(glyph["c"]) == 1 and glyph["c"].isascii() and glyph["c"].isalnum():
            return str(glyph["c"])
    return char


def name_key(name: str) -> str:
    """What two names must differ in to be two names: compatibility forms (NFKC: "ﬁ" is "fi"), invisible
    characters (zero-width space, soft hyphen, direction marks: Unicode's format characters), lookalike
    letters of other scripts (Unicode's confusables table), case and white space do not count."""
    text = unicodedata.normalize("NFKC", single_line(name))
    visible = "".join(c if c.isascii() else _latin(c) for c in text if unicodedata.category(c) != "Cf")
    return " ".join(visible.casefold().split())
