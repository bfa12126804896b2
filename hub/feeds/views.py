"""Feed pages: sources (managers), the news with link review, and the Atom feeds the hub publishes."""
from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from flask import Blueprint, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from hub import clock
from hub.auth.access import manager_required, member_required
from hub.db import get_session
from hub.errors import Conflict, ValidationFailed
from hub.feeds import atom, jobs, service
from hub.feeds.forms import (
    DETAIL_SHOWN,
    LANGUAGE_LABELS,
    LINK_STATUS_LABELS,
    POLL_STATUS_LABELS,
    PROBLEM_LABELS,
    SourceForm,
)
from hub.feeds.models import FeedLink, FeedSource
from hub.formatting import locale_code
from hub.forms import show_domain_errors
from hub.i18n import LOCALES
from hub.initiatives.service import get_initiative

bp = Blueprint("feeds", __name__)

NEWS_PAGE_SIZE = 30
LABELS = {"languages": LANGUAGE_LABELS, "poll_statuses": POLL_STATUS_LABELS, "problems": PROBLEM_LABELS,
          "link_statuses": LINK_STATUS_LABELS, "details_shown": DETAIL_SHOWN}


@bp.app_template_global()
def initiative_news(initiative_id: int) -> Sequence[FeedLink]:
    """The initiative page's News panel: confirmed mentions, and suggestions for managers to review."""
    reviewer = current_user.is_authenticated and current_user.can_manage
    return service.initiative_news(get_session(), initiative_id, include_suggested=reviewer)


# --- sources -------------------------------------------------------------------------------------


@bp.get("/feeds/sources")
@manager_required
def sources() -> str:
    return render_template("feeds/sources.html", rows=service.list_sources(get_session()), **LABELS)


def _save_source(form: SourceForm, source: FeedSource | None) -> Response | None:
    """Run the service for a submitted form; on success commit and return the redirect."""
    if not form.validate_on_submit():
        return None
    session = get_session()
    try:
        if source is None:
            source = service.create_source(session, form.to_input(), actor_id=current_user.id)
        else:
            service.update_source(session, source, form.to_input(), actor_id=current_user.id)
    except ValidationFailed as error:
        session.rollback()
        show_domain_errors(form, error)
        return None
    session.commit()
    flash(_("Feed source “%(name)s” saved.", name=source.name), "success")
    return redirect(url_for(".source_detail", source_id=source.id))


@bp.route("/feeds/sources/new", methods=["GET", "POST"])
@manager_required
def create_source() -> Response | tuple[str, int]:
    form = SourceForm()
    done = _save_source(form, None)
    if done is not None:
        return done
    return render_template("feeds/source_form.html", form=form, source=None), 422 if form.errors else 200


@bp.route("/feeds/sources/<int:source_id>/edit", methods=["GET", "POST"])
@manager_required
def edit_source(source_id: int) -> Response | tuple[str, int]:
    source = service.get_source(get_session(), source_id)
    form = SourceForm(obj=source) if request.method == "GET" else SourceForm()
    done = _save_source(form, source)
    if done is not None:
        return done
    return render_template("feeds/source_form.html", form=form, source=source), 422 if form.errors else 200


@bp.get("/feeds/sources/<int:source_id>")
@manager_required
def source_detail(source_id: int) -> str:
    session = get_session()
    source = service.get_source(session, source_id)
    return render_template(
        "feeds/source_detail.html", source=source, errors=service.recent_errors(session, source),
        entries=service.list_entries(session, source_id=source.id, limit=20), **LABELS,
    )


@bp.post("/feeds/sources/<int:source_id>/poll")
@manager_required
def poll_source(source_id: int) -> Response:
    session = get_session()
    source = service.get_source(session, source_id)
    [outcome] = jobs.poll_sources(session, [source.id], actor_id=current_user.id)
    if outcome.problem is None:
        flash(_("Polled: %(new)d new, %(updated)d updated entries, %(links)d suggested links.",
                new=outcome.new, updated=outcome.updated, links=outcome.links), "success")
    else:
        flash(_("Polling failed: %(reason)s.", reason=PROBLEM_LABELS[outcome.problem]), "error")
    return redirect(url_for(".source_detail", source_id=source.id))


# --- news and link review ----------------------------------------------------------------------------


@bp.get("/feeds/news")
@member_required
def news() -> str:
    page = request.args.get("page", "1")
    page_number = int(page) if page.isdigit() and int(page) > 0 else 1
    pending = request.args.get("pending") == "1" and current_user.can_manage
    source_arg = request.args.get("source", "")
    source_id = int(source_arg) if source_arg.isdigit() else None
    session = get_session()
    entries = service.list_entries(session, pending_only=pending, source_id=source_id,
                                   limit=NEWS_PAGE_SIZE + 1, offset=(page_number - 1) * NEWS_PAGE_SIZE)
    return render_template(
        "feeds/news.html", entries=entries[:NEWS_PAGE_SIZE], has_next=len(entries) > NEWS_PAGE_SIZE,
        page=page_number, pending=pending, source_id=source_id,
        sources=[source for source, _count in service.list_sources(session)], **LABELS,
    )


def _back() -> Response:
    """Back to the page the review button was on (only paths on this site)."""
    target = request.form.get("next", "")
    if not target.startswith("/") or target.startswith("//"):
        target = url_for(".news", pending="1")
    return redirect(target)


@bp.post("/feeds/links/<int:link_id>/confirm")
@manager_required
def confirm_link(link_id: int) -> Response:
    link = _decide(link_id, service.confirm_link)
    if link is not None:
        flash(_("Link confirmed: “%(title)s” mentions %(name)s.", title=link.entry.title, name=_target_name(link)), "success")
    return _back()


@bp.post("/feeds/links/<int:link_id>/reject")
@manager_required
def reject_link(link_id: int) -> Response:
    link = _decide(link_id, service.reject_link)
    if link is not None:
        flash(_("Link rejected: “%(title)s” does not mention %(name)s.", title=link.entry.title, name=_target_name(link)), "success")
    return _back()


def _decide(link_id: int, decide: Callable[..., FeedLink]) -> FeedLink | None:
    """Confirm or reject and commit; a repeated click only gets a message."""
    session = get_session()
    link = service.get_link(session, link_id)
    try:
        decide(session, link, actor_id=current_user.id)
    except Conflict as error:
        session.rollback()
        flash(error.message, "error")
        return None
    session.commit()
    return link


def _target_name(link: FeedLink) -> str:
    return link.initiative.name_in(locale_code()) if link.initiative else link.organisation.name


# --- feeds out ---------------------------------------------------------------------------------------


@contextmanager
def _feed_locale() -> Iterator[None]:
    """``?lang=nl|de|en`` wins; otherwise the usual choice (Accept-Language for feed readers)."""
    lang = request.args.get("lang", "")
    if lang in LOCALES:
        with force_locale(lang):
            yield
    else:
        yield


def _atom_response(body: bytes) -> Response:
    response = make_response(body)
    response.mimetype = atom.ATOM_MIMETYPE
    response.headers["Vary"] = "Accept-Language"
    response.headers["Content-Language"] = locale_code()
    response.add_etag()
    return response.make_conditional(request)


@bp.get("/feeds/events.atom")
def events_atom() -> Response:
    """Public events only. The whole document, from the query to the response, is built in the chosen language."""
    with _feed_locale():
        session = get_session()
        events = atom.latest_public_events(session)
        base = current_app.config["BASE_URL"]
        body = atom.atom_document(
            feed_id=atom.absolute(base, ".events_atom"),
            title=_("Grenshub: changes in the registry"),
            subtitle=_("Initiatives, funding and stakeholders of the Dutch–German–Belgian border region."),
            self_url=atom.absolute(base, ".events_atom"),
            alternate_url=atom.absolute(base, "initiatives.list_view"),
            updated=events[0].occurred_at if events else clock.now(),
            entries=atom.event_entries(session, events, base),
        )
        return _atom_response(body)


@bp.get("/initiatives/<int:initiative_id>/news.atom")
def initiative_news_atom(initiative_id: int) -> Response:
    with _feed_locale():
        session = get_session()
        initiative = get_initiative(session, initiative_id)
        links = service.initiative_news(session, initiative.id, include_suggested=False, limit=atom.FEED_SIZE)
        base = current_app.config["BASE_URL"]
        body = atom.atom_document(
            feed_id=atom.absolute(base, ".initiative_news_atom", initiative_id=initiative.id),
            title=_("%(name)s in the news", name=initiative.name_in(locale_code())),
            self_url=atom.absolute(base, ".initiative_news_atom", initiative_id=initiative.id),
            alternate_url=atom.absolute(base, "initiatives.detail", initiative_id=initiative.id),
            updated=max((link.entry.updated_at for link in links), default=initiative.updated_at),
            entries=atom.news_entries(links, base, initiative.id),
        )
        return _atom_response(body)
