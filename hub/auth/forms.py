"""Login, account and user-management forms."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import EqualTo, InputRequired, Length

from hub.auth.models import Role
from hub.i18n import LANGUAGE_NAMES

ROLE_LABELS = {Role.ADMIN: _l("Administrator"), Role.MANAGER: _l("Programme manager"), Role.PARTNER: _l("Partner")}
ROLE_CHOICES = [(r.value, label) for r, label in ROLE_LABELS.items()]


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[InputRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[InputRequired(), Length(max=200)])
    next = HiddenField()


class LanguageForm(FlaskForm):
    locale = SelectField(_l("Language"), choices=list(LANGUAGE_NAMES.items()))
    next = HiddenField()


class UserForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[InputRequired(), Length(max=254)])
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=200)])
    password = PasswordField(_l("Initial password"), validators=[Length(max=200)],
                             description=_l("Leave empty to send an invitation by e-mail instead."))
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)
    organisation_id = SelectField(_l("Organisation"), coerce=str, validate_choice=False)


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[InputRequired(), Length(max=200)])
    new_password = PasswordField(_l("New password"), validators=[InputRequired(), Length(max=200)])
    confirm = PasswordField(_l("Repeat the new password"), validators=[
        InputRequired(), EqualTo("new_password", message=_l("The two passwords differ."))])


class SetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[InputRequired(), Length(max=200)])
    confirm = PasswordField(_l("Repeat the new password"), validators=[
        InputRequired(), EqualTo("password", message=_l("The two passwords differ."))])


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[InputRequired(), Length(max=254)])
