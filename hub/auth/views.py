"""Logging in and out, the language switcher, and user management for administrators."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask import session as web_session
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from hub.auth import service
from hub.auth.access import admin_required
from hub.auth.forms import ROLE_LABELS, LanguageForm, LoginForm, UserForm
from hub.auth.models import User
from hub.db import get_session
from hub.errors import ValidationFailed
from hub.extensions import limiter
from hub.forms import show_domain_errors
from hub.stakeholders.service import list_organisations

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only follow redirects within this site, never to another host."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("index")


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login() -> Response | tuple[str, int]:
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        session = get_session()
        user = service.authenticate(session, form.email.data or "", form.password.data or "")
        if user is not None:
            login_user(user)
            return redirect(_safe_next(form.next.data))
        form.form_errors.append(_("Unknown e-mail address or wrong password."))
    return render_template("auth/login.html", form=form), 401 if form.form_errors else 200


@bp.post("/logout")
@login_required
def logout() -> Response:
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("index"))


@bp.post("/language")
def switch_language() -> Response:
    """Visitors keep their choice in the session; logged-in users in their profile."""
    form = LanguageForm()
    if form.validate_on_submit():
        web_session["locale"] = form.locale.data
        if current_user.is_authenticated:
            service.set_locale(get_session(), current_user, form.locale.data)
            get_session().commit()
    return redirect(_safe_next(form.next.data))


@bp.get("/admin/users")
@admin_required
def users() -> str:
    rows = get_session().scalars(select(User).order_by(User.email)).all()
    return render_template("auth/users.html", users=rows, form=_user_form(), roles=ROLE_LABELS)


def _user_form() -> UserForm:
    form = UserForm()
    form.organisation_id.choices = [("", _("— none —"))] + [
        (str(o.id), o.name) for o in list_organisations(get_session())
    ]
    return form


@bp.post("/admin/users")
@admin_required
def create_user() -> Response | tuple[str, int]:
    session = get_session()
    form = _user_form()
    if form.validate_on_submit():
        try:
            service.create_user(
                session, email=form.email.data or "", name=form.name.data or "", password=form.password.data or "",
                role=form.role.data,
                organisation_id=int(form.organisation_id.data) if (form.organisation_id.data or "").isdigit() else None,
                actor_id=current_user.id,
            )
        except ValidationFailed as error:
            session.rollback()
            show_domain_errors(form, error)
        else:
            session.commit()
            flash(_("User created."), "success")
            return redirect(url_for(".users"))
    rows = session.scalars(select(User).order_by(User.email)).all()
    return render_template("auth/users.html", users=rows, form=form, roles=ROLE_LABELS), 422
