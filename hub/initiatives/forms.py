"""The initiative form."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from hub import advice
from hub.forms import CommaListField, LinesField
from hub.initiatives.models import InitiativeKind, InitiativeStatus
from hub.initiatives.service import InitiativeInput

KIND_LABELS = {
    InitiativeKind.INTERREG_PROJECT: _l("Interreg project"),
    InitiativeKind.GRENSINFOPUNT: _l("GrensInfoPunt (GIP)"),
    InitiativeKind.EDL_ACTIVITY: _l("EDL activity"),
    InitiativeKind.PARTNERSHIP: _l("Partnership"),
    InitiativeKind.PROGRAMME: _l("Programme"),
    InitiativeKind.OTHER: _l("Other initiative"),
}
STATUS_LABELS = {
    InitiativeStatus.PLANNED: _l("Planned"),
    InitiativeStatus.ACTIVE: _l("Active"),
    InitiativeStatus.ENDED: _l("Ended"),
}


def advice_choices(locale: str) -> list[tuple[str, str]]:
    choices: list[tuple[str, str]] = []
    for theme in advice.THEMES:
        choices.append((str(theme.number), f"{theme.number}. {advice.title(str(theme.number), locale)}"))
        choices.extend((r.code, f"{r.code} {advice.title(r.code, locale)}") for r in theme.recommendations)
    return choices


class InitiativeForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=[(k.value, label) for k, label in KIND_LABELS.items()])
    name_nl = StringField(_l("Name (Dutch)"), validators=[Optional(), Length(max=250)])
    name_de = StringField(_l("Name (German)"), validators=[Optional(), Length(max=250)])
    name_en = StringField(_l("Name (English)"), validators=[Optional(), Length(max=250)])
    acronym = StringField(_l("Acronym"), validators=[Optional(), Length(max=60)])
    aliases = LinesField(_l("Other names and spellings (one per line)"))
    description = TextAreaField(_l("Description"))
    status = SelectField(_l("Status"), choices=[(s.value, label) for s, label in STATUS_LABELS.items()])
    start_date = DateField(_l("Start date"), validators=[Optional()])
    end_date = DateField(_l("End date"), validators=[Optional()])
    dates_estimated = BooleanField(_l("Dates are estimates"))
    regions = CommaListField(_l("Regions (NUTS codes or Euregio areas, comma-separated)"))
    website = StringField(_l("Website"), validators=[Optional(), Length(max=500)])
    advice_codes = SelectMultipleField(_l("SER advice themes and recommendations"), validate_choice=False)
    parent_id = SelectField(_l("Part of"), coerce=str, validate_choice=False)

    def to_input(self) -> InitiativeInput:
        return InitiativeInput(
            kind=self.kind.data,
            name_nl=self.name_nl.data,
            name_de=self.name_de.data,
            name_en=self.name_en.data,
            acronym=self.acronym.data,
            aliases=self.aliases.data or [],
            description=self.description.data or "",
            status=self.status.data,
            start_date=self.start_date.data,
            end_date=self.end_date.data,
            dates_estimated=self.dates_estimated.data,
            regions=self.regions.data or [],
            website=self.website.data,
            advice_codes=self.advice_codes.data or [],
            parent_id=int(self.parent_id.data) if (self.parent_id.data or "").isdigit() else None,
        )
