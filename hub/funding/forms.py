"""The funding stream form."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, DecimalField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from hub.funding.models import FundingKind
from hub.funding.service import FundingInput

FUNDING_KIND_LABELS = {
    FundingKind.STRUCTURAL: _l("Structural"),
    FundingKind.TEMPORARY: _l("Temporary / project"),
}


class FundingForm(FlaskForm):
    funder_id = SelectField(_l("Funder"), coerce=int, validate_choice=False)
    kind = SelectField(_l("Kind of funding"), choices=[(k.value, label) for k, label in FUNDING_KIND_LABELS.items()])
    amount = DecimalField(_l("Amount"), validators=[Optional()], places=2)
    currency = StringField(_l("Currency"), default="EUR", validators=[Length(max=3)])
    cofinancing_share = DecimalField(_l("Co-financing share (%)"), validators=[Optional()], places=2)
    start_date = DateField(_l("Start date"), validators=[InputRequired()])
    end_date = DateField(_l("End date (empty: open-ended)"), validators=[Optional()])
    amount_estimated = BooleanField(_l("Amount is an estimate"))
    end_date_estimated = BooleanField(_l("End date is an estimate"))
    note = TextAreaField(_l("Note"))

    def to_input(self) -> FundingInput:
        return FundingInput(
            funder_id=self.funder_id.data,
            kind=self.kind.data,
            start_date=self.start_date.data,
            end_date=self.end_date.data,
            amount=self.amount.data,
            currency=self.currency.data or "EUR",
            cofinancing_share=self.cofinancing_share.data,
            amount_estimated=self.amount_estimated.data,
            end_date_estimated=self.end_date_estimated.data,
            note=self.note.data or "",
        )
