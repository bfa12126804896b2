"""The search page (and the search box in the header). Public: members also find non-public items."""
from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from hub.db import get_session
from hub.errors import ValidationFailed
from hub.search import service

bp = Blueprint("search", __name__, url_prefix="/search", static_folder="static")

PAGE_SIZE = 20
FACET_LABELS = {
    "type": _l("Type"),
    "kind": _l("Kind of initiative"),
    "theme": _l("SER theme"),
    "region": _l("Region"),
    "funder": _l("Funder"),
    "horizon": _l("Funding horizon"),
}


def _page_number(raw: str) -> int:
    """The requested page; 0 (refused by the service with a message) for anything but a small number."""
    return int(raw) if raw.isdigit() and len(raw) <= 5 else 0


@bp.get("")
def page() -> tuple[str, int]:
    """Anyone may search; the catch-up of the index is committed with the answer."""
    args = request.args
    query = args.get("q")
    filters = {name: args[name] for name in service.FACETS if args.get(name)}
    number = _page_number(args.get("page", "1"))

    def link(**changes: str | int | None) -> str:
        """This search with some parameters changed (None removes one), from its first page unless given."""
        params = {"q": query, **filters, **changes}
        return url_for(".page", **{k: v for k, v in params.items() if v not in (None, "")})

    context = {"query": query or "", "filters": filters, "facet_labels": FACET_LABELS, "link": link,
               "results": None, "errors": [], "page_number": number, "facet_window": service.FACET_WINDOW}
    if query is None:
        return render_template("search/search.html", **context), 200
    session = get_session()
    try:
        results = service.search(session, query, facets=filters, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE,
                                 include_private=current_user.is_authenticated)
    except ValidationFailed as error:
        session.rollback()
        context["errors"] = [m for messages in error.errors.values() for m in messages]
        return render_template("search/search.html", **context), 400
    session.commit()
    context["results"] = results
    return render_template("search/search.html", **context), 200
