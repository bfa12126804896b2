"""Logging in and out, the language switcher, the own account, password links and user management."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask import session as web_session
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from hub.auth import service
from hub.auth.access import admin_required
from hub.auth.forms import (
    ROLE_LABELS,
    ChangePasswordForm,
    ForgotPasswordForm,
    LanguageForm,
    LoginForm,
    RoleForm,
    SetPasswordForm,
    UserForm,
)
from hub.db import get_session
from hub.errors import Conflict, ValidationFailed
from hub.extensions import limiter
from hub.forms import show_domain_errors
from hub.stakeholders.service import list_organisations

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only follow redirects within this site, never to another host."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("index")


def _address_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _account_limit() -> str:
    return current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"]


def _account_and_address() -> str:
    """Failed logins count per (typed e-mail, client address): hammering one account from one place stops
    there, while its owner still logs in from anywhere else. Unknown addresses count alike (reveals nothing)."""
    email = (request.form.get("email") or "").strip().lower()[:254]
    return f"{email}|{request.remote_addr}"


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_address_limit, methods=["POST"])
@limiter.limit(_account_limit, methods=["POST"], key_func=_account_and_address, scope="login-account",
               deduct_when=lambda response: response.status_code == 401)
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
    """Ends the session on the server too: a copy of the login cookie no longer works."""
    session = get_session()
    service.end_sessions(session, current_user, actor_id=current_user.id)
    session.commit()
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


# --- the own account and password links ----------------------------------------------------------------------


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password() -> Response | tuple[str, int]:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        session = get_session()
        try:
            service.change_password(session, current_user, current=form.current_password.data or "",
                                    new=form.new_password.data or "")
        except ValidationFailed as error:
            session.rollback()
            show_domain_errors(form, error)
        else:
            session.commit()
            login_user(current_user._get_current_object())  # this session goes on under the new generation
            flash(_("Your password has been changed. You were logged out everywhere else."), "success")
            return redirect(url_for(".change_password"))
    return render_template("auth/change_password.html", form=form), 422 if form.errors else 200


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_address_limit, methods=["POST"])
def forgot_password() -> Response | str:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        session = get_session()
        service.request_password_reset(session, form.email.data or "")
        session.commit()
        # The same answer whether or not the address has an account.
        flash(_("If this address belongs to an account, we have sent it a link to set a new password."), "info")
        return redirect(url_for(".login"))
    return render_template("auth/forgot_password.html", form=form)


def _set_password_page(purpose: service.LinkPurpose, token: str) -> Response | tuple[str, int]:
    session = get_session()
    user = service.user_for_link(session, purpose, token)
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            service.use_link(session, purpose, token, form.password.data or "")
        except ValidationFailed as error:
            session.rollback()
            show_domain_errors(form, error)
        else:
            session.commit()
            flash(_("Your password has been set. You can log in now."), "success")
            return redirect(url_for(".login"))
    return render_template("auth/set_password.html", form=form, user=user,
                           invitation=purpose == service.LinkPurpose.INVITE), 422 if form.errors else 200


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> Response | tuple[str, int]:
    return _set_password_page(service.LinkPurpose.RESET, token)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str) -> Response | tuple[str, int]:
    return _set_password_page(service.LinkPurpose.INVITE, token)


# --- user management -----------------------------------------------------------------------------------------


def _user_form() -> UserForm:
    form = UserForm()
    form.organisation_id.choices = [("", _("— none —"))] + [
        (str(o.id), o.name) for o in list_organisations(get_session())
    ]
    return form


def _users_page(form: UserForm, status: int = 200) -> tuple[str, int]:
    users = service.list_users(get_session())
    return render_template("auth/users.html", users=users, form=form, roles=ROLE_LABELS, role_form=RoleForm,
                           has_password=service.has_password), status


@bp.get("/admin/users")
@admin_required
def users() -> tuple[str, int]:
    return _users_page(_user_form())


@bp.post("/admin/users")
@admin_required
def create_user() -> Response | tuple[str, int]:
    session = get_session()
    form = _user_form()
    if form.validate_on_submit():
        organisation = form.organisation_id.data or ""
        values = dict(email=form.email.data or "", name=form.name.data or "", role=form.role.data,
                      organisation_id=int(organisation) if organisation.isdigit() else None, actor_id=current_user.id)
        try:
            if organisation and not organisation.isdigit():
                raise ValidationFailed({"organisation_id": [_("Unknown organisation.")]})
            if form.password.data:
                service.create_user(session, password=form.password.data, **values)
            else:
                service.invite_user(session, **values)
        except (ValidationFailed, Conflict) as error:
            session.rollback()
            if isinstance(error, ValidationFailed):
                show_domain_errors(form, error)
            else:
                form.form_errors.append(error.message)
        else:
            session.commit()
            flash(_("User created.") if form.password.data else _("User invited: we have sent them a link to set a password."),
                  "success")
            return redirect(url_for(".users"))
    return _users_page(form, 422)


@bp.post("/admin/users/<int:user_id>/role")
@admin_required
def change_role(user_id: int) -> Response:
    session = get_session()
    user = service.get_user(session, user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        flash(_("Unknown role."), "error")
        return redirect(url_for(".users"))
    try:
        service.change_role(session, user, form.role.data, actor_id=current_user.id)
    except Conflict as error:
        flash(error.message, "error")
    else:
        session.commit()
        flash(_("The role of %(name)s is now: %(role)s.", name=user.name, role=ROLE_LABELS[user.role]), "success")
    return redirect(url_for(".users"))


def _set_active(user_id: int, active: bool) -> Response:
    session = get_session()
    user = service.get_user(session, user_id)
    try:
        service.set_active(session, user, active, actor_id=current_user.id)
    except Conflict as error:
        flash(error.message, "error")
        return redirect(url_for(".users"))
    session.commit()
    flash(_("%(name)s can log in again.", name=user.name) if active else
          _("%(name)s is deactivated: logged out, and their API tokens, feeds and alerts are stopped.", name=user.name),
          "success")
    return redirect(url_for(".users"))


@bp.post("/admin/users/<int:user_id>/deactivate")
@admin_required
def deactivate(user_id: int) -> Response:
    return _set_active(user_id, False)


@bp.post("/admin/users/<int:user_id>/reactivate")
@admin_required
def reactivate(user_id: int) -> Response:
    return _set_active(user_id, True)
