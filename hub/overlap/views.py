"""The overlap report, the overlap panel on initiative pages and the managers' decisions.

Overlap suggestions are working material of the network, so members see them; only managers
decide on a pair.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from hub.auth.access import manager_required, member_required
from hub.auth.models import Role
from hub.db import get_session
from hub.errors import ValidationFailed
from hub.initiatives.service import get_initiative
from hub.overlap import service
from hub.overlap.forms import DecisionForm

bp = Blueprint("overlap", __name__, url_prefix="/overlap")

PANEL_SIZE = 5
MEMBERS = (Role.ADMIN, Role.MANAGER, Role.PARTNER)  # as ``member_required``


@bp.app_template_global()
def overlap_panel(initiative_id: int) -> dict[str, Any] | None:
    """What the initiative page shows of overlaps: nothing for visitors, candidates for members.
    Commits the projection catch-up, like every read that catches up."""
    if not (current_user.is_authenticated and current_user.role in MEMBERS):
        return None
    session = get_session()
    found = service.candidates(session, initiative_id, limit=PANEL_SIZE)
    decided = service.decisions_for(session, initiative_id)
    session.commit()
    return {"candidates": found, "decisions": decided, "verdicts": service.VERDICT_LABELS,
            "may_decide": current_user.can_manage}


@bp.get("")
@member_required
def report() -> tuple[str, int]:
    session = get_session()
    raw = request.args.get("min", "")
    status = 200
    try:
        threshold = float(raw) if raw else 0.45
    except ValueError:
        threshold = -1.0  # refused below with the service's message
    try:
        found = service.clusters(session, threshold=threshold)
    except ValidationFailed as error:
        session.rollback()
        flash(error.message, "error")
        found, status = service.clusters(session), 400
    session.commit()
    return render_template("overlap/report.html", report=found, reason_labels=service.REASON_LABELS,
                           verdicts=service.VERDICT_LABELS), status


@bp.post("/<int:initiative_id>/decide")
@manager_required
def decide(initiative_id: int) -> Response:
    session = get_session()
    initiative = get_initiative(session, initiative_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        flash(_("The decision could not be read; please try again."), "error")
        return redirect(url_for("initiatives.detail", initiative_id=initiative.id))
    raw_other = (form.other_id.data or "").strip()
    try:
        if not raw_other.isdigit() or len(raw_other) > 12:
            raise ValidationFailed({"other_id": [_("Choose one of the suggested initiatives.")]})
        service.decide(session, initiative.id, int(raw_other), form.verdict.data or "",
                       actor_id=current_user.id, note=form.note.data or "")
    except ValidationFailed as error:
        session.rollback()
        for messages in error.errors.values():
            for message in messages:
                flash(message, "error")
    else:
        session.commit()
        flash(_("Decision recorded: this pair will not be suggested again."), "success")
    return redirect(url_for("initiatives.detail", initiative_id=initiative.id) + "#overlap-h")
