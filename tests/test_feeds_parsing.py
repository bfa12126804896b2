"""Reading feed bytes (RSS 2.0, Atom 1.0, RSS 1.0 and broken ones), sanitising, and recognising names."""
from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from hub.demo import data
from hub.feeds.forms import PROBLEM_LABELS
from hub.feeds.matching import Matcher
from hub.feeds.models import FeedProblem, PollFailed
from hub.feeds.parse import language_code, read_feed, sanitise, web_link

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "feeds"


def read(name: str, content_type: str | None = None):
    return read_feed((FIXTURES / name).read_bytes(), content_type, "en").entries


def demo_matcher() -> Matcher:
    """The demo registry's names, exactly as the alias lists give them."""
    matcher = Matcher()
    for row in data.INITIATIVES:
        for name in (row.get("name_nl"), row.get("name_de"), row.get("name_en"), row.get("acronym"), *row.get("aliases", [])):
            matcher.add(name, ("initiative", row["key"]))  # type: ignore[arg-type]
    for row in data.ORGANISATIONS:
        matcher.add_organisation(row["name"], row["key"])  # type: ignore[arg-type]
    return matcher


def test_rss2_entries_with_utc_dates_keys_and_missing_fields() -> None:
    entries = read("euregio-nieuws.rss")
    assert [e.title for e in entries][:2] == ["GrensInfoPunt Euregio blijft open: Rijk betaalt de helft",
                                              "EDL-Scholenmakelaar brengt dertig scholen over de grens samen"]
    assert entries[0].published_at == datetime(2026, 11, 20, 8, 30, tzinfo=UTC)  # 09:30 +0100
    assert entries[0].language == "nl"  # <language>nl-NL</language>
    no_date = entries[3]
    assert no_date.published_at is None and no_date.link is None
    assert len({e.key for e in entries}) == 4


def test_atom_entries_keep_their_language_and_content() -> None:
    entries = read("grenzland-nachrichten.atom")
    assert len(entries) == 3
    assert all(e.language == "de" for e in entries)
    assert entries[1].published_at == datetime(2026, 11, 19, 7, 45, tzinfo=UTC)  # only <updated>
    assert entries[2].published_at == datetime(2026, 11, 17, 14, 30, tzinfo=UTC)  # +02:00
    assert "Halbstundentakt" in entries[2].summary_html  # from <content>, there is no <summary>


def test_rss1_rdf_entries() -> None:
    entries = read("arbeitsmarkt-grenzregion.rdf")
    assert [e.link for e in entries] == ["https://arbeitsmarkt.example.de/grenzregion/2026/edl-lernlinie",
                                         "https://arbeitsmarkt.example.de/grenzregion/2026/move-zertifikat"]
    assert entries[0].language == "de"
    assert entries[0].published_at == datetime(2026, 11, 12, 10, 0, tzinfo=UTC)


def test_dedupe_key_prefers_guid_then_link_then_title_and_date() -> None:
    first, second = read("euregio-nieuws.rss"), read("euregio-nieuws-bijgewerkt.rss")
    by_title = {e.title: e for e in second}
    assert by_title["Correctie: GrensInfoPunt Euregio blijft open tot en met 2028"].key == first[0].key  # same guid
    assert by_title["TECH.LAND zoekt Duitse technici voor Twentse maakbedrijven"].key == first[2].key  # same link
    assert by_title["Grensoverschrijdende netwerkavond over werken in Duitsland"].key == first[3].key  # title, no date
    assert by_title["Correctie: GrensInfoPunt Euregio blijft open tot en met 2028"].fingerprint != first[0].fingerprint
    assert by_title["TECH.LAND zoekt Duitse technici voor Twentse maakbedrijven"].fingerprint == first[2].fingerprint


def test_feed_html_is_sanitised() -> None:
    summary = read("euregio-nieuws.rss")[1].summary_html
    assert "<b>EDL-Scholenmakelaar</b>" in summary
    for unsafe in ("<script", "alert(", "onerror", "onclick", "<img", "javascript:"):
        assert unsafe not in summary
    cleaned = sanitise('<p style="x" onmouseover="y">Hi <a href="https://a.example/">a</a><iframe src="https://e.example"></iframe></p>')
    assert cleaned == '<p>Hi <a href="https://a.example/" rel="noopener noreferrer nofollow">a</a></p>'


def test_only_web_links_and_known_language_codes_are_kept() -> None:
    assert web_link("javascript:alert(1)") is None
    assert web_link("data:text/html,x") is None
    assert web_link(" https://example.org/a ") == "https://example.org/a"
    assert language_code("de-DE") == "de" and language_code("NL") == "nl" and language_code("??") is None


@pytest.mark.parametrize(("name", "content_type", "problem"), [
    ("leeg.xml", None, FeedProblem.EMPTY),
    ("geen-feed.html", "text/html", FeedProblem.HTML),
    ("kaputt.xml", None, FeedProblem.MALFORMED),
    ("abgebrochen.rss", None, FeedProblem.MALFORMED),
    ("sitemap.xml", "application/xml", FeedProblem.NOT_A_FEED),
])
def test_broken_documents_name_their_problem(name: str, content_type: str | None, problem: FeedProblem) -> None:
    with pytest.raises(PollFailed) as caught:
        read(name, content_type)
    assert caught.value.problem == problem
    assert caught.value.detail


def test_items_with_only_a_description_are_told_apart_by_their_content() -> None:
    """A notice board feed: no title, guid, link or date. Each item is its own entry, under the same key at every poll."""
    entries = read("mededelingen-gemeente.rss")
    assert len(entries) == len({e.key for e in entries}) == 3
    assert [e.key for e in read("mededelingen-gemeente.rss")] == [e.key for e in entries]
    assert "GrenzInfoPunkt EUREGIO" in entries[0].text


@pytest.mark.parametrize(("name", "warning", "count", "words"), [
    ("grenzpendler-nbsp.rss", FeedProblem.RECOVERED_XML, 3, "GrenzInfoPunkt EUREGIO: Sprechstunden im Dezember"),
    ("losse-ampersand.atom", FeedProblem.RECOVERED_XML, 2, "Belasting & sociale zekerheid: nieuwe rekenhulp"),
    ("cp1252-als-utf8.rss", FeedProblem.RECOVERED_ENCODING, 2, "„Ein Gewinn für beide Seiten“: Grenzbus fährt weiter"),
    ("falsche-kodierung.rss", FeedProblem.RECOVERED_ENCODING, 1, "Grüße aus Münster: GrenzInfoPunkt EUREGIO berät Pendler"),
])
def test_flawed_feeds_read_whole_are_taken_with_a_warning(name: str, warning: FeedProblem, count: int, words: str) -> None:
    feed = read_feed((FIXTURES / name).read_bytes(), None, "en")
    assert feed.warning == warning and feed.detail
    assert len(feed.entries) == count
    assert feed.entries[0].title == words


def test_the_euro_sign_of_a_windows_1252_feed_survives() -> None:
    assert "25.000 € zu – der Kreis" in read("cp1252-als-utf8.rss")[0].summary_html


@pytest.mark.parametrize(("name", "link", "in_summary"), [
    ("relatieve-links.rss", "https://feeds.example.org/nieuws/2026/stages-zorg", "https://feeds.example.org/downloads/stages-zorg.pdf"),
    ("relatieve-links.atom", "https://feeds.example.org/pad/artikel/buslinie-kleve-nijmegen.html", "https://feeds.example.org/fahrplan/58"),
])
def test_relative_links_resolve_against_the_feed_address(name: str, link: str, in_summary: str) -> None:
    entry = read_feed((FIXTURES / name).read_bytes(), None, "en", base_url="https://feeds.example.org/pad/feed.xml").entries[0]
    assert entry.link == link
    assert f'href="{in_summary}"' in entry.summary_html


@pytest.mark.parametrize("name", ["relatieve-links.rss", "relatieve-links.atom"])
def test_links_that_cannot_be_made_absolute_are_dropped_never_pointed_into_the_hub(name: str) -> None:
    for entry in read(name):
        assert entry.link is None or entry.link.startswith("https://")
        assert 'href="/' not in entry.summary_html and 'href="..' not in entry.summary_html
        assert not re.search(r'href="(?!https?://)', entry.summary_html)


def test_html_body_without_doctype_served_as_html_is_html() -> None:
    with pytest.raises(PollFailed) as caught:
        read_feed(b"<!-- nieuws -->\n<div>Onze feed is verhuisd</div>", "text/html; charset=utf-8", "nl")
    assert caught.value.problem == FeedProblem.HTML


def test_bytes_naming_a_local_file_are_parsed_as_content_not_opened() -> None:
    with pytest.raises(PollFailed) as caught:
        read_feed(str(FIXTURES / "euregio-nieuws.rss").encode(), None, "nl")
    assert caught.value.problem == FeedProblem.MALFORMED


def test_every_problem_has_a_label() -> None:
    assert set(PROBLEM_LABELS) == set(FeedProblem)


# --- matching --------------------------------------------------------------------------------------


def test_german_item_links_techland_and_gip_euregio() -> None:
    german = read("grenzland-nachrichten.atom")[0]
    assert german.language == "de"
    found = demo_matcher().find(german.text)
    assert found[("initiative", "techland")] == "TECH.LAND"
    assert found[("initiative", "gip-euregio")] == "GrensInfoPunt Euregio"


def test_techland_inside_another_word_is_not_a_mention() -> None:
    item = read("grenzland-nachrichten.atom")[1]
    assert "Techlandschaft" in item.text and "Hightechlandschaft" in item.text
    found = demo_matcher().find(item.text)
    assert ("initiative", "techland") not in found
    assert found == {("organisation", "ihk-nord-westfalen"): "IHK Nord Westfalen"}


@pytest.mark.parametrize("text", [
    "Neues von Techland aus Twente.",  # alias "TECHLAND", any case
    "TECH LAND wächst.",  # alias "TECH LAND"
    "Das tech.land-Netzwerk",  # dot joins the words; the hyphen ends the name
    "Bericht über TÉCH.LÄND",  # diacritics do not matter
])
def test_spellings_from_the_alias_list_match(text: str) -> None:
    assert ("initiative", "techland") in demo_matcher().find(text)


@pytest.mark.parametrize("text", [
    "Die Techlandschaft im Osten",
    "Hightechland Twente",
    "Mehr High-Tech. Land und Leute",  # a sentence end between the words
    "tech,\nland",
])
def test_non_mentions(text: str) -> None:
    assert ("initiative", "techland") not in demo_matcher().find(text)


def test_longest_name_wins_and_counts_once() -> None:
    found = demo_matcher().find("Neue Daten aus dem TECH.LAND Monitor.")
    assert found == {("initiative", "techland-monitor"): "TECH.LAND Monitor"}


def test_abbreviations_in_organisation_names_are_names_too() -> None:
    found = demo_matcher().find("Cijfers van het CBS en van Destatis.")
    assert found[("organisation", "cbs")] == "CBS"
    matcher = Matcher()
    matcher.add_organisation("Interreg VI A Deutschland-Nederland (programmaorganisatie)", 1)
    assert matcher.find("De programmaorganisatie zegt") == {}  # a remark in brackets is no name
    assert matcher.find("Interreg VI A Deutschland-Nederland zegt") == {("organisation", 1): "Interreg VI A Deutschland-Nederland"}


def test_very_short_names_are_ignored() -> None:
    matcher = Matcher()
    matcher.add("EU", ("initiative", 1))
    matcher.add("", ("initiative", 2))
    matcher.add("GIP", ("initiative", 3))
    assert matcher.names == 1
    assert matcher.find("Het EU-GIP") == {("initiative", 3): "GIP"}
