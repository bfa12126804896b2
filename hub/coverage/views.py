"""The coverage matrix page and its CSV export. Public, like the initiatives and their funding."""
from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, render_template
from flask_babel import gettext as _

from hub import advice
from hub.coverage.service import STATUS_LABELS, CoverageMatrix, coverage_matrix
from hub.db import get_session
from hub.formatting import locale_code

bp = Blueprint("coverage", __name__, url_prefix="/coverage", static_folder="static")


@bp.get("")
def matrix() -> str:
    return render_template("coverage/matrix.html", matrix=coverage_matrix(get_session()), status_labels=STATUS_LABELS)


def _csv(matrix: CoverageMatrix) -> str:
    """One row per theme and recommendation; amounts as plain numbers, dates as ISO dates."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Code"), _("Theme or recommendation"), _("Active initiatives"),
                     *(_("Running funding (%(currency)s)", currency=c) for c in matrix.currencies),
                     _("Funded until"), _("Status")])
    for row in matrix.rows:
        until = _("open-ended") if row.open_ended else row.until.isoformat() if row.until else ""
        writer.writerow([row.code, advice.title(row.code, locale_code()), row.count,
                         *(f"{row.money.get(c, 0):.2f}" for c in matrix.currencies),
                         until, STATUS_LABELS[row.status]])
    return out.getvalue()


@bp.get("/export.csv")
def export_csv() -> Response:
    matrix = coverage_matrix(get_session())
    body = "\ufeff" + _csv(matrix)  # the byte-order mark makes spreadsheet programs read UTF-8
    filename = f"grenshub-coverage-{matrix.today.isoformat()}.csv"
    return Response(body, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{filename}"'})
