"""The form that creates a personal API token."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import InputRequired, Length

from hub.api.models import TokenScope

SCOPE_LABELS = {
    TokenScope.READ: _l("Read only"),
    TokenScope.WRITE: _l("Read and write"),
}


class TokenForm(FlaskForm):
    name = StringField(_l("Name (which system uses it)"), validators=[InputRequired(), Length(max=100)])
    scope = SelectField(_l("Scope"), choices=[(s.value, label) for s, label in SCOPE_LABELS.items()])
