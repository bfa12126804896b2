"""Login, profile and user-management forms."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import InputRequired, Length

from hub.auth.models import Role
from hub.i18n import LANGUAGE_NAMES

ROLE_LABELS = {Role.ADMIN: _l("Administrator"), Role.MANAGER: _l("Programme manager"), Role.PARTNER: _l("Partner")}


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
    password = PasswordField(_l("Initial password"), validators=[InputRequired(), Length(max=200)])
    role = SelectField(_l("Role"), choices=[(r.value, label) for r, label in ROLE_LABELS.items()])
    organisation_id = SelectField(_l("Organisation"), coerce=str, validate_choice=False)
