"""Small text helpers shared by domains: slugs and accent-free folding for matching."""
from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Lower-case and strip diacritics, so "Münster" and "MUNSTER" compare equal."""
    if text.isascii():  # nothing to strip; imports fold hundreds of thousands of names
        return text.casefold()
    decomposed = unicodedata.normalize("NFKD", text.replace("ß", "ss"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def slugify(text: str) -> str:
    return _NON_WORD.sub("-", fold(text)).strip("-")[:100] or "item"
