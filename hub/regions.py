"""Regions of the Dutch-German-Belgian border area.

NUTS codes follow the Eurostat classification NUTS 2021 (Regulation (EU) 2019/1755),
limited to the countries, the Dutch border provinces, the adjacent German and Belgian
regions and their border NUTS 3 areas. The six Euregio areas have our own codes
(level "euregio", country "EU"); they are cross-border associations, not NUTS units.

NUTS 2021 specifics worth knowing: Groningen is NL111/NL112/NL113 (recoded to
NL114/NL115 only in NUTS 2024), Noord-Brabant is NL411-NL414 (NL415/NL416 in
NUTS 2024), and Belgian Limburg is BE223 Tongeren, BE224 Hasselt, BE225 Maaseik.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Region:
    code: str  # NUTS code ("NL213") or a named Euregio area code ("EUREGIO")
    name: str  # official/common name
    country: str  # "NL", "DE", "BE" or "EU" for cross-border Euregio areas
    level: str  # "nuts0", "nuts1", "nuts2", "nuts3" or "euregio"


_REGIONS: tuple[Region, ...] = (
    # Countries
    Region("NL", "Nederland", "NL", "nuts0"),
    Region("DE", "Deutschland", "DE", "nuts0"),
    Region("BE", "België / Belgique / Belgien", "BE", "nuts0"),
    # Netherlands: NUTS 1
    Region("NL1", "Noord-Nederland", "NL", "nuts1"),
    Region("NL2", "Oost-Nederland", "NL", "nuts1"),
    Region("NL3", "West-Nederland", "NL", "nuts1"),
    Region("NL4", "Zuid-Nederland", "NL", "nuts1"),
    # Netherlands: border provinces (NUTS 2) and their border areas (NUTS 3)
    Region("NL11", "Groningen", "NL", "nuts2"),
    Region("NL111", "Oost-Groningen", "NL", "nuts3"),
    Region("NL112", "Delfzijl en omgeving", "NL", "nuts3"),
    Region("NL13", "Drenthe", "NL", "nuts2"),
    Region("NL132", "Zuidoost-Drenthe", "NL", "nuts3"),
    Region("NL21", "Overijssel", "NL", "nuts2"),
    Region("NL211", "Noord-Overijssel", "NL", "nuts3"),
    Region("NL213", "Twente", "NL", "nuts3"),
    Region("NL22", "Gelderland", "NL", "nuts2"),
    Region("NL225", "Achterhoek", "NL", "nuts3"),
    Region("NL226", "Arnhem/Nijmegen", "NL", "nuts3"),
    Region("NL34", "Zeeland", "NL", "nuts2"),
    Region("NL341", "Zeeuwsch-Vlaanderen", "NL", "nuts3"),
    Region("NL41", "Noord-Brabant", "NL", "nuts2"),
    Region("NL411", "West-Noord-Brabant", "NL", "nuts3"),
    Region("NL412", "Midden-Noord-Brabant", "NL", "nuts3"),
    Region("NL414", "Zuidoost-Noord-Brabant", "NL", "nuts3"),
    Region("NL42", "Limburg (NL)", "NL", "nuts2"),
    Region("NL421", "Noord-Limburg", "NL", "nuts3"),
    Region("NL422", "Midden-Limburg", "NL", "nuts3"),
    Region("NL423", "Zuid-Limburg", "NL", "nuts3"),
    # Germany: Niedersachsen
    Region("DE9", "Niedersachsen", "DE", "nuts1"),
    Region("DE94", "Weser-Ems", "DE", "nuts2"),
    Region("DE942", "Emden, Kreisfreie Stadt", "DE", "nuts3"),
    Region("DE944", "Osnabrück, Kreisfreie Stadt", "DE", "nuts3"),
    Region("DE947", "Aurich", "DE", "nuts3"),
    Region("DE949", "Emsland", "DE", "nuts3"),
    Region("DE94B", "Grafschaft Bentheim", "DE", "nuts3"),
    Region("DE94C", "Leer", "DE", "nuts3"),
    Region("DE94E", "Osnabrück, Landkreis", "DE", "nuts3"),
    # Germany: Nordrhein-Westfalen
    Region("DEA", "Nordrhein-Westfalen", "DE", "nuts1"),
    Region("DEA1", "Düsseldorf (Regierungsbezirk)", "DE", "nuts2"),
    Region("DEA12", "Duisburg, Kreisfreie Stadt", "DE", "nuts3"),
    Region("DEA14", "Krefeld, Kreisfreie Stadt", "DE", "nuts3"),
    Region("DEA15", "Mönchengladbach, Kreisfreie Stadt", "DE", "nuts3"),
    Region("DEA1B", "Kleve", "DE", "nuts3"),
    Region("DEA1D", "Rhein-Kreis Neuss", "DE", "nuts3"),
    Region("DEA1E", "Viersen", "DE", "nuts3"),
    Region("DEA1F", "Wesel", "DE", "nuts3"),
    Region("DEA2", "Köln (Regierungsbezirk)", "DE", "nuts2"),
    Region("DEA26", "Düren", "DE", "nuts3"),
    Region("DEA28", "Euskirchen", "DE", "nuts3"),
    Region("DEA29", "Heinsberg", "DE", "nuts3"),
    Region("DEA2D", "Städteregion Aachen", "DE", "nuts3"),
    Region("DEA3", "Münster (Regierungsbezirk)", "DE", "nuts2"),
    Region("DEA33", "Münster, Kreisfreie Stadt", "DE", "nuts3"),
    Region("DEA34", "Borken", "DE", "nuts3"),
    Region("DEA35", "Coesfeld", "DE", "nuts3"),
    Region("DEA37", "Steinfurt", "DE", "nuts3"),
    Region("DEA38", "Warendorf", "DE", "nuts3"),
    # Belgium: Vlaanderen
    Region("BE2", "Vlaams Gewest", "BE", "nuts1"),
    Region("BE21", "Prov. Antwerpen", "BE", "nuts2"),
    Region("BE211", "Arr. Antwerpen", "BE", "nuts3"),
    Region("BE213", "Arr. Turnhout", "BE", "nuts3"),
    Region("BE22", "Prov. Limburg (BE)", "BE", "nuts2"),
    Region("BE223", "Arr. Tongeren", "BE", "nuts3"),
    Region("BE225", "Arr. Maaseik", "BE", "nuts3"),
    Region("BE23", "Prov. Oost-Vlaanderen", "BE", "nuts2"),
    Region("BE25", "Prov. West-Vlaanderen", "BE", "nuts2"),
    # Belgium: Wallonie / province of Liège (Euregio Maas-Rijn)
    Region("BE3", "Région wallonne", "BE", "nuts1"),
    Region("BE33", "Prov. Liège", "BE", "nuts2"),
    Region("BE332", "Arr. Liège", "BE", "nuts3"),
    Region("BE335", "Arr. Verviers — communes francophones", "BE", "nuts3"),
    Region("BE336", "Bezirk Verviers — Deutschsprachige Gemeinschaft", "BE", "nuts3"),
    # Cross-border Euregio areas (not NUTS)
    Region("EUREGIO", "EUREGIO (Gronau/Enschede)", "EU", "euregio"),
    Region("EDR", "Ems Dollart Region", "EU", "euregio"),
    Region("ERW", "Euregio Rhein-Waal / Rijn-Waal", "EU", "euregio"),
    Region("ERMN", "euregio rhein-maas-nord", "EU", "euregio"),
    Region("EMR", "Euregio Maas-Rijn / Maas-Rhein / Meuse-Rhin", "EU", "euregio"),
    Region("SCHELDEMOND", "Euregio Scheldemond", "EU", "euregio"),
)

REGIONS: dict[str, Region] = {region.code: region for region in _REGIONS}


def normalise(code: str) -> str:
    """Strip and upper-case a region code."""
    return code.strip().upper()


def is_known(code: str) -> bool:
    """True if the code (any case, surrounding spaces allowed) is in REGIONS."""
    return normalise(code) in REGIONS
