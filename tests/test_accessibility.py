"""Issue 7, accessible and clean pages: every main page, as visitor, partner, manager and administrator, is checked
for semantic HTML — a label for every field, one h1, the page language, unique ids, named buttons, described
errors — and for assets that come only from this site (no CDN)."""
from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from hub.i18n import LOCALES
from tests.conftest import HubClient, Users
from tests.test_api import per_request_state  # noqa: F401  (autouse: one language and user per request)
from tests.test_i18n import MANAGER_PAGES, main_pages, registry  # noqa: F401  (registry is a fixture)

FIELDS = {"input", "select", "textarea"}
UNLABELLED_INPUTS = {"hidden", "submit", "button", "reset", "image"}
# Elements whose src or href the browser loads by itself; ordinary links may point anywhere.
ASSETS = {"script": "src", "img": "src", "source": "src", "iframe": "src", "audio": "src", "video": "src",
          "embed": "src", "link": "href", "object": "data"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""
    inside_label: bool = False


@dataclass
class Page(HTMLParser):
    """The parts of a page the checks look at."""

    html: str
    elements: list[Element] = field(default_factory=list)
    lang: str | None = None
    viewport: bool = False

    def __post_init__(self) -> None:
        super().__init__()
        self._open: list[Element] = []
        self._labels = 0
        self.feed(self.html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs}, inside_label=self._labels > 0)
        self.elements.append(element)
        if tag == "html":
            self.lang = element.attrs.get("lang")
        if tag == "meta" and element.attrs.get("name") == "viewport":
            self.viewport = True
        if tag == "label":
            self._labels += 1
        if tag in ("button", "a", "label", "h1", "option", "caption"):
            self._open.append(element)

    def handle_endtag(self, tag: str) -> None:
        if tag == "label" and self._labels:
            self._labels -= 1
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index].tag == tag:
                del self._open[index]
                break

    def handle_data(self, data: str) -> None:
        for element in self._open:
            element.text += data

    def problems(self) -> list[str]:
        found: list[str] = []
        ids = [e.attrs["id"] for e in self.elements if e.attrs.get("id")]
        # Labels and ARIA references need unique ids; hidden inputs (CSRF tokens of several forms) are never named.
        visible_ids = [e.attrs["id"] for e in self.elements if e.attrs.get("id") and e.attrs.get("type") != "hidden"]
        found += [f"duplicate id {i!r}" for i in sorted({i for i in visible_ids if visible_ids.count(i) > 1})]
        labelled = {e.attrs.get("for") for e in self.elements if e.tag == "label"}
        for e in self.elements:
            if e.tag in FIELDS and e.attrs.get("type", "text") not in UNLABELLED_INPUTS:
                named = (e.attrs.get("id") in labelled or e.inside_label or e.attrs.get("aria-label", "").strip()
                         or e.attrs.get("aria-labelledby", "") in ids)
                if not named:
                    found.append(f"<{e.tag} name={e.attrs.get('name')!r}> has no label")
            for reference in ("aria-describedby", "aria-labelledby"):
                missing = [i for i in e.attrs.get(reference, "").split() if i not in ids]
                if missing:
                    found.append(f"<{e.tag}> {reference} names missing ids {missing}")
            if e.tag == "button" and not (e.text.strip() or e.attrs.get("aria-label", "").strip()):
                found.append("a button without a name")
            if e.tag == "img" and "alt" not in e.attrs:
                found.append(f"<img src={e.attrs.get('src')!r}> has no alt text")
            if e.tag in ASSETS:
                url = e.attrs.get(ASSETS[e.tag], "")
                if urlsplit(url).netloc or url.startswith("//"):
                    found.append(f"<{e.tag}> loads {url!r} from another site")
        h1s = [e for e in self.elements if e.tag == "h1"]
        if len(h1s) != 1:
            found.append(f"{len(h1s)} h1 elements instead of one")
        if self.lang not in LOCALES:
            found.append(f"page language {self.lang!r}")
        if not self.viewport:
            found.append("no viewport meta element (the layout would not adapt to phones)")
        return found


def check(client: HubClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.mimetype == "text/html", url
    problems = Page(response.get_data(as_text=True)).problems()
    assert not problems, f"{url}: {problems}"


PARTNER_PAGES = ["/stakeholders/{own_org}/edit", "/account/tokens"]


@pytest.mark.parametrize("role", ["visitor", "partner", "manager", "admin"])
def test_main_pages_are_semantic_and_self_contained(client: HubClient, users: Users, registry: dict[str, int],  # noqa: F811
                                                    role: str) -> None:
    extra: list[str] = ["/login", "/api/v1/docs"] if role == "visitor" else []
    if role != "visitor":
        client.login(getattr(users, role).email)
        ids = {**registry, "own_org": users.partner.organisation_id}
        extra = [p.format(**ids) for p in (PARTNER_PAGES if role == "partner" else MANAGER_PAGES)]
    pages = list(dict.fromkeys([*main_pages(client, registry), *extra]))
    for url in pages:
        check(client, url)


def test_form_errors_are_tied_to_their_fields(client: HubClient, users: Users) -> None:
    client.login(users.manager.email)
    response = client.submit("/initiatives/new", {"kind": "partnership", "status": "active", "website": "ftp://x"})
    assert response.status_code == 422
    page = Page(response.get_data(as_text=True))
    assert not page.problems()
    invalid = [e for e in page.elements if e.attrs.get("aria-invalid") == "true"]
    assert invalid and all(e.attrs.get("aria-describedby") for e in invalid)
    assert any(e.attrs.get("role") == "alert" for e in page.elements), "the summary is announced"


def test_the_checks_catch_what_they_look_for() -> None:
    """Each check can fail: a page with every fault is reported for each of them."""
    html = ('<html><body><h1>A</h1><h1>B</h1><input name="q"><select id="s"></select><button></button>'
            '<img src="/x.png"><script src="https://cdn.example/x.js"></script>'
            '<link rel="stylesheet" href="//cdn.example/x.css"><p id="p"></p><p id="p"></p>'
            '<input aria-describedby="nowhere" aria-label="ok"></body></html>')
    problems = " | ".join(Page(html).problems())
    for fault in ("'q'> has no label", "<select name=None> has no label", "button without a name", "no alt text",
                  "cdn.example/x.js", "cdn.example/x.css", "duplicate id 'p'", "missing ids ['nowhere']",
                  "2 h1 elements", "page language None", "no viewport"):
        assert fault in problems, fault
