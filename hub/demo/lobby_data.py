"""Demo material for the 2026 lobby cycle of the border provinces (advice recommendation 2e).

Source: SER Overijssel, advies "Eén grensoverstijgende arbeidsmarkt" (17-10-2025),
aanbeveling 2e: "Bepaal samen met de andere grensprovincies de drie belangrijkste
punten ... bijvoorbeeld ... de erkenning van MBO-diploma's, het vereenvoudigen van
administratieve procedures voor grensarbeiders en het bevorderen van taal- en
cultuurtrainingen voor werknemers", to be lobbied "richting het rijk en samen met het
rijk richting Europa" through conferences, joint policy papers and European networks.

The three priorities, their advice codes, figures and quotes come from the advice
(figures and quotes verbatim, quotes attributed by role). The partners' positions,
the actions, their dates and outcomes are fictional demo material for the 2026
cycle (demo "today" is 2026-11-23; actions dated earlier without an outcome are
overdue on purpose). Org keys refer to ``hub.demo.data.ORGANISATIONS``, initiative
keys to ``hub.demo.data.INITIATIVES``.
"""

from __future__ import annotations

from typing import Any

ADVICE = "SER Overijssel, advies 'Eén grensoverstijgende arbeidsmarkt' (17-10-2025)"

LOBBY_CYCLE: dict[str, Any] = {
    "year": 2026,
    "title": {
        "nl": "Lobbycyclus 2026: drie gezamenlijke prioriteiten voor één grensoverstijgende arbeidsmarkt",
        "de": "Lobbyzyklus 2026: drei gemeinsame Prioritäten für einen grenzüberschreitenden Arbeitsmarkt",
        "en": "2026 lobby cycle: three joint priorities for one cross-border labour market",
    },
    "summary": {
        "nl": (
            "De zeven Nederlandse grensprovincies voeren met Nedersaksen, Noordrijn-Westfalen en "
            "Vlaanderen een gezamenlijke strategische lobby op drie prioriteiten, richting het Rijk en "
            "samen met het Rijk richting Brussel, met één sterke en eenduidige boodschap (SER-advies, "
            "aanbeveling 2e)."
        ),
        "de": (
            "Die sieben niederländischen Grenzprovinzen betreiben mit Niedersachsen, Nordrhein-Westfalen "
            "und Flandern eine gemeinsame strategische Lobbyarbeit zu drei Prioritäten – gegenüber Den "
            "Haag und gemeinsam mit Den Haag gegenüber Brüssel – mit einer starken, einheitlichen "
            "Botschaft (SER-Gutachten, Empfehlung 2e)."
        ),
        "en": (
            "The seven Dutch border provinces, together with Lower Saxony, North Rhine-Westphalia and "
            "Flanders, lobby jointly and strategically on three priorities, towards The Hague and, "
            "together with The Hague, towards Brussels, with one strong and consistent message (SER "
            "advice, recommendation 2e)."
        ),
    },
}

PRIORITIES: list[dict[str, Any]] = [
    # ----------------------------------------------------------------------------------
    {
        "key": "mbo-diploma-erkenning",
        "rank": 1,
        "title": {
            "nl": "Grensoverstijgende erkenning van mbo-diploma's",
            "de": "Grenzüberschreitende Anerkennung niederländischer mbo-Abschlüsse",
            "en": "Cross-border recognition of vocational (mbo) diplomas",
        },
        "summary": {
            "nl": (
                "Twee sporen: blijf op ministerieel niveau aandringen op een verdrag voor gereglementeerde "
                "beroepen (zorg, kinderopvang, onderwijs), en steun daarnaast praktische oplossingen zoals "
                "de MOVE-certificaten, binationale mbo-curricula en de EDL."
            ),
            "de": (
                "Zwei Wege: auf Ministerebene weiter auf einen Staatsvertrag für reglementierte Berufe "
                "(Pflege, Kinderbetreuung, Bildung) drängen und zugleich praktische Lösungen wie die "
                "MOVE-Zertifikate, binationale Curricula und die EDL unterstützen."
            ),
            "en": (
                "Two tracks: keep pressing at ministerial level for a treaty covering regulated professions "
                "(care, childcare, education), and meanwhile support practical solutions such as MOVE "
                "certificates, bi-national vocational curricula and the EDL."
            ),
        },
        "advice_codes": ["2e", "3b", "3a"],
        "target_level": "rijk",
        "owner_province": "provincie-overijssel",
        "status": "in_lobby",
        "positions": [
            {"org": "provincie-groningen", "position": "endorses", "date": "2026-03-12", "note": "Ziet in de MOVE-pilot met het Alfa-college een goed bewijs voor spoor 2."},
            {"org": "provincie-drenthe", "position": "endorses", "date": "2026-03-12", "note": "Steunt beide sporen; vraagt aandacht voor zorgberoepen in Zuidoost-Drenthe."},
            {"org": "provincie-overijssel", "position": "endorses", "date": "2026-02-20", "note": "Trekker; onderwerp komt rechtstreeks uit het SER-advies en de vragen van Provinciale Staten."},
            {"org": "provincie-gelderland", "position": "endorses", "date": "2026-03-05", "note": "Sluit aan via Goede Noabers; wil kinderopvang expliciet benoemen."},
            {"org": "provincie-limburg", "position": "endorses", "date": "2026-03-19", "note": "Wil dat de oplossing ook voor de Belgische grens bruikbaar is."},
            {"org": "provincie-noord-brabant", "position": "supports_with_reservations", "date": "2026-04-02", "note": "Steunt, mits Vlaamse diploma's in een later stadium worden meegenomen."},
            {"org": "provincie-zeeland", "position": "undecided", "date": "2026-04-02", "note": "Arbeidsmarkt vooral gericht op Vlaanderen; standpunt na afstemming binnen Scheldemond."},
            {"org": "land-niedersachsen", "position": "supports_with_reservations", "date": "2026-05-06", "note": "Anerkennung liegt teils beim Bund und bei den Kammern; unterstützt vor allem den praktischen Weg."},
            {"org": "land-nrw", "position": "supports_with_reservations", "date": "2026-05-06", "note": "Für reglementierte Berufe sind Bund und Kammern zuständig; Verhandlungsmandat erst klären."},
            {"org": "vlaamse-overheid", "position": "undecided", "date": "2026-04-15", "note": "Vooral een Nederlands-Duits dossier; Vlaanderen volgt via de Benelux-afspraken."},
        ],
        "actions": [
            {
                "kind": "position_paper",
                "title": "Gezamenlijk positionpaper 'Twee sporen voor de erkenning van het mbo-diploma'",
                "date": "2026-04-30",
                "responsible": "provincie-overijssel",
                "outcome": "Vastgesteld door de zeven grensprovincies; de Länder en Vlaanderen sloten aan als waarnemer.",
                "links": ["https://rijnlandinstituut.eu/nieuws/rijnland-instituut-verkent-grensoverschrijdende-diplomering/"],
            },
            {
                "kind": "ministry_meeting",
                "title": "Ambtelijk overleg met het ministerie van OCW over het verdragsspoor",
                "date": "2026-06-18",
                "responsible": "provincie-overijssel",
                "outcome": "OCW verkent met de Duitse partners of het sinds 2018 stilliggende dossier kan worden heropend; vervolgafspraak in het eerste kwartaal van 2027.",
                "links": [],
            },
            {
                "kind": "letter",
                "title": "Brief aan de minister van OCW en het Bundesministerium over de erkenning in gereglementeerde beroepen",
                "date": "2026-09-30",
                "responsible": "provincie-gelderland",
                "outcome": None,
                "links": [],
            },
            {
                "kind": "conference",
                "title": "Grensconferentie 'Mbo zonder grenzen' met de resultaten van de MOVE-pilots",
                "date": "2027-03-11",
                "responsible": "provincie-groningen",
                "outcome": None,
                "links": ["https://move-certificate.eu/"],
            },
            {
                "kind": "eu_network",
                "title": "Inbreng in Europese netwerken over de erkenning van beroepskwalificaties in grensregio's",
                "date": "2027-05-20",
                "responsible": "provincie-limburg",
                "outcome": None,
                "links": [],
            },
        ],
        "evidence_initiatives": ["move-certificates", "move-pilot-it-2025", "binationale-mbo-curricula", "edl"],
        "figures": [
            {
                "text": "Erkenning van Nederlandse mbo-diploma's in Duitsland ligt op ministerieel niveau stil",
                "value": "sinds 2018",
                "source": f"{ADVICE}, aanbeveling 3b",
                "date": "2025-10-17",
            },
            {
                "text": "Nederlanders die in Duitsland werkten (circa 6.800 in Noordrijn-Westfalen, 1.100 in Nedersaksen)",
                "value": "ca. 7.900",
                "source": f"{ADVICE}, hoofdstuk 3 (o.b.v. EUREGIO en CBS)",
                "date": "2021-12-31",
            },
            {
                "text": "Werknemers die vanuit Duitsland naar Nederland pendelden",
                "value": "bijna 44.000",
                "source": f"{ADVICE}, hoofdstuk 3 (o.b.v. EUREGIO en CBS)",
                "date": "2021-12-31",
            },
            {
                "text": "Grensoverstijgend woon-werkverkeer in TECH.LAND (respectievelijk)",
                "value": "0,6% en 0,3%",
                "source": f"{ADVICE}, aanbeveling 2c (TECH.LAND Monitor 1, ZNS, 2025)",
                "date": "2025-10-17",
            },
        ],
        "quotes": [
            {
                "text": "In de grensregio worden problemen vaak pragmatisch en individueel opgelost, maar een structurele oplossing via een verdrag is noodzakelijk.",
                "source": f"{ADVICE}, aanbeveling 3b",
            },
            {
                "text": "Het kapitaal van Europa zijn de mensen, het human capital. Veel mensen zijn opgeleid op mbo-niveau. Het mkb vormt een plek waar mensen elkaar leren kennen, moeten samenwerken en ideeën ontwikkelen. Europa moet sterker samenwerken, educatie is daarvoor een belangrijke sleutel en gezamenlijk opleiden binnen de grensregio’s is mogelijk. Tomorrow is calling, we have the answer.",
                "source": f"Programmamanager Rijnland Instituut, geciteerd in {ADVICE}, aanbeveling 3b",
            },
            {
                "text": "Lobbytrajecten zijn nodig voor erkenning van diploma's.",
                "source": f"Verslag expertmeeting 10 maart 2025, bijlage 2 bij {ADVICE}",
            },
        ],
    },
    # ----------------------------------------------------------------------------------
    {
        "key": "eenvoudiger-administratie-grensarbeiders",
        "rank": 2,
        "title": {
            "nl": "Eenvoudiger administratie voor grensarbeiders: sociale zekerheid, belastingen en één loket",
            "de": "Weniger Verwaltungsaufwand für Grenzgänger: Sozialversicherung, Steuern und eine Anlaufstelle",
            "en": "Simpler administration for cross-border workers: social security, tax and a one-stop shop",
        },
        "summary": {
            "nl": (
                "Vereenvoudig de administratieve procedures voor grensarbeiders en hun werkgevers "
                "(sociale zekerheid, belastingen, thuiswerken), maak de arbeidsmarkt transparant voor "
                "werkgevers en borg de GrensInfoPunten als structureel gefinancierd één loket."
            ),
            "de": (
                "Verwaltungsverfahren für Grenzgänger und ihre Arbeitgeber vereinfachen (Sozialversicherung, "
                "Steuern, Homeoffice), den Arbeitsmarkt für Arbeitgeber transparent machen und die "
                "GrenzInfoPunkte als dauerhaft finanzierte zentrale Anlaufstelle sichern."
            ),
            "en": (
                "Simplify administrative procedures for cross-border workers and their employers (social "
                "security, tax, working from home), make the labour market transparent for employers and "
                "secure the Cross-border Information Points as a structurally funded one-stop shop."
            ),
        },
        "advice_codes": ["2e", "4b", "4c", "5a"],
        "target_level": "rijk",
        "owner_province": "provincie-limburg",
        "status": "agreed",
        "positions": [
            {"org": "provincie-groningen", "position": "endorses", "date": "2026-02-26", "note": "Structurele financiering van het GIP in de Ems Dollart Region is voor Groningen de kern."},
            {"org": "provincie-drenthe", "position": "supports_with_reservations", "date": "2026-03-12", "note": "Steunt, maar wil geen hogere regionale cofinanciering dan nu."},
            {"org": "provincie-overijssel", "position": "endorses", "date": "2026-02-20", "note": "Volgt het SER-advies: GIP's van 'nice-to-have' naar 'must have'."},
            {"org": "provincie-gelderland", "position": "endorses", "date": "2026-03-05", "note": "Vraagt aandacht voor werkgevers in de Achterhoek met Duitse medewerkers."},
            {"org": "provincie-limburg", "position": "endorses", "date": "2026-02-19", "note": "Trekker; werkgevers als Viking Venlo lopen dagelijks tegen belasting- en verzekeringsvragen aan."},
            {"org": "provincie-noord-brabant", "position": "endorses", "date": "2026-04-02", "note": "Wil het Belgisch-Nederlandse belastingverdrag in hetzelfde pakket."},
            {"org": "provincie-zeeland", "position": "endorses", "date": "2026-04-02", "note": "Financiering van het GIP Scheldemond loopt in 2027 af; urgent."},
            {"org": "land-niedersachsen", "position": "endorses", "date": "2026-05-06", "note": "Unterstützt; bittet um Einbindung der Arbeitsagenturen."},
            {"org": "land-nrw", "position": "endorses", "date": "2026-05-06", "note": "Unterstützt; verweist auf die Regierungskonsultationen von 2023."},
            {"org": "vlaamse-overheid", "position": "supports_with_reservations", "date": "2026-04-15", "note": "Steunt het loketdeel; fiscale afspraken met Nederland lopen via een apart federaal spoor."},
        ],
        "actions": [
            {
                "kind": "letter",
                "title": "Brief aan de minister van SZW: borg de 50%-financiering van de GrensInfoPunten ook na 2027",
                "date": "2026-03-31",
                "responsible": "provincie-limburg",
                "outcome": "Ontvangst bevestigd; SZW betrekt het verzoek bij de voorjaarsbesluitvorming 2027.",
                "links": ["https://www.grenspostdusseldorf.nl/actueel/extra-financiering-grensinfopunten-rond"],
            },
            {
                "kind": "ministry_meeting",
                "title": "Overleg met Financiën over de uitvoering van de thuiswerkregeling in het belastingverdrag (34 dagen)",
                "date": "2026-10-15",
                "responsible": "provincie-overijssel",
                "outcome": None,
                "links": [],
            },
            {
                "kind": "position_paper",
                "title": "Handreiking voor werkgevers: vacatureteksten, referenties en arbeidsvoorwaarden in Nederland en Duitsland",
                "date": "2026-11-01",
                "responsible": "provincie-gelderland",
                "outcome": None,
                "links": [],
            },
            {
                "kind": "eu_network",
                "title": "Inbreng bij Europese netwerken over telewerken door grensarbeiders (EU-Kaderovereenkomst, A1-verklaring)",
                "date": "2027-02-15",
                "responsible": "land-nrw",
                "outcome": None,
                "links": [
                    "https://www.rijksoverheid.nl/documenten/diplomatieke-verklaringen/2023/03/27/gezamenlijke-verklaring-regeringsconsultaties-tussen-nederland-en-duitsland-27-maart-2023",
                ],
            },
            {
                "kind": "conference",
                "title": "Werkgeversconferentie 'Werken over de grens als vanzelfsprekendheid'",
                "date": "2027-04-22",
                "responsible": "provincie-noord-brabant",
                "outcome": None,
                "links": [],
            },
        ],
        "evidence_initiatives": [
            "netwerk-grensinfopunten",
            "gip-euregio",
            "gip-rhein-maas-nord",
            "gip-scheldemond",
            "grenswerk-enschede-gronau",
            "cross-border-labour-market-analysis",
        ],
        "figures": [
            {
                "text": "Bijdrage van SZW aan de kosten van de GrensInfoPunten (de andere helft betalen regionale partijen)",
                "value": "50% vanaf 2025",
                "source": f"{ADVICE}, aanbeveling 5a",
                "date": "2025-01-01",
            },
            {
                "text": "Maximaal telewerken vanuit het woonland met behoud van sociale verzekering in het werkland (EU-Kaderovereenkomst, A1-verklaring vereist)",
                "value": "49,99%",
                "source": f"{ADVICE}, aanbeveling 4a",
                "date": "2023-07-01",
            },
            {
                "text": "Thuiswerkdagen per jaar zonder belastingplicht in beide landen na aanpassing van het belastingverdrag (waarschijnlijk vanaf 2026)",
                "value": "34 dagen",
                "source": f"{ADVICE}, aanbeveling 4a",
                "date": "2025-10-17",
            },
            {
                "text": "Medewerkers van Viking Venlo die uit Duitsland komen",
                "value": "ca. 175 van de 500",
                "source": f"{ADVICE}, aanbeveling 4a (best practice Viking Venlo)",
                "date": "2025-10-17",
            },
            {
                "text": "Werkloosheid Nederland tegenover Duitsland (Duits-Nederlandse Handelskamer, eind 2024)",
                "value": "3,7% tegenover 6,1%",
                "source": f"Verslag expertmeeting 10 maart 2025, bijlage 2 bij {ADVICE}",
                "date": "2024-12-31",
            },
        ],
        "quotes": [
            {
                "text": "Nederland en Duitsland willen de samenwerking bij grensoverschrijdende werkzaamheden vergemakkelijken en versterken, zodat iedereen de vruchten van onze grensregio kan plukken. Wij zijn vastbesloten de uitdagingen aan te pakken waarmee inwoners van de grensregio en grensarbeiders worden geconfronteerd, bijvoorbeeld op het gebied van sociale zekerheid en belastingen.",
                "source": f"Diplomatieke verklaring 29-03-2023, geciteerd in {ADVICE}, aanbeveling 2d",
            },
            {
                "text": "De GrensInfoPunten doen fantastisch werk om mensen daarbij te helpen. Maar door de onzekerheid over de financiering dreigde personeel en kennis verloren te gaan. Ik ben heel blij dat we een oplossing kunnen bieden.",
                "source": f"Minister Van Hijum (SZW), geciteerd in {ADVICE}, aanbeveling 5a",
            },
            {
                "text": "Werken over de grens moet een vanzelfsprekendheid worden.",
                "source": f"Senior HR-manager Viking Venlo, geciteerd in {ADVICE}, aanbeveling 4a",
            },
        ],
    },
    # ----------------------------------------------------------------------------------
    {
        "key": "taal-en-cultuur",
        "rank": 3,
        "title": {
            "nl": "Taal- en cultuurtrainingen voor werknemers en Euregionaal burgerschap",
            "de": "Sprach- und Kulturtrainings für Beschäftigte und euregionale Bürgerschaft",
            "en": "Language and culture training for workers and Euregional citizenship",
        },
        "summary": {
            "nl": (
                "Bevorder taal- en cultuurtrainingen voor werknemers (onboarding, buddy-systemen), Duits "
                "en Nederlands in het onderwijs vanaf jonge leeftijd, en het verbindende Nedersaksisch als "
                "onderdeel van Euregionaal burgerschap en regionale arbeidsmarktpromotie."
            ),
            "de": (
                "Sprach- und Kulturtrainings für Beschäftigte (Onboarding, Buddy-Systeme), Deutsch und "
                "Niederländisch im Unterricht schon im jungen Alter sowie das verbindende Niedersächsisch "
                "als Teil euregionaler Bürgerschaft und regionaler Arbeitsmarktwerbung fördern."
            ),
            "en": (
                "Promote language and culture training for workers (onboarding, buddy systems), German and "
                "Dutch in education from a young age, and the connecting Low Saxon language as part of "
                "Euregional citizenship and regional labour-market promotion."
            ),
        },
        "advice_codes": ["2e", "6a", "6d", "1a"],
        "target_level": "eu",
        "owner_province": "provincie-gelderland",
        "status": "proposed",
        "positions": [
            {"org": "provincie-groningen", "position": "endorses", "date": "2026-03-12", "note": "Nedersaksisch als verbindende taal met Oost-Friesland en het Emsland."},
            {"org": "provincie-drenthe", "position": "endorses", "date": "2026-03-12", "note": "Steunt; wil de streektaal opnemen in gezamenlijke arbeidsmarktcampagnes."},
            {"org": "provincie-overijssel", "position": "endorses", "date": "2026-02-20", "note": "Volgt het SER-advies (6a en 6d)."},
            {"org": "provincie-gelderland", "position": "endorses", "date": "2026-03-05", "note": "Trekker; koppelt het aan de EDL en Goede Noabers."},
            {"org": "provincie-limburg", "position": "supports_with_reservations", "date": "2026-03-19", "note": "Steunt taaltrainingen; Nedersaksisch is voor Limburg niet relevant."},
            {"org": "provincie-noord-brabant", "position": "undecided", "date": "2026-04-02", "note": "Taal is aan de Belgische grens geen knelpunt; beslist na de ambtelijke ronde."},
            {"org": "provincie-zeeland", "position": "opposes", "date": "2026-04-02", "note": "Geeft als derde prioriteit de voorkeur aan bereikbaarheid en de gevolgen van grenscontroles."},
            {"org": "land-niedersachsen", "position": "endorses", "date": "2026-05-06", "note": "Unterstützt; Plattdeutsch ist auch in Niedersachsen als Regionalsprache anerkannt."},
            {"org": "land-nrw", "position": "supports_with_reservations", "date": "2026-05-06", "note": "Schulpolitik liegt beim Schulministerium; Unterstützung für Trainings am Arbeitsplatz."},
            {"org": "vlaamse-overheid", "position": "undecided", "date": "2026-04-15", "note": "Gedeelde taal met Nederland; interesse in het cultuurdeel."},
        ],
        "actions": [
            {
                "kind": "conference",
                "title": "Euregionale bijeenkomst over taal, cultuur en het Nedersaksisch op de arbeidsmarkt",
                "date": "2026-06-06",
                "responsible": "provincie-drenthe",
                "outcome": "Oproep om de streektaal op te nemen in een gezamenlijke arbeidsmarktcampagne.",
                "links": ["https://nedersaksisch.com/nedersaksisch-wat-is-het-waar-is-het-en-hoe-het-wordt-toegepast/"],
            },
            {
                "kind": "position_paper",
                "title": "Notitie taal- en cultuurtrainingen voor grensarbeiders (onboarding en buddy-systemen)",
                "date": "2026-09-15",
                "responsible": "provincie-gelderland",
                "outcome": None,
                "links": [],
            },
            {
                "kind": "eu_network",
                "title": "Verkenning van Europese programma's voor taal- en cultuurtrainingen in grensregio's",
                "date": "2027-01-20",
                "responsible": "land-niedersachsen",
                "outcome": None,
                "links": [],
            },
            {
                "kind": "letter",
                "title": "Brief aan OCW: Duits vanaf jonge leeftijd in het onderwijs in de grensregio",
                "date": "2027-06-30",
                "responsible": "provincie-overijssel",
                "outcome": None,
                "links": ["https://www.euregio.eu/wat-we-doen/maatschappelijke-ontwikkeling/edl/"],
            },
        ],
        "evidence_initiatives": [
            "edl",
            "edl-scholenmakelaar",
            "netwerkbijeenkomst-emmerich-2025",
            "euregionaal-werk-brede-welvaart",
        ],
        "figures": [
            {
                "text": "Duitse inkomende toeristen in Overijssel, goed voor ruim tweederde van alle inkomende overnachtingen",
                "value": "ruim 1 miljoen",
                "source": f"{ADVICE}, aanbeveling 1b (o.b.v. Kennisplatform Oost)",
                "date": "2025-10-17",
            },
            {
                "text": "Engelstalige vacatures in het Nederlandse deel van TECH.LAND (verwaarloosbaar in Duitsland)",
                "value": "10%",
                "source": f"{ADVICE}, aanbeveling 2c (TECH.LAND Monitor 1, ZNS, 2025)",
                "date": "2025-10-17",
            },
        ],
        "quotes": [
            {
                "text": "Dialect schept herkenning en een gevoel van nabijheid, waardoor barrières tussen Nederlandse en Duitse werknemers sneller verdwijnen.",
                "source": f"{ADVICE}, aanbeveling 6d",
            },
            {
                "text": "Start op jonge leeftijd (vanaf ongeveer 7 jaar) al met het leren van de Duitse taal.",
                "source": f"Verslag expertmeeting 10 maart 2025, bijlage 2 bij {ADVICE}",
            },
            {
                "text": "Een grotere arbeidspool geeft meer kansen voor werkgevers/opdrachtgevers. Maar ook vanuit de werknemer/ZZP’er zijn er meer mogelijkheden in een grensoverstijgende arbeidsmarkt.",
                "source": f"Grenspendelaar (woont in Duitsland, werkt in Nederland), geciteerd in {ADVICE}, aanbeveling 4a",
            },
        ],
    },
]
