"""Text analysis shared by the search index and overlap detection.

Both databases get the same, already analysed terms: folded (accent- and case-free, via
``hub.text.fold``), split into words, with the Dutch, German and English Snowball stems of each
word added. So "GrensInfoPunten", "grensinfopunt" and "Grensinfopunten" share the term
"grensinfopunt", and "Münster" is "munster" everywhere — FTS5 and PostgreSQL only match terms.
"""
from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer

from hub.text import fold

# Unicode letters and digits (no underscore): what both FTS5's unicode61 and PostgreSQL's parser see as words.
WORD = re.compile(r"[^\W_]+")
# "GrensInfoPunt" -> "Grens", "Info", "Punt": compound names written in camel case.
_CAMEL_PART = re.compile(r"[A-ZÀ-Þ]?[a-zß-ÿ]+|[A-ZÀ-Þ]+(?![a-zß-ÿ])|\d+")
# A run of letters joined by dots or hyphens ("TECH.LAND", "Rijn-Waal") is also indexed as one word.
# Linear time on any text: a match only starts at the start of a word (the look-behind) and the possessive
# ``++`` never gives letters back, so a 50,000-letter word is read once instead of once per letter.
_JOINED = re.compile(r"(?<![^\W_])[^\W_]++(?:[.\-'’][^\W_]++)+")
# Longest term kept: longer "words" are noise (hashes, URLs without separators).
MAX_TERM = 40
# Longest run of letters cut into camel-case parts or joined forms: anything longer is noise too, and
# leaving it out keeps the work per word bounded.
MAX_COMPOUND = 200

_STEMMERS = tuple(snowballstemmer.stemmer(language) for language in ("dutch", "german", "english"))

# Function words of the three languages: they say nothing about what a text is about.
STOPWORDS = frozenset(
    """
    aan al alle als bij binnen dan dat de deze die dit door een en er ge geen het hier hij hoe
    hun ik in is je kan maar met meer na naar niet nog nu of om onder ons ook op over te tegen
    tot tussen uit van veel voor waar wat wel worden wordt zal ze zich zij zijn zo zoals
    aber alle als am an auch auf aus bei bis das dass dem den der des die durch ein eine einem
    einen einer eines er es fur hat im in ist mit nach nicht noch nur oder sich sie sind so uber
    um und uns vom von vor war wie wir wird wurde zu zum zur zwischen
    a an and are as at be by for from has have in into is it its of on or that the their this
    to was were which will with
    """.split()
)


def words(text: str) -> list[str]:
    """The folded words of ``text`` in order (stop words included), e.g. for highlighting."""
    return [w for w in WORD.findall(fold(text)) if len(w) <= MAX_TERM]


@lru_cache(maxsize=200_000)
def variants(word: str) -> tuple[str, ...]:
    """A folded word and its distinct nl/de/en stems (the word first)."""
    found = [word]
    for stemmer in _STEMMERS:
        stem = stemmer.stemWord(word)
        if stem and stem not in found:
            found.append(stem)
    return tuple(found)


def camel_parts(word: str) -> list[str]:
    """The parts of a camel-case compound ("GrensInfoPunt" -> Grens, Info, Punt); [] for plain words."""
    parts = _CAMEL_PART.findall(word)
    return parts if len(parts) > 1 else []


def _extra_words(text: str) -> list[str]:
    """Camel-case parts and dot/hyphen-joined forms, so "GrensInfoPunt" also yields "punt" and
    "TECH.LAND" also "techland"."""
    extra = [part for chunk in WORD.findall(text) if len(chunk) <= MAX_COMPOUND for part in camel_parts(chunk)]
    extra.extend(re.sub(r"[.\-'’]", "", joined) for joined in _JOINED.findall(text) if len(joined) <= MAX_COMPOUND)
    return [w for w in WORD.findall(fold(" ".join(extra))) if len(w) <= MAX_TERM]


def terms(text: str) -> set[str]:
    """Every index term of ``text``: folded words, their stems and compound forms, minus stop words."""
    found: set[str] = set()
    for word in [*words(text), *_extra_words(text)]:
        if word not in STOPWORDS:
            found.update(variants(word))
    return found


def key_terms(text: str) -> set[str]:
    """One term per content word, for comparing texts: its shortest stem of at least three letters
    (so "grensinfopunten" and "GrensInfoPunt" give the same key), stop words and short words left out."""
    found: set[str] = set()
    for word in [*words(text), *_extra_words(text)]:
        if len(word) >= 3 and word not in STOPWORDS:
            found.add(min((v for v in variants(word) if len(v) >= 3), key=len, default=word))
    return found
