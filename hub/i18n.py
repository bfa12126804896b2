"""The translation layer: locale selection and the per-domain gettext catalogues.

Source strings are English. Each domain package keeps its Dutch and German catalogues in its own
``translations/`` folder (``hub/translations`` for the core), so domains never edit one shared file.
The ``.mo`` files are build output: compiled from the ``.po`` files whenever those are newer.
"""
from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, current_app, has_request_context, request, session
from flask_babel import Babel
from flask_login import current_user

HUB_DIR = Path(__file__).resolve().parent
LOCALES = ("nl", "de", "en")
TRANSLATED_LOCALES = ("nl", "de")
LANGUAGE_NAMES = {"nl": "Nederlands", "de": "Deutsch", "en": "English"}


def translation_dirs() -> list[Path]:
    return sorted(p for p in HUB_DIR.glob("**/translations") if p.is_dir())


def catalogue_paths() -> list[Path]:
    return sorted(p for d in translation_dirs() for p in d.glob("*/LC_MESSAGES/messages.po"))


def compile_catalogues() -> None:
    """Compile each ``.po`` whose ``.mo`` is missing or older; cheap when nothing changed."""
    for po_path in catalogue_paths():
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalogue = read_po(po_file)
        tmp = mo_path.with_suffix(".mo.tmp")
        with tmp.open("wb") as mo_file:
            write_mo(mo_file, catalogue)
        tmp.replace(mo_path)


def select_locale() -> str:
    """The user's profile language, then the switcher's choice, then the browser's Accept-Language.

    Outside a request (CLI, worker) messages are English unless the caller forces a locale.
    """
    if not has_request_context():
        return "en"
    if current_user and current_user.is_authenticated and current_user.locale in LOCALES:
        return current_user.locale
    chosen = session.get("locale")
    if chosen in LOCALES:
        return chosen
    return request.accept_languages.best_match(LOCALES) or current_app.config["DEFAULT_LOCALE"]


def init_app(app: Flask) -> None:
    compile_catalogues()
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(str(d) for d in translation_dirs())
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "en")
    Babel(app, locale_selector=select_locale)
