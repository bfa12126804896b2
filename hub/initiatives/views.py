"""Pages for browsing, creating and editing initiatives."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from hub import clock, regions
from hub.auth.access import manager_required
from hub.db import get_session
from hub.errors import ValidationFailed
from hub.events import history_of
from hub.formatting import locale_code
from hub.forms import show_domain_errors
from hub.funding.horizon import funding_horizon, stream_cliffs
from hub.funding.timeline import timeline_svg
from hub.initiatives import service
from hub.initiatives.forms import KIND_LABELS, STATUS_LABELS, InitiativeForm, advice_choices
from hub.initiatives.models import Initiative
from hub.stakeholders.forms import RoleForm
from hub.stakeholders.models import Organisation, OrganisationType
from hub.stakeholders.service import list_organisations

bp = Blueprint("initiatives", __name__, url_prefix="/initiatives")


def _months(value: str) -> int | None:
    """A month count from the query string; out of range (or not a number) means no filter, never a 500."""
    return int(value) if value.isdigit() and int(value) <= 1200 else None


def filter_from_args() -> service.InitiativeFilter:
    args = request.args
    months = args.get("horizon_months", "")
    ending = args.get("ending_months", "")
    funder = args.get("funder", "")
    return service.InitiativeFilter(
        kind=args.get("kind") or None,
        theme=args.get("theme") or None,
        region=args.get("region") or None,
        funder_id=int(funder) if funder.isdigit() else None,
        horizon_months=_months(months),
        ending_months=_months(ending),
        status=args.get("status") or None,
        sort=args.get("sort", "name"),
        locale=locale_code(),
    )


@bp.get("")
def list_view() -> str:
    session = get_session()
    flt = filter_from_args()
    rows = service.list_initiatives(session, flt)
    funders = session.scalars(
        select(Organisation).where(Organisation.type.in_([OrganisationType.FUNDER, OrganisationType.GOVERNMENT]))
        .order_by(Organisation.name)
    ).all()
    return render_template(
        "initiatives/list.html", rows=rows, flt=flt, kinds=KIND_LABELS, statuses=STATUS_LABELS,
        funders=funders, regions=sorted(regions.REGIONS.values(), key=lambda r: r.code),
    )


@bp.get("/<int:initiative_id>")
def detail(initiative_id: int) -> str:
    session = get_session()
    initiative = service.get_initiative(session, initiative_id)
    horizon = funding_horizon(initiative.funding_streams)
    role_form = RoleForm()
    role_form.organisation_id.choices = [(o.id, o.name) for o in list_organisations(session)]
    return render_template(
        "initiatives/detail.html",
        initiative=initiative,
        horizon=horizon,
        timeline=timeline_svg(initiative.funding_streams, locale_code()),
        stream_cliffs=stream_cliffs(initiative.funding_streams, current_app.config["RENEWAL_LEAD_DAYS"], since=clock.today()),
        history=history_of(session, "initiative", initiative.id),
        kinds=KIND_LABELS,
        statuses=STATUS_LABELS,
        role_form=role_form,
    )


def _form_with_choices(form: InitiativeForm, current: Initiative | None) -> InitiativeForm:
    session = get_session()
    form.advice_codes.choices = advice_choices(locale_code())
    others = session.scalars(select(Initiative).order_by(Initiative.name_key)).all()
    form.parent_id.choices = [("", _("— none —"))] + [
        (str(i.id), i.name_in(locale_code())) for i in others if current is None or i.id != current.id
    ]
    return form


@bp.route("/new", methods=["GET", "POST"])
@manager_required
def create() -> Response | str:
    form = _form_with_choices(InitiativeForm(), None)
    if form.validate_on_submit():
        session = get_session()
        try:
            initiative = service.create_initiative(session, form.to_input(), actor_id=current_user.id)
        except ValidationFailed as error:
            session.rollback()
            show_domain_errors(form, error)
        else:
            session.commit()
            flash(_("Initiative “%(name)s” created.", name=initiative.name_in(locale_code())), "success")
            return redirect(url_for(".detail", initiative_id=initiative.id))
    return render_template("initiatives/form.html", form=form, initiative=None), 422 if form.errors else 200


@bp.route("/<int:initiative_id>/edit", methods=["GET", "POST"])
@manager_required
def edit(initiative_id: int) -> Response | str:
    session = get_session()
    initiative = service.get_initiative(session, initiative_id)
    form = InitiativeForm(obj=initiative) if request.method == "GET" else InitiativeForm()
    if request.method == "GET":
        form.regions.data = initiative.region_codes
        form.advice_codes.data = initiative.advice_codes
        form.aliases.data = initiative.alias_list
        form.parent_id.data = str(initiative.parent_id or "")
    _form_with_choices(form, initiative)
    if form.validate_on_submit():
        try:
            service.update_initiative(session, initiative, form.to_input(), actor_id=current_user.id)
        except ValidationFailed as error:
            session.rollback()
            show_domain_errors(form, error)
        else:
            session.commit()
            flash(_("Changes saved."), "success")
            return redirect(url_for(".detail", initiative_id=initiative.id))
    return render_template("initiatives/form.html", form=form, initiative=initiative), 422 if form.errors else 200


@bp.post("/<int:initiative_id>/delete")
@manager_required
def delete(initiative_id: int) -> Response:
    session = get_session()
    initiative = service.get_initiative(session, initiative_id)
    name = initiative.name_in(locale_code())
    service.delete_initiative(session, initiative, actor_id=current_user.id)
    session.commit()
    flash(_("Initiative “%(name)s” deleted.", name=name), "success")
    return redirect(url_for(".list_view"))
