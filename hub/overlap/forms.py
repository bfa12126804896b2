"""The decision form under each overlap candidate."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, TextAreaField

from hub.overlap.service import VERDICT_LABELS


class DecisionForm(FlaskForm):
    # Checked by the service, which names the problem ("validate_choice" would only say "Not a valid choice").
    other_id = HiddenField()
    verdict = SelectField(_l("Verdict"), choices=[(v.value, label) for v, label in VERDICT_LABELS.items()],
                          validate_choice=False)
    note = TextAreaField(_l("Note (optional)"))
