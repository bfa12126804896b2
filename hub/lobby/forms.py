"""Forms for lobby cycles, priorities, positions, actions and evidence."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, HiddenField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from hub import advice
from hub.forms import LinesField
from hub.lobby.labels import ACTION_KIND_LABELS, POSITION_LABELS, STATUS_LABELS, TARGET_LEVEL_LABELS
from hub.lobby.models import EvidenceKind
from hub.lobby.service import ActionInput, CycleInput, EvidenceInput, PositionInput, PriorityInput

# Which fields the evidence form shows for each kind of evidence.
EVIDENCE_FIELDS = {
    EvidenceKind.INITIATIVE: ("initiative_id",),
    EvidenceKind.FIGURE: ("value", "text", "source", "source_date", "url"),
    EvidenceKind.QUOTE: ("text", "source", "source_date", "url"),
    EvidenceKind.NEWS: ("text", "source", "source_date", "url"),
}
TEXT_LABELS = {
    EvidenceKind.FIGURE: _l("What the figure counts"),
    EvidenceKind.QUOTE: _l("Quote"),
    EvidenceKind.NEWS: _l("Headline"),
}


def recommendation_choices(locale: str) -> list[tuple[str, str]]:
    return [(code, f"{code} {advice.title(code, locale)}") for code in advice.RECOMMENDATIONS]


class CycleForm(FlaskForm):
    year = IntegerField(_l("Year"), validators=[InputRequired()])
    title_nl = StringField(_l("Title (Dutch)"), validators=[Optional(), Length(max=250)])
    title_de = StringField(_l("Title (German)"), validators=[Optional(), Length(max=250)])
    title_en = StringField(_l("Title (English)"), validators=[Optional(), Length(max=250)])
    summary_nl = TextAreaField(_l("Summary (Dutch)"))
    summary_de = TextAreaField(_l("Summary (German)"))
    summary_en = TextAreaField(_l("Summary (English)"))
    active = BooleanField(_l("Active (takes new priorities)"), default=True)

    def to_input(self) -> CycleInput:
        return CycleInput(
            year=self.year.data, title_nl=self.title_nl.data, title_de=self.title_de.data, title_en=self.title_en.data,
            summary_nl=self.summary_nl.data or "", summary_de=self.summary_de.data or "",
            summary_en=self.summary_en.data or "", active=self.active.data,
        )


class PriorityForm(FlaskForm):
    title_nl = StringField(_l("Title (Dutch)"), validators=[Optional(), Length(max=250)])
    title_de = StringField(_l("Title (German)"), validators=[Optional(), Length(max=250)])
    title_en = StringField(_l("Title (English)"), validators=[Optional(), Length(max=250)])
    summary_nl = TextAreaField(_l("Summary (Dutch)"))
    summary_de = TextAreaField(_l("Summary (German)"))
    summary_en = TextAreaField(_l("Summary (English)"))
    advice_codes = SelectMultipleField(_l("SER recommendations it comes from"), validate_choice=False)
    target_level = SelectField(_l("Target level"), choices=[(k.value, label) for k, label in TARGET_LEVEL_LABELS.items()])
    owner_id = SelectField(_l("Owner (province)"), coerce=int, validate_choice=False)
    status = SelectField(_l("Status"), choices=[(k.value, label) for k, label in STATUS_LABELS.items()])

    def to_input(self) -> PriorityInput:
        return PriorityInput(
            owner_id=self.owner_id.data, target_level=self.target_level.data, status=self.status.data,
            title_nl=self.title_nl.data, title_de=self.title_de.data, title_en=self.title_en.data,
            summary_nl=self.summary_nl.data or "", summary_de=self.summary_de.data or "",
            summary_en=self.summary_en.data or "", advice_codes=self.advice_codes.data or [],
        )


class MoveForm(FlaskForm):
    direction = HiddenField()


class PositionForm(FlaskForm):
    organisation_id = SelectField(_l("Partner"), coerce=int, validate_choice=False)
    position = SelectField(_l("Position"), choices=[(k.value, label) for k, label in POSITION_LABELS.items()])
    stated_on = DateField(_l("Stated on"), validators=[InputRequired()])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])

    def to_input(self) -> PositionInput:
        return PositionInput(organisation_id=self.organisation_id.data, position=self.position.data,
                             stated_on=self.stated_on.data, note=self.note.data or "")


class ActionForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=[(k.value, label) for k, label in ACTION_KIND_LABELS.items()])
    title = StringField(_l("Title"), validators=[InputRequired(), Length(max=300)])
    due_on = DateField(_l("Date"), validators=[InputRequired()])
    responsible_id = SelectField(_l("Responsible"), coerce=int, validate_choice=False)
    outcome = TextAreaField(_l("Outcome (once it has taken place)"))
    links = LinesField(_l("Documents and links (one web address per line)"))

    def to_input(self) -> ActionInput:
        return ActionInput(kind=self.kind.data, title=self.title.data or "", due_on=self.due_on.data,
                           responsible_id=self.responsible_id.data, outcome=self.outcome.data or "",
                           links=self.links.data or [])


class EvidenceForm(FlaskForm):
    kind = HiddenField()
    initiative_id = SelectField(_l("Initiative"), coerce=int, validate_choice=False)
    value = StringField(_l("Figure"), validators=[Optional(), Length(max=100)])
    text = TextAreaField(_l("Text"))
    source = StringField(_l("Source"))
    source_date = DateField(_l("Date of the source"), validators=[Optional()])
    url = StringField(_l("Web address"), validators=[Optional(), Length(max=500)])

    def shown_fields(self) -> list[str]:
        """The inputs that belong to the chosen kind, with the text box labelled for it."""
        kind = EvidenceKind(self.kind.data)
        if kind in TEXT_LABELS:
            self.text.label.text = str(TEXT_LABELS[kind])
        return list(EVIDENCE_FIELDS[kind])

    def to_input(self) -> EvidenceInput:
        is_initiative = self.kind.data == EvidenceKind.INITIATIVE.value
        return EvidenceInput(
            kind=self.kind.data or "", initiative_id=self.initiative_id.data if is_initiative else None,
            text=self.text.data or "", value=self.value.data or "", source=self.source.data or "",
            source_date=self.source_date.data, url=self.url.data,
        )
