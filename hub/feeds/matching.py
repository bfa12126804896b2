"""Recognising initiatives and organisations in news text.

Every name is cut into folded words (``hub.text.fold``: no case, no diacritics) and put into one word
trie, built once per poll. Matching walks an entry's words through the trie and keeps the longest name
starting at each word, so:

- only whole words match: "Techland" inside "Techlandschaft" is a different word;
- "TECH.LAND", "Tech Land" and "TECH LAND" are the same two words, and "Techland" is the one word of
  the alias "TECHLAND" (the demo's alias list names all of these spellings);
- "TECH.LAND Monitor" is one mention of the Monitor, not also one of TECH.LAND;
- a name never runs across a break between its words: a sentence end, comma, bracket or new line;
- names shorter than three letters are ignored (too many false hits).
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.initiatives.models import Initiative
from hub.stakeholders.models import Organisation
from hub.text import fold

Target = tuple[str, int]  # ("initiative", id) or ("organisation", id)

MIN_NAME_LENGTH = 3
_WORD = re.compile(r"[^\W_]+")
# Between two words of a name: spaces with at most one dash, slash, ampersand or plus; or one
# dot or apostrophe with no space ("TECH.LAND", "GIP's"). Anything else is a break.
_JOIN = re.compile(r"[^\S\n]*[-–—/&+]?[^\S\n]*|[.'’]")
# "Centraal Bureau voor de Statistiek (CBS)": the part before the brackets is a name too, and so is
# the part inside when it is one word with two capitals or more (an abbreviation, not a remark).
_BRACKETED = re.compile(r"^(?P<name>.+?)\s*\((?P<inner>[^()]+)\)\s*$")
_END = ""  # trie key holding the targets of a name ending here; never a word itself
# Longer runs of letters are no word of any name: they are not folded or looked up (and not remembered).
MAX_WORD = 100


def _is_abbreviation(text: str) -> bool:
    """One word with two capitals or more ("CBS", "EuRegio"); counted, not matched by a backtracking pattern."""
    return not any(c.isspace() for c in text) and sum("A" <= c <= "Z" for c in text) >= 2


def _words(text: str) -> list[str]:
    return [fold(word) for word in _WORD.findall(unicodedata.normalize("NFC", text))]


class Matcher:
    def __init__(self) -> None:
        self._root: dict[str, Any] = {}
        self._folded: dict[str, str] = {}
        self.names = 0

    def add(self, name: str | None, target: Target) -> None:
        words = _words(name or "")
        if sum(map(len, words)) < MIN_NAME_LENGTH:
            return
        node = self._root
        for word in words:
            node = node.setdefault(word, {})
        node.setdefault(_END, set()).add(target)
        self.names += 1

    def add_organisation(self, name: str, organisation_id: int) -> None:
        target = ("organisation", organisation_id)
        self.add(name, target)
        bracketed = _BRACKETED.match(name)
        if bracketed:
            self.add(bracketed["name"], target)
            if _is_abbreviation(bracketed["inner"]):
                self.add(bracketed["inner"], target)

    def _fold(self, word: str) -> str | None:
        if len(word) > MAX_WORD:
            return None
        folded = self._folded.get(word)
        if folded is None:
            folded = self._folded[word] = fold(word)
        return folded

    def find(self, text: str) -> dict[Target, str]:
        """Every target mentioned in ``text``, with the words of its first mention as written."""
        text = unicodedata.normalize("NFC", text)
        spans = [(m.start(), m.end(), self._fold(m.group())) for m in _WORD.finditer(text)]
        found: dict[Target, str] = {}
        count = len(spans)
        i = 0
        while i < count:
            node = self._root.get(spans[i][2])
            longest: tuple[int, set[Target]] | None = None
            j = i
            while node is not None:
                if _END in node:
                    longest = (j, node[_END])
                j += 1
                if j == count or not _JOIN.fullmatch(text, spans[j - 1][1], spans[j][0]):
                    break
                node = node.get(spans[j][2])
            if longest is None:
                i += 1
                continue
            last, targets = longest
            words = text[spans[i][0]:spans[last][1]]
            for target in targets:
                found.setdefault(target, words)
            i = last + 1
        return found


def build_matcher(session: Session) -> Matcher:
    """One matcher over every initiative name (nl, de, en, acronym, aliases) and organisation name."""
    matcher = Matcher()
    rows = session.execute(select(
        Initiative.id, Initiative.name_nl, Initiative.name_de, Initiative.name_en, Initiative.acronym, Initiative.aliases,
    ))
    for initiative_id, name_nl, name_de, name_en, acronym, aliases in rows:
        target = ("initiative", initiative_id)
        for name in (name_nl, name_de, name_en, acronym, *(aliases or "").splitlines()):
            matcher.add(name, target)
    for organisation_id, name in session.execute(select(Organisation.id, Organisation.name)):
        matcher.add_organisation(name, organisation_id)
    return matcher
