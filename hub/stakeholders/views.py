"""Organisation pages, contact people and roles on initiatives."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from hub.auth.access import manager_required
from hub.db import get_session
from hub.errors import ValidationFailed
from hub.forms import show_domain_errors
from hub.funding.models import FundingStream
from hub.initiatives.service import get_initiative
from hub.stakeholders import service
from hub.stakeholders.forms import (
    COUNTRY_LABELS,
    ORGANISATION_TYPE_LABELS,
    ROLE_LABELS,
    OrganisationForm,
    PersonForm,
    RoleForm,
)
from hub.stakeholders.models import InitiativeRole, Organisation, Person

bp = Blueprint("stakeholders", __name__, url_prefix="/stakeholders")


def may_edit(org: Organisation) -> bool:
    """Managers edit every organisation; a partner only their own organisation's record."""
    if not current_user.is_authenticated:
        return False
    return current_user.can_manage or current_user.organisation_id == org.id


def _require_edit_right(org: Organisation) -> None:
    if not may_edit(org):
        abort(403)


@bp.get("")
def list_view() -> str:
    country = request.args.get("country") or None
    type_ = request.args.get("type") or None
    orgs = service.list_organisations(get_session(), country=country, type_=type_)
    return render_template("stakeholders/list.html", organisations=orgs, countries=COUNTRY_LABELS,
                           types=ORGANISATION_TYPE_LABELS, country=country, type_=type_)


@bp.get("/<int:org_id>")
def detail(org_id: int) -> str:
    session = get_session()
    org = service.get_organisation(session, org_id)
    funded = session.scalars(select(FundingStream).where(FundingStream.funder_id == org.id)).all()
    return render_template(
        "stakeholders/detail.html", org=org, funded=funded, types=ORGANISATION_TYPE_LABELS,
        countries=COUNTRY_LABELS, roles=ROLE_LABELS, may_edit=may_edit(org), person_form=PersonForm(),
    )


def _save_organisation(form: OrganisationForm, org: Organisation | None) -> Response | None:
    if not form.validate_on_submit():
        return None
    session = get_session()
    try:
        if org is None:
            org = service.create_organisation(session, form.to_input(), actor_id=current_user.id)
        else:
            service.update_organisation(session, org, form.to_input(), actor_id=current_user.id)
    except ValidationFailed as error:
        session.rollback()
        show_domain_errors(form, error)
        return None
    session.commit()
    flash(_("Organisation saved."), "success")
    return redirect(url_for(".detail", org_id=org.id))


@bp.route("/new", methods=["GET", "POST"])
@manager_required
def create() -> Response | tuple[str, int]:
    form = OrganisationForm()
    done = _save_organisation(form, None)
    if done is not None:
        return done
    return render_template("stakeholders/form.html", form=form, org=None), 422 if form.errors else 200


@bp.route("/<int:org_id>/edit", methods=["GET", "POST"])
@login_required
def edit(org_id: int) -> Response | tuple[str, int]:
    org = service.get_organisation(get_session(), org_id)
    _require_edit_right(org)
    form = OrganisationForm(obj=org) if request.method == "GET" else OrganisationForm()
    done = _save_organisation(form, org)
    if done is not None:
        return done
    return render_template("stakeholders/form.html", form=form, org=org), 422 if form.errors else 200


@bp.post("/<int:org_id>/people")
@login_required
def add_person(org_id: int) -> Response | tuple[str, int]:
    session = get_session()
    org = service.get_organisation(session, org_id)
    _require_edit_right(org)
    form = PersonForm()
    if form.validate_on_submit():
        try:
            service.add_person(session, org, form.to_input(), actor_id=current_user.id)
        except ValidationFailed as error:
            session.rollback()
            show_domain_errors(form, error)
        else:
            session.commit()
            flash(_("Contact person added."), "success")
            return redirect(url_for(".detail", org_id=org.id))
    return render_template(
        "stakeholders/detail.html", org=org, funded=[], types=ORGANISATION_TYPE_LABELS,
        countries=COUNTRY_LABELS, roles=ROLE_LABELS, may_edit=True, person_form=form,
    ), 422


@bp.post("/people/<int:person_id>/delete")
@login_required
def remove_person(person_id: int) -> Response:
    session = get_session()
    person = session.get(Person, person_id) or abort(404)
    _require_edit_right(person.organisation)
    org_id = person.organisation_id
    service.remove_person(session, person, actor_id=current_user.id)
    session.commit()
    flash(_("Contact person removed."), "success")
    return redirect(url_for(".detail", org_id=org_id))


@bp.post("/roles/for/<int:initiative_id>")
@manager_required
def add_role(initiative_id: int) -> Response:
    session = get_session()
    initiative = get_initiative(session, initiative_id)
    form = RoleForm()
    if form.validate_on_submit():
        org = service.get_organisation(session, form.organisation_id.data)
        try:
            service.add_role(session, initiative, org, form.role.data, actor_id=current_user.id)
        except ValidationFailed as error:
            session.rollback()
            flash(error.message, "error")
        else:
            session.commit()
            flash(_("Role added."), "success")
    else:
        flash(_("Choose an organisation and a role."), "error")
    return redirect(url_for("initiatives.detail", initiative_id=initiative.id))


@bp.post("/roles/<int:role_id>/delete")
@manager_required
def remove_role(role_id: int) -> Response:
    session = get_session()
    link = session.get(InitiativeRole, role_id) or abort(404)
    initiative_id = link.initiative_id
    service.remove_role(session, link, actor_id=current_user.id)
    session.commit()
    flash(_("Role removed."), "success")
    return redirect(url_for("initiatives.detail", initiative_id=initiative_id))
