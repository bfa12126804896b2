"""Keeping the gettext catalogues complete: extract messages per domain, merge them into the
Dutch and German catalogues, and list what is still untranslated (``hub i18n update|check``)."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.pofile import read_po, write_po

from hub.config import ROOT
from hub.i18n import HUB_DIR, TRANSLATED_LOCALES

KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "lazy_ngettext": (1, 2)}
JINJA_OPTIONS = {"extensions": "jinja2.ext.do", "trimmed": "true"}
CORE = "core"


def domain_of(path: Path) -> str:
    """``hub/alerts/x.py`` and ``templates/alerts/x.html`` belong to the alerts domain; the rest to the core."""
    parts = path.relative_to(ROOT).parts
    if len(parts) > 2 and parts[0] in ("hub", "templates") and (HUB_DIR / parts[1]).is_dir():
        return parts[1]
    return CORE


def catalogue_dir(domain: str) -> Path:
    return HUB_DIR / "translations" if domain == CORE else HUB_DIR / domain / "translations"


def _sources() -> Iterator[tuple[Path, str]]:
    for path in sorted(HUB_DIR.rglob("*.py")):
        yield path, "python"
    for path in sorted((ROOT / "templates").rglob("*.html")):
        yield path, "jinja2.ext:babel_extract"
    for path in sorted((ROOT / "templates").rglob("*.txt")):
        yield path, "jinja2.ext:babel_extract"


def extract() -> dict[str, Catalog]:
    """One template catalogue per domain holding every message its code and templates use."""
    templates: dict[str, Catalog] = defaultdict(Catalog)
    for path, method in _sources():
        options = JINJA_OPTIONS if method != "python" else {}
        for lineno, message, comments, context in extract_from_file(method, str(path), keywords=KEYWORDS, options=options):
            templates[domain_of(path)].add(message, locations=[(str(path.relative_to(ROOT)), lineno)], context=context)
    return dict(templates)


def _po_path(domain: str, locale: str) -> Path:
    return catalogue_dir(domain) / locale / "LC_MESSAGES" / "messages.po"


def _read(path: Path, locale: str) -> Catalog:
    if not path.exists():
        return Catalog(locale=locale, project="Grenshub")
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def update(domains: set[str] | None = None) -> list[Path]:
    """Merge newly used messages into the nl and de catalogues of ``domains`` (default: all), keeping translations."""
    written = []
    for domain, template in extract().items():
        if domains and domain not in domains:
            continue
        for locale in TRANSLATED_LOCALES:
            path = _po_path(domain, locale)
            catalogue = _read(path, locale)
            catalogue.update(template, no_fuzzy_matching=True)
            catalogue.obsolete.clear()
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("wb") as handle:
                write_po(handle, catalogue, width=100, sort_output=True, omit_header=False, include_lineno=False)
            written.append(path)
    return written


def untranslated() -> list[tuple[str, str, str]]:
    """(locale, msgid, where) for every message in code or templates lacking a Dutch or German translation."""
    known: dict[str, dict[object, bool]] = {locale: {} for locale in TRANSLATED_LOCALES}
    for locale in TRANSLATED_LOCALES:
        for po_path in HUB_DIR.glob(f"**/translations/{locale}/LC_MESSAGES/messages.po"):
            for message in _read(po_path, locale):
                if message.id:
                    strings = message.string if isinstance(message.string, tuple) else (message.string,)
                    ok = all(strings) and not message.fuzzy
                    known[locale][(message.id, message.context)] = known[locale].get((message.id, message.context), False) or ok
    missing = []
    for template in extract().values():
        for message in template:
            if not message.id:
                continue
            for locale in TRANSLATED_LOCALES:
                if not known[locale].get((message.id, message.context)):
                    where = message.locations[0][0] if message.locations else "?"
                    missing.append((locale, str(message.id), where))
    return missing
