"""The six themes and twenty recommendations of the SER Overijssel advice.

Source: SER Overijssel, advies "Eén grensoverstijgende arbeidsmarkt", 17-10-2025,
hoofdstuk 5 "Adviespunten SER Overijssel". The Dutch titles are the headings of
that chapter, verbatim. The German and English titles are our own translations.

Note: the summary table at the front of the advice leaves out 3c; chapter 5
contains it ("3c. Stuur op benodigde skills door AI, ..."), so it is included.
"""

from __future__ import annotations

from dataclasses import dataclass

LOCALES: tuple[str, ...] = ("nl", "de", "en")


@dataclass(frozen=True)
class Recommendation:
    code: str  # "1a" ... "6d"
    theme: int  # 1..6
    title: dict[str, str]  # {"nl": ..., "de": ..., "en": ...}


@dataclass(frozen=True)
class Theme:
    number: int
    title: dict[str, str]
    recommendations: tuple[Recommendation, ...]


def _rec(code: str, nl: str, de: str, en: str) -> Recommendation:
    return Recommendation(code=code, theme=int(code[0]), title={"nl": nl, "de": de, "en": en})


THEMES: tuple[Theme, ...] = (
    Theme(
        number=1,
        title={
            "nl": "Kennismaking en connectie",
            "de": "Kennenlernen und Verbindung",
            "en": "Getting acquainted and connecting",
        },
        recommendations=(
            _rec(
                "1a",
                "Schep voorwaarden om persoonlijke connectie te ontwikkelen",
                "Voraussetzungen für persönliche Verbindungen schaffen",
                "Create the conditions for personal connections to develop",
            ),
            _rec(
                "1b",
                "Benut de toeristische sector voor kennismaking over de grens",
                "Den Tourismussektor für das Kennenlernen über die Grenze hinweg nutzen",
                "Use the tourism sector to get acquainted across the border",
            ),
            _rec(
                "1c",
                "Waardeer en bevorder betrokkenheid bij bestuurders",
                "Das Engagement von Verwaltungsspitzen und Politik wertschätzen und fördern",
                "Value and encourage the commitment of political leaders",
            ),
        ),
    ),
    Theme(
        number=2,
        title={
            "nl": "Samenwerking en synergie",
            "de": "Zusammenarbeit und Synergie",
            "en": "Cooperation and synergy",
        },
        recommendations=(
            _rec(
                "2a",
                "Investeer in duurzame relaties",
                "In dauerhafte Beziehungen investieren",
                "Invest in lasting relationships",
            ),
            _rec(
                "2b",
                "Benut elkaars kwaliteiten voor synergie",
                "Die Stärken der jeweils anderen Seite für Synergien nutzen",
                "Use each other's strengths to create synergy",
            ),
            _rec(
                "2c",
                "Ondersteun en deel praktische vormen van samenwerking in de grensregio’s",
                "Praktische Formen der Zusammenarbeit in den Grenzregionen unterstützen und bekannt machen",
                "Support and share practical forms of cooperation in the border regions",
            ),
            _rec(
                "2d",
                "Gebruik de ervaringen vanuit Defensie ook voor andere terreinen",
                "Die Erfahrungen aus dem Verteidigungsbereich auch für andere Bereiche nutzen",
                "Apply the experience gained in defence to other fields as well",
            ),
            _rec(
                "2e",
                "Voer een gezamenlijke lobby op drie prioriteiten",
                "Gemeinsame Lobbyarbeit zu drei Prioritäten betreiben",
                "Lobby jointly on three priorities",
            ),
        ),
    ),
    Theme(
        number=3,
        title={
            "nl": "Educatie en skills",
            "de": "Bildung und Kompetenzen",
            "en": "Education and skills",
        },
        recommendations=(
            _rec(
                "3a",
                "Zorg voor structurele inbedding van EDL",
                "Für eine strukturelle Verankerung der EDL sorgen",
                "Embed the EDL (Euregional continuous learning pathway) structurally",
            ),
            _rec(
                "3b",
                "Volg een twee sporenbeleid voor de grensoverstijgende erkenning van het mbo-diploma",
                "Eine Zwei-Wege-Strategie für die grenzüberschreitende Anerkennung "
                "niederländischer Berufsabschlüsse (mbo) verfolgen",
                "Follow a two-track policy for the cross-border recognition of the Dutch "
                "vocational (mbo) diploma",
            ),
            _rec(
                "3c",
                "Stuur op benodigde skills door AI, ook voor de grensoverstijgende arbeidsmarkt",
                "Die durch KI erforderlichen Kompetenzen steuern, auch für den "
                "grenzüberschreitenden Arbeitsmarkt",
                "Steer on the skills that AI requires, including for the cross-border labour market",
            ),
        ),
    ),
    Theme(
        number=4,
        title={
            "nl": "Ondernemen aan de grens",
            "de": "Unternehmertum an der Grenze",
            "en": "Doing business at the border",
        },
        recommendations=(
            _rec(
                "4a",
                "Maak gebruik van de kansen die de nabijheid van Duitsland biedt",
                "Die Chancen nutzen, die die Nähe zu Deutschland bietet",
                "Seize the opportunities offered by the proximity of Germany",
            ),
            _rec(
                "4b",
                "Benut de verschillen in wetgeving",
                "Die Unterschiede in der Gesetzgebung nutzen",
                "Make use of the differences in legislation",
            ),
            _rec(
                "4c",
                "Zorg voor transparantie op de arbeidsmarkt tussen Duitsland en Nederland",
                "Für Transparenz auf dem Arbeitsmarkt zwischen Deutschland und den Niederlanden sorgen",
                "Ensure transparency on the labour market between Germany and the Netherlands",
            ),
        ),
    ),
    Theme(
        number=5,
        title={
            "nl": "Kennisinfrastructuur en mobiliteit",
            "de": "Wissensinfrastruktur und Mobilität",
            "en": "Knowledge infrastructure and mobility",
        },
        recommendations=(
            _rec(
                "5a",
                "Behoud de GrensInfoPunten en ontwikkel ze door",
                "Die GrenzInfoPunkte erhalten und weiterentwickeln",
                "Keep the Cross-border Information Points (GrensInfoPunten) and develop them further",
            ),
            _rec(
                "5b",
                "Zorg voor een goede bereikbaarheid van de grensstreek",
                "Für eine gute Erreichbarkeit der Grenzregion sorgen",
                "Ensure the border region is easy to reach",
            ),
        ),
    ),
    Theme(
        number=6,
        title={
            "nl": "Euregionaal burgerschap",
            "de": "Euregionale Bürgerschaft",
            "en": "Euregional citizenship",
        },
        recommendations=(
            _rec(
                "6a",
                "Bevorder Euregionaal burgerschap",
                "Euregionale Bürgerschaft fördern",
                "Promote Euregional citizenship",
            ),
            _rec(
                "6b",
                "Besteed aandacht aan Brede Welvaart, juist ook in de grensstreek",
                "Dem umfassenden Wohlstand (Brede Welvaart) Aufmerksamkeit schenken, "
                "gerade auch in der Grenzregion",
                "Pay attention to broad prosperity (well-being), especially in the border region",
            ),
            _rec(
                "6c",
                "Benut ambassadeurs uit de grensregio",
                "Botschafterinnen und Botschafter aus der Grenzregion einsetzen",
                "Make use of ambassadors from the border region",
            ),
            _rec(
                "6d",
                "Bevestig het gebruik van de verbindende Nedersaksische streektaal",
                "Den Gebrauch der verbindenden niedersächsischen Regionalsprache (Plattdeutsch) bekräftigen",
                "Affirm the use of the connecting Low Saxon regional language",
            ),
        ),
    ),
)

RECOMMENDATIONS: dict[str, Recommendation] = {
    rec.code: rec for theme in THEMES for rec in theme.recommendations
}

_THEMES_BY_NUMBER: dict[str, Theme] = {str(theme.number): theme for theme in THEMES}


def _clean(code: str) -> str:
    return code.strip().lower()


def theme_of(code: str) -> int:
    """Theme number of a recommendation code ("3a" -> 3) or theme code ("3" -> 3)."""
    key = _clean(code)
    if key in _THEMES_BY_NUMBER:
        return _THEMES_BY_NUMBER[key].number
    if key in RECOMMENDATIONS:
        return RECOMMENDATIONS[key].theme
    raise KeyError(code)


def is_valid_code(code: str) -> bool:
    """True for a theme number "1".."6" or an existing recommendation code."""
    key = _clean(code)
    return key in _THEMES_BY_NUMBER or key in RECOMMENDATIONS


def title(code: str, locale: str) -> str:
    """Title of a theme or recommendation in nl/de/en, falling back to nl."""
    key = _clean(code)
    if key in RECOMMENDATIONS:
        titles = RECOMMENDATIONS[key].title
    elif key in _THEMES_BY_NUMBER:
        titles = _THEMES_BY_NUMBER[key].title
    else:
        raise KeyError(code)
    lang = locale.strip().lower()[:2] if locale else "nl"
    return titles.get(lang, titles["nl"])
