"""Forms for organisations, their contact people and initiative roles."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from hub.stakeholders.models import COUNTRIES, InitiativeRoleKind, OrganisationType
from hub.stakeholders.service import OrganisationInput, PersonInput

ORGANISATION_TYPE_LABELS = {
    OrganisationType.GOVERNMENT: _l("Government"),
    OrganisationType.EDUCATION: _l("Education"),
    OrganisationType.EMPLOYER: _l("Employer"),
    OrganisationType.UNION: _l("Trade union"),
    OrganisationType.KNOWLEDGE: _l("Knowledge institution"),
    OrganisationType.EUREGIO: _l("Euregio body"),
    OrganisationType.FUNDER: _l("Funder / programme"),
    OrganisationType.NGO: _l("Civil society"),
    OrganisationType.OTHER: _l("Other"),
}
COUNTRY_LABELS = {"NL": _l("Netherlands"), "DE": _l("Germany"), "BE": _l("Belgium"), "EU": _l("European / cross-border")}
ROLE_LABELS = {
    InitiativeRoleKind.LEAD: _l("Lead"),
    InitiativeRoleKind.PARTNER: _l("Partner"),
    InitiativeRoleKind.FUNDER: _l("Funder"),
    InitiativeRoleKind.AMBASSADOR: _l("Ambassador"),
}


class OrganisationForm(FlaskForm):
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=200)])
    country = SelectField(_l("Country"), choices=[(c, COUNTRY_LABELS[c]) for c in COUNTRIES])
    type = SelectField(_l("Type"), choices=[(t.value, label) for t, label in ORGANISATION_TYPE_LABELS.items()])
    website = StringField(_l("Website"), validators=[Optional(), Length(max=500)])
    description = TextAreaField(_l("Description"))

    def to_input(self) -> OrganisationInput:
        return OrganisationInput(
            name=self.name.data or "", country=self.country.data, type=self.type.data,
            website=self.website.data, description=self.description.data or "",
        )


class PersonForm(FlaskForm):
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=200)])
    title = StringField(_l("Job title"), validators=[Optional(), Length(max=200)])
    email = StringField(_l("E-mail"), validators=[Optional(), Length(max=254)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=50)])

    def to_input(self) -> PersonInput:
        return PersonInput(name=self.name.data or "", title=self.title.data or "", email=self.email.data, phone=self.phone.data)


class RoleForm(FlaskForm):
    organisation_id = SelectField(_l("Organisation"), coerce=int, validate_choice=False)
    role = SelectField(_l("Role"), choices=[(r.value, label) for r, label in ROLE_LABELS.items()])
