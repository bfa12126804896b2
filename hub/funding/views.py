"""Adding and changing an initiative's funding streams."""
from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from hub.auth.access import manager_required
from hub.db import get_session
from hub.errors import ValidationFailed
from hub.formatting import day
from hub.forms import show_domain_errors
from hub.funding import service
from hub.funding.forms import FundingForm
from hub.funding.models import FundingStream
from hub.initiatives.models import Initiative
from hub.initiatives.service import get_initiative
from hub.money import MAX_TEXT, AmountAmbiguous, AmountError, display, parse_amount, parse_share
from hub.stakeholders.service import list_organisations

bp = Blueprint("funding", __name__)


def _funding_form(initiative: Initiative, obj: FundingStream | None = None) -> FundingForm:
    form = FundingForm(obj=obj) if request.method == "GET" else FundingForm()
    form.funder_id.choices = [(o.id, o.name) for o in list_organisations(get_session())]
    form.successor_id.choices = [(0, _("no successor recorded"))] + [
        (s.id, f"{s.funder.name}, {day(s.start_date)} – {day(s.effective_end) if s.effective_end else _('open-ended')}")
        for s in initiative.funding_streams if obj is None or s.id != obj.id
    ]
    return form


def _save(form: FundingForm, initiative: Initiative, stream: FundingStream | None) -> Response | None:
    """Run the service for a submitted form; on success commit and return the redirect."""
    if not form.validate_on_submit():
        return None
    session = get_session()
    try:
        if stream is None:
            service.add_stream(session, initiative, form.to_input(), actor_id=current_user.id)
        else:
            service.update_stream(session, stream, form.to_input(), actor_id=current_user.id)
    except ValidationFailed as error:
        session.rollback()
        show_domain_errors(form, error)
        return None
    session.commit()
    flash(_("Funding saved."), "success")
    return redirect(url_for("initiatives.detail", initiative_id=initiative.id))


@bp.route("/initiatives/<int:initiative_id>/funding/new", methods=["GET", "POST"])
@manager_required
def create(initiative_id: int) -> Response | tuple[str, int]:
    initiative = get_initiative(get_session(), initiative_id)
    form = _funding_form(initiative)
    done = _save(form, initiative, None)
    if done is not None:
        return done
    return render_template("funding/form.html", form=form, initiative=initiative, stream=None), 422 if form.errors else 200


@bp.route("/funding/<int:stream_id>/edit", methods=["GET", "POST"])
@manager_required
def edit(stream_id: int) -> Response | tuple[str, int]:
    stream = service.get_stream(get_session(), stream_id)
    form = _funding_form(stream.initiative, stream)
    done = _save(form, stream.initiative, stream)
    if done is not None:
        return done
    return (
        render_template("funding/form.html", form=form, initiative=stream.initiative, stream=stream),
        422 if form.errors else 200,
    )


@bp.post("/funding/<int:stream_id>/delete")
@manager_required
def delete(stream_id: int) -> Response:
    session = get_session()
    stream = service.get_stream(session, stream_id)
    initiative_id = stream.initiative_id
    service.remove_stream(session, stream, actor_id=current_user.id)
    session.commit()
    flash(_("Funding stream removed."), "success")
    return redirect(url_for("initiatives.detail", initiative_id=initiative_id))


@bp.get("/funding/amount-preview")
@login_required
def amount_preview() -> Response:
    """How the server reads a typed amount or share, for the form's live preview (static/amount.js)."""
    raw = request.args.get("text", "")[:MAX_TEXT + 1]
    currency = request.args.get("currency", "")[:3].upper()
    currency = currency if len(currency) == 3 and currency.isalpha() else "EUR"
    share = request.args.get("kind") == "share"
    try:
        value = parse_share(raw) if share else parse_amount(raw, currency)
    except AmountAmbiguous as question:
        return jsonify(question=question.message, choices=[[label, text] for _v, label, text in question.choices])
    except AmountError as error:
        return jsonify(error=error.message)
    if value is None:
        return jsonify(preview="")
    return jsonify(preview=f"{format_decimal(value)} %" if share else display(value, currency))
