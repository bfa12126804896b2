"""Pages for the joint lobby: members read cycles and priorities; managers and admins change them and
generate the brief (HTML, DOCX, Markdown; ``?lang=nl|de|en``)."""
from __future__ import annotations

from collections.abc import Callable
from io import BytesIO
from typing import TypeVar

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers import Response

from hub.auth.access import manager_required, member_required
from hub.db import get_session
from hub.errors import ValidationFailed
from hub.events import history_of
from hub.formatting import locale_code
from hub.forms import show_domain_errors
from hub.i18n import LOCALES
from hub.initiatives.models import Initiative
from hub.lobby import service
from hub.lobby.brief import brief_blocks, brief_title, build_brief
from hub.lobby.chart import to_svg
from hub.lobby.export import DOCX_MIMETYPE, to_docx, to_markdown
from hub.lobby.forms import (
    ActionForm,
    CycleForm,
    EvidenceForm,
    MoveForm,
    PositionForm,
    PriorityForm,
    recommendation_choices,
)
from hub.lobby.history import history_entries
from hub.lobby.labels import (
    ACTION_KIND_LABELS,
    EVIDENCE_KIND_LABELS,
    POSITION_LABELS,
    STATUS_LABELS,
    TARGET_LEVEL_LABELS,
    position_label,
)
from hub.lobby.models import MAX_PRIORITIES, EvidenceKind, LobbyAction, LobbyCycle, LobbyPriority, Position
from hub.stakeholders.service import list_organisations

T = TypeVar("T")

bp = Blueprint("lobby", __name__, url_prefix="/lobby", static_folder="static", static_url_path="/static")


@bp.context_processor
def lobby_labels() -> dict[str, object]:
    return {
        "STATUS_LABELS": STATUS_LABELS, "TARGET_LEVEL_LABELS": TARGET_LEVEL_LABELS, "POSITION_LABELS": POSITION_LABELS,
        "ACTION_KIND_LABELS": ACTION_KIND_LABELS, "EVIDENCE_KIND_LABELS": EVIDENCE_KIND_LABELS,
        "POSITIONS": list(Position), "position_label": position_label, "MAX_PRIORITIES": MAX_PRIORITIES,
    }


def _organisation_choices() -> list[tuple[int, str]]:
    return [(o.id, o.name) for o in list_organisations(get_session())]


def _save(form: FlaskForm, change: Callable[[], T], done: str) -> T | None:
    """Run a service change for a valid submitted form and commit it, returning what it made or changed;
    None when the form is not (validly) submitted, with the service's refusals shown on the form."""
    if not form.validate_on_submit():
        return None
    session = get_session()
    try:
        result = change()
    except ValidationFailed as error:
        session.rollback()
        show_domain_errors(form, error)
        return None
    session.commit()
    flash(done, "success")
    return result


def _form_page(template: str, form: FlaskForm, **context: object) -> tuple[str, int]:
    return render_template(template, form=form, **context), 422 if form.errors or form.form_errors else 200


# --- cycles -----------------------------------------------------------------------------------


@bp.get("")
@member_required
def index() -> str:
    return render_template("lobby/index.html", cycles=service.list_cycles(get_session()))


@bp.get("/cycles/<int:cycle_id>")
@member_required
def cycle_detail(cycle_id: int) -> str:
    session = get_session()
    cycle = service.get_cycle(session, cycle_id)
    partners = service.partners_of(session, cycle)
    counts = {p.id: service.coalition_counts(p, partners) for p in cycle.priorities}
    return render_template("lobby/cycle.html", cycle=cycle, partners=partners, counts=counts, move_form=MoveForm())


@bp.route("/cycles/new", methods=["GET", "POST"])
@manager_required
def cycle_create() -> Response | tuple[str, int]:
    form = CycleForm()
    cycle = _save(form, lambda: service.create_cycle(get_session(), form.to_input(), actor_id=current_user.id),
                  _("Lobby cycle saved."))
    if cycle is not None:
        return redirect(url_for(".cycle_detail", cycle_id=cycle.id))
    return _form_page("lobby/cycle_form.html", form, cycle=None)


@bp.route("/cycles/<int:cycle_id>/edit", methods=["GET", "POST"])
@manager_required
def cycle_edit(cycle_id: int) -> Response | tuple[str, int]:
    session = get_session()
    cycle = service.get_cycle(session, cycle_id)
    form = CycleForm(obj=cycle) if request.method == "GET" else CycleForm()
    if _save(form, lambda: service.update_cycle(session, cycle, form.to_input(), actor_id=current_user.id),
             _("Lobby cycle saved.")):
        return redirect(url_for(".cycle_detail", cycle_id=cycle.id))
    return _form_page("lobby/cycle_form.html", form, cycle=cycle)


# --- priorities -------------------------------------------------------------------------------


def _priority_form(obj: LobbyPriority | None = None) -> PriorityForm:
    form = PriorityForm(obj=obj) if request.method == "GET" else PriorityForm()
    if request.method == "GET" and obj is not None:
        form.advice_codes.data = obj.advice_codes
    form.advice_codes.choices = recommendation_choices(locale_code())
    form.owner_id.choices = _organisation_choices()
    return form


@bp.route("/cycles/<int:cycle_id>/priorities/new", methods=["GET", "POST"])
@manager_required
def priority_create(cycle_id: int) -> Response | tuple[str, int]:
    session = get_session()
    cycle = service.get_cycle(session, cycle_id)
    form = _priority_form()
    priority = _save(form, lambda: service.add_priority(session, cycle, form.to_input(), actor_id=current_user.id),
                     _("Priority added."))
    if priority is not None:
        return redirect(url_for(".priority_detail", priority_id=priority.id))
    return _form_page("lobby/priority_form.html", form, cycle=cycle, priority=None)


@bp.get("/priorities/<int:priority_id>")
@member_required
def priority_detail(priority_id: int) -> str:
    session = get_session()
    priority = service.get_priority(session, priority_id)
    partners = service.partners_of(session, priority.cycle)
    stated = {p.organisation_id: p for p in priority.positions}
    return render_template(
        "lobby/priority.html", priority=priority, cycle=priority.cycle, partners=partners, stated=stated,
        counts=service.coalition_counts(priority, partners),
        history=history_entries(history_of(session, service.PRIORITY_SUBJECT, priority.id)),
    )


@bp.route("/priorities/<int:priority_id>/edit", methods=["GET", "POST"])
@manager_required
def priority_edit(priority_id: int) -> Response | tuple[str, int]:
    session = get_session()
    priority = service.get_priority(session, priority_id)
    form = _priority_form(priority)
    if _save(form, lambda: service.update_priority(session, priority, form.to_input(), actor_id=current_user.id),
             _("Changes saved.")):
        return redirect(url_for(".priority_detail", priority_id=priority.id))
    return _form_page("lobby/priority_form.html", form, cycle=priority.cycle, priority=priority)


@bp.post("/priorities/<int:priority_id>/move")
@manager_required
def priority_move(priority_id: int) -> Response:
    session = get_session()
    priority = service.get_priority(session, priority_id)
    service.move_priority(session, priority, MoveForm().direction.data or "", actor_id=current_user.id)
    session.commit()
    flash(_("Order of the priorities saved."), "success")
    return redirect(url_for(".cycle_detail", cycle_id=priority.cycle_id))


@bp.post("/priorities/<int:priority_id>/delete")
@manager_required
def priority_delete(priority_id: int) -> Response:
    session = get_session()
    priority = service.get_priority(session, priority_id)
    cycle_id = priority.cycle_id
    service.remove_priority(session, priority, actor_id=current_user.id)
    session.commit()
    flash(_("Priority removed."), "success")
    return redirect(url_for(".cycle_detail", cycle_id=cycle_id))


# --- positions, actions, evidence -------------------------------------------------------------


@bp.route("/priorities/<int:priority_id>/positions", methods=["GET", "POST"])
@manager_required
def position_set(priority_id: int) -> Response | tuple[str, int]:
    session = get_session()
    priority = service.get_priority(session, priority_id)
    chosen = request.args.get("organisation_id", "")
    if request.method == "GET" and chosen.isdigit():
        current = next((p for p in priority.positions if p.organisation_id == int(chosen)), None)
        form = PositionForm(obj=current, organisation_id=int(chosen))
    else:
        form = PositionForm()
    form.organisation_id.choices = _organisation_choices()
    if _save(form, lambda: service.set_position(session, priority, form.to_input(), actor_id=current_user.id),
             _("Position saved.")):
        return redirect(url_for(".priority_detail", priority_id=priority.id, _anchor="positions"))
    return _form_page("lobby/position_form.html", form, priority=priority)


def _action_form(obj: LobbyAction | None = None) -> ActionForm:
    form = ActionForm(obj=obj) if request.method == "GET" else ActionForm()
    if request.method == "GET" and obj is not None:
        form.links.data = obj.link_list
    form.responsible_id.choices = _organisation_choices()
    return form


@bp.route("/priorities/<int:priority_id>/actions/new", methods=["GET", "POST"])
@manager_required
def action_create(priority_id: int) -> Response | tuple[str, int]:
    session = get_session()
    priority = service.get_priority(session, priority_id)
    form = _action_form()
    if _save(form, lambda: service.add_action(session, priority, form.to_input(), actor_id=current_user.id),
             _("Action saved.")):
        return redirect(url_for(".priority_detail", priority_id=priority.id, _anchor="actions"))
    return _form_page("lobby/action_form.html", form, priority=priority, action=None)


@bp.route("/actions/<int:action_id>/edit", methods=["GET", "POST"])
@manager_required
def action_edit(action_id: int) -> Response | tuple[str, int]:
    session = get_session()
    action = service.get_action(session, action_id)
    form = _action_form(action)
    if _save(form, lambda: service.update_action(session, action, form.to_input(), actor_id=current_user.id),
             _("Action saved.")):
        return redirect(url_for(".priority_detail", priority_id=action.priority_id, _anchor="actions"))
    return _form_page("lobby/action_form.html", form, priority=action.priority, action=action)


@bp.post("/actions/<int:action_id>/delete")
@manager_required
def action_delete(action_id: int) -> Response:
    session = get_session()
    action = service.get_action(session, action_id)
    priority_id = action.priority_id
    service.remove_action(session, action, actor_id=current_user.id)
    session.commit()
    flash(_("Action removed."), "success")
    return redirect(url_for(".priority_detail", priority_id=priority_id, _anchor="actions"))


@bp.route("/priorities/<int:priority_id>/evidence/new", methods=["GET", "POST"])
@manager_required
def evidence_create(priority_id: int) -> Response | tuple[str, int]:
    session = get_session()
    priority = service.get_priority(session, priority_id)
    form = EvidenceForm()
    if request.method == "GET":
        form.kind.data = request.args.get("kind", EvidenceKind.FIGURE.value)
    if form.kind.data not in {k.value for k in EvidenceKind}:
        raise ValidationFailed({"kind": [_("Unknown kind of evidence: %(value)s.", value=form.kind.data)]})
    locale = locale_code()
    form.initiative_id.choices = sorted(
        ((i.id, i.name_in(locale)) for i in session.scalars(select(Initiative))), key=lambda choice: choice[1].casefold()
    )
    if _save(form, lambda: service.add_evidence(session, priority, form.to_input(), actor_id=current_user.id),
             _("Evidence added.")):
        return redirect(url_for(".priority_detail", priority_id=priority.id, _anchor="evidence"))
    return _form_page("lobby/evidence_form.html", form, priority=priority, fields=form.shown_fields())


@bp.post("/evidence/<int:evidence_id>/delete")
@manager_required
def evidence_delete(evidence_id: int) -> Response:
    session = get_session()
    item = service.get_evidence(session, evidence_id)
    priority_id = item.priority_id
    service.remove_evidence(session, item, actor_id=current_user.id)
    session.commit()
    flash(_("Evidence removed."), "success")
    return redirect(url_for(".priority_detail", priority_id=priority_id, _anchor="evidence"))


# --- the brief --------------------------------------------------------------------------------


def _brief(cycle: LobbyCycle, scope: LobbyPriority | None, fmt: str) -> Response | str:
    lang = request.args.get("lang") or locale_code()
    if lang not in LOCALES:
        raise ValidationFailed({"lang": [_("Unknown language “%(value)s”: choose nl, de or en.", value=lang)]})
    brief = build_brief(get_session(), cycle, scope)
    name = f"lobby-brief-{cycle.year}" + (f"-priority-{scope.rank}" if scope else "") + f"-{lang}"
    with force_locale(lang):
        blocks = brief_blocks(brief)
        if fmt == "docx":
            return send_file(BytesIO(to_docx(blocks, title=brief_title(brief), language=lang)), mimetype=DOCX_MIMETYPE,
                             as_attachment=True, download_name=f"{name}.docx")
        if fmt == "md":
            return Response(to_markdown(blocks), mimetype="text/markdown",
                            headers={"Content-Disposition": f'attachment; filename="{name}.md"'})
        return render_template("lobby/brief.html", brief=brief, blocks=blocks, lang=lang, chart_svg=to_svg,
                               cycle=cycle, scope=scope)


@bp.get("/cycles/<int:cycle_id>/brief", defaults={"fmt": "html"})
@bp.get("/cycles/<int:cycle_id>/brief.<any(html, docx, md):fmt>")
@manager_required
def cycle_brief(cycle_id: int, fmt: str) -> Response | str:
    return _brief(service.get_cycle(get_session(), cycle_id), None, fmt)


@bp.get("/priorities/<int:priority_id>/brief", defaults={"fmt": "html"})
@bp.get("/priorities/<int:priority_id>/brief.<any(html, docx, md):fmt>")
@manager_required
def priority_brief(priority_id: int, fmt: str) -> Response | str:
    priority = service.get_priority(get_session(), priority_id)
    return _brief(priority.cycle, priority, fmt)
