"""The funding stream form."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from hub.funding.models import FundingKind
from hub.funding.service import FundingInput
from hub.money import AmountAmbiguous, AmountError, parse_amount, parse_share, typed

FUNDING_KIND_LABELS = {
    FundingKind.STRUCTURAL: _l("Structural"),
    FundingKind.TEMPORARY: _l("Temporary / project"),
}


class AmountField(StringField):
    """A text box for an amount as people type it ("1.200.000,50", "1,2 mln"), read by ``hub.money``. Not
    type=number: browsers rewrite or refuse such input by their own locale. An ambiguous amount is asked back,
    with both readings in ``choices`` as (label, unambiguous text)."""

    share = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        render_kw = {"inputmode": "decimal", "autocomplete": "off", "data-amount": "share" if self.share else "amount",
                     **kwargs.pop("render_kw", {})}
        super().__init__(*args, render_kw=render_kw, **kwargs)
        self.choices: list[tuple[str, str]] = []

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = None
        if not valuelist:
            return
        try:
            self.data = parse_share(valuelist[0]) if self.share else parse_amount(valuelist[0])
        except AmountAmbiguous as question:
            self.choices = [(label, text) for _value, label, text in question.choices]
            raise ValueError(question.message) from None
        except AmountError as error:
            raise ValueError(error.message) from None

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return typed(self.data if isinstance(self.data, Decimal) else None, share=self.share)


class ShareField(AmountField):
    """A percentage: "80%", "80 %" or the fraction "0,8"."""

    share = True


class FundingForm(FlaskForm):
    funder_id = SelectField(_l("Funder"), coerce=int, validate_choice=False)
    kind = SelectField(_l("Kind of funding"), choices=[(k.value, label) for k, label in FUNDING_KIND_LABELS.items()])
    amount = AmountField(_l("Amount"), validators=[Optional()])
    currency = StringField(_l("Currency"), default="EUR", validators=[Length(max=3)])
    cofinancing_share = ShareField(_l("Co-financing share (%)"), validators=[Optional()])
    start_date = DateField(_l("Start date"), validators=[InputRequired()])
    end_date = DateField(_l("End date (empty: open-ended)"), validators=[Optional()])
    amount_estimated = BooleanField(_l("Amount is an estimate"))
    end_date_estimated = BooleanField(_l("End date is an estimate"))
    note = TextAreaField(_l("Note"))
    expected_end_date = DateField(_l("Expected end (if it differs from the plan)"), validators=[Optional()])
    actual_end_date = DateField(_l("Actual end"), validators=[Optional()])
    renewal_decision_date = DateField(_l("Renewal to be decided by (empty: the usual lead time before the end)"),
                                      validators=[Optional()])
    successor_id = SelectField(_l("Followed by"), coerce=int, validate_choice=False)
    programme_envelope = BooleanField(_l("Programme budget (left out of totals)"))

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
            expected_end_date=self.expected_end_date.data,
            actual_end_date=self.actual_end_date.data,
            renewal_decision_date=self.renewal_decision_date.data,
            successor_id=self.successor_id.data or None,
            programme_envelope=self.programme_envelope.data,
        )
