"""A parsed search query: its match expression for FTS5 and PostgreSQL, and highlighting.

Every word must match (AND). A word matches a document term that starts with it, or that equals
one of its Dutch, German or English stems — the same rule for both databases and for the
``<mark>`` highlighting, which is done here on the original text so it shows real words.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from markupsafe import Markup, escape

from hub.errors import ValidationFailed
from hub.search.text import MAX_COMPOUND, MAX_TERM, STOPWORDS, WORD, camel_parts, variants, words
from hub.text import fold

MAX_QUERY_LENGTH = 200
MAX_QUERY_WORDS = 12
# Shorter words only match whole terms: "de*" would match half the registry.
MIN_PREFIX = 3


@dataclass(frozen=True)
class SearchQuery:
    text: str
    groups: tuple[tuple[str, ...], ...]  # per query word: the word, then its stems

    @classmethod
    def parse(cls, raw: str) -> SearchQuery:
        text = " ".join((raw or "").split())
        if not text:
            raise ValidationFailed({"q": [_("Enter a word or name to search for.")]})
        if len(text) > MAX_QUERY_LENGTH:
            raise ValidationFailed({"q": [_("The search text is too long: use at most %(n)d characters.",
                                            n=MAX_QUERY_LENGTH)]})
        found = list(dict.fromkeys(words(text)))
        if not found and WORD.search(text):
            raise ValidationFailed({"q": [_("Words of more than %(n)d letters cannot be searched for.", n=MAX_TERM)]})
        if not found:
            raise ValidationFailed({"q": [_("Enter at least one letter or digit to search for.")]})
        if len(found) > MAX_QUERY_WORDS:
            raise ValidationFailed({"q": [_("Use at most %(n)d words.", n=MAX_QUERY_WORDS)]})
        meaningful = [w for w in found if w not in STOPWORDS]
        if not meaningful:
            raise ValidationFailed({"q": [_("These words are too common to search for: add a name or a more specific word.")]})
        return cls(text=text, groups=tuple(variants(w) for w in meaningful))

    def fts5(self, column: str | None = None) -> str:
        """``("word"* OR "stem") AND (...)``, optionally limited to one column; the terms are plain
        letters and digits, safe to quote."""
        def group(g: tuple[str, ...]) -> str:
            word, stems = g[0], g[1:]
            head = f'"{word}"*' if len(word) >= MIN_PREFIX else f'"{word}"'
            return "(" + " OR ".join([head, *(f'"{s}"' for s in stems)]) + ")"

        expression = " AND ".join(group(g) for g in self.groups)
        return f"{{{column}}} : ({expression})" if column else expression

    def tsquery(self) -> str:
        """``(word:* | stem) & (...)`` for ``to_tsquery('simple', ...)``."""
        def group(g: tuple[str, ...]) -> str:
            word, stems = g[0], g[1:]
            head = f"{word}:*" if len(word) >= MIN_PREFIX else word
            return "(" + " | ".join([head, *stems]) + ")"

        return " & ".join(group(g) for g in self.groups)

    def matches(self, word: str) -> bool:
        """Whether a word of a document would have matched (used for highlighting)."""
        if len(word) > MAX_COMPOUND:  # never indexed, and not worth stemming
            return False
        folded = [fold(word), *(fold(p) for p in camel_parts(word))]
        for g in self.groups:
            head, stems = g[0], set(g[1:])
            for w in folded:
                if (w.startswith(head) if len(head) >= MIN_PREFIX else w == head) or stems & set(variants(w)):
                    return True
        return False

    def highlight(self, text: str, width: int | None = None) -> Markup:
        """``text`` escaped, its matching words in ``<mark>``; with ``width``, cut to a window of about
        that many characters around the first match."""
        spans = [(m.start(), m.end()) for m in WORD.finditer(text)]
        hits = {i for i, (start, end) in enumerate(spans) if self.matches(text[start:end])}
        begin, finish = 0, len(text)
        if width is not None and len(text) > width:
            first = min(hits) if hits else 0
            begin = spans[first][0] if spans else 0
            # Start a few words before the first hit, so it reads as a sentence.
            for i in range(first - 1, max(first - 8, -1), -1):
                if begin - spans[i][0] > width // 3:
                    break
                begin = spans[i][0]
            finish = min(len(text), begin + width)
            inside = [s for s in spans if begin <= s[0] and s[1] <= finish]
            finish = inside[-1][1] if inside else finish
        out = [Markup("… ")] if begin > 0 else []
        cursor = begin
        for i, (start, end) in enumerate(spans):
            if start < begin or end > finish or i not in hits:
                continue
            out.append(escape(text[cursor:start]))
            out.append(Markup("<mark>") + escape(text[start:end]) + Markup("</mark>"))
            cursor = end
        out.append(escape(text[cursor:finish]))
        if finish < len(text):
            out.append(Markup(" …"))
        return Markup("").join(out)
