"""The upload form and the confirmation of a previewed import."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SelectField
from wtforms.validators import AnyOf, DataRequired, Length, Regexp

from hub.transfer.service import FORMATS

FORMAT_LABELS = {
    "": _l("Recognise from the file"),
    "csv": _l("CSV in the hub's column template"),
    "xlsx": _l("XLSX in the hub's column template"),
    "keepeu": _l("keep.eu project export (CSV or XLSX)"),
}
TOKEN_PATTERN = r"^[A-Za-z0-9_-]{16,64}$"


class UploadForm(FlaskForm):
    file = FileField(_l("File (CSV or XLSX)"), validators=[FileRequired(_l("Choose a file to import."))])
    format = SelectField(_l("Format"), choices=list(FORMAT_LABELS.items()), default="")


class ConfirmForm(FlaskForm):
    """Names the upload kept on the server between preview and confirmation; it is checked again on confirm."""

    token = HiddenField(validators=[DataRequired(), Regexp(TOKEN_PATTERN)])
    format = HiddenField(validators=[AnyOf(("", *FORMATS))])
    filename = HiddenField(validators=[Length(max=200)])
