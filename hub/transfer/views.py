"""Upload → preview → confirm for managers; template downloads; exports of the initiative and organisation lists."""
from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from hub import clock
from hub.auth.access import manager_required
from hub.db import get_session
from hub.errors import ValidationFailed
from hub.initiatives.service import list_initiatives
from hub.initiatives.views import filter_from_args
from hub.stakeholders.forms import ROLE_LABELS
from hub.stakeholders.service import list_organisations
from hub.transfer import export
from hub.transfer.forms import ConfirmForm, UploadForm
from hub.transfer.reading import FileRejected
from hub.transfer.service import ImportPlan, apply_import, plan_import
from hub.transfer.shapes import TEMPLATE_COLUMNS, TEMPLATE_NAMES

bp = Blueprint("transfer", __name__, url_prefix="/transfer")

DEFAULT_MAX_UPLOAD_MB = 10
STASH_HOURS = 24
PREVIEW_LIMIT = 500
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


def max_upload_bytes() -> int:
    """HUB_IMPORT_MAX_MB (default 10); tests set IMPORT_MAX_BYTES in the app config."""
    configured = current_app.config.get("IMPORT_MAX_BYTES")
    if configured:
        return int(configured)
    raw = os.environ.get("HUB_IMPORT_MAX_MB", "")
    return int(raw) * 1024 * 1024 if raw.isdigit() else DEFAULT_MAX_UPLOAD_MB * 1024 * 1024


# --- the upload kept between preview and confirmation -----------------------------------------

def _stash_dir() -> Path:
    path = Path(current_app.instance_path) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _stash(data: bytes) -> str:
    """Keep the upload for its confirmation; uploads older than a day are dropped on the way."""
    folder = _stash_dir()
    cutoff = time.time() - STASH_HOURS * 3600
    for old in folder.iterdir():
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(24)
    (folder / f"{current_user.id}-{token}").write_bytes(data)
    return token


def _stashed(token: str) -> Path:
    """The upload behind a token, only for the user who uploaded it."""
    path = _stash_dir() / f"{current_user.id}-{token}"
    if not path.is_file():
        abort(404)
    return path


# --- import -----------------------------------------------------------------------------------

def _upload_page(form: UploadForm, status: int = 200) -> tuple[str, int]:
    return render_template("transfer/upload.html", form=form, columns=TEMPLATE_COLUMNS,
                           max_mb=max_upload_bytes() // (1024 * 1024)), status


@bp.get("/import")
@manager_required
def upload() -> tuple[str, int]:
    return _upload_page(UploadForm())


@bp.post("/import")
@manager_required
def preview() -> tuple[str, int]:
    form = UploadForm()
    if not form.validate_on_submit():
        return _upload_page(form, 422)
    limit = max_upload_bytes()
    data = form.file.data.read(limit + 1)
    filename = Path(form.file.data.filename or "upload").name[:200]
    if len(data) > limit:
        form.file.errors.append(_("The file is larger than %(mb)d MB.", mb=limit // (1024 * 1024)))
        return _upload_page(form, 422)
    try:
        plan = plan_import(get_session(), data, filename=filename, fmt=form.format.data or None)
    except FileRejected as error:
        form.file.errors.append(error.message)
        return _upload_page(form, 422)
    confirm = ConfirmForm(formdata=None, token=_stash(data) if plan.ok else "", format=form.format.data,
                          filename=filename)
    return _preview_page(plan, confirm, form)


def _preview_page(plan: ImportPlan, confirm: ConfirmForm, upload_form: UploadForm) -> tuple[str, int]:
    return render_template("transfer/preview.html", plan=plan, confirm=confirm, form=upload_form,
                           roles=ROLE_LABELS, limit=PREVIEW_LIMIT), 200 if plan.ok else 422


@bp.post("/import/confirm")
@manager_required
def confirm() -> Response | tuple[str, int]:
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    path = _stashed(form.token.data)
    session = get_session()
    try:
        plan = plan_import(session, path.read_bytes(), filename=form.filename.data or path.name,
                           fmt=form.format.data or None)
        if plan.ok:
            apply_import(session, plan, actor_id=current_user.id)
    except (FileRejected, ValidationFailed) as error:
        # The registry changed between preview and confirmation in a way the rows no longer fit.
        session.rollback()
        flash(error.message, "error")
        return redirect(url_for(".upload"))
    if not plan.ok:
        session.rollback()
        return _preview_page(plan, ConfirmForm(formdata=None), UploadForm(formdata=None))
    session.commit()
    path.unlink(missing_ok=True)
    flash(_("Import done. New initiatives: %(created)d; changed: %(updated)d; unchanged: %(unchanged)d.",
            created=plan.created, updated=plan.updated, unchanged=plan.unchanged), "success")
    return redirect(url_for("initiatives.list_view"))


@bp.get("/template.<fmt>")
@manager_required
def template(fmt: str) -> Response:
    """The blank column template, to fill in and import."""
    return _download(fmt, TEMPLATE_NAMES, [], "grenshub-import-template", formats=("csv", "xlsx"))


# --- export (public, like the lists they mirror; no personal data) ----------------------------

@bp.get("/initiatives.<fmt>")
def export_initiatives(fmt: str) -> Response:
    """The initiatives list with the same filters as /initiatives."""
    session = get_session()
    listed = list_initiatives(session, filter_from_args())
    if fmt == "json":
        return _file(export.initiatives_json(session, listed), "json", "grenshub-initiatives")
    rows = export.initiative_rows(session, [initiative for initiative, _horizon in listed])
    return _download(fmt, TEMPLATE_NAMES, rows, "grenshub-initiatives")


@bp.get("/organisations.<fmt>")
def export_organisations(fmt: str) -> Response:
    """The stakeholders list with the same filters as /stakeholders (organisations only, never contact people)."""
    organisations = list_organisations(get_session(), country=request.args.get("country") or None,
                                       type_=request.args.get("type") or None)
    if fmt == "json":
        return _file(export.organisations_json(organisations), "json", "grenshub-organisations")
    return _download(fmt, export.ORGANISATION_COLUMNS, export.organisation_rows(organisations),
                     "grenshub-organisations")


def _download(fmt: str, columns: tuple[str, ...], rows: list[dict[str, str]], stem: str,
              formats: tuple[str, ...] = ("csv", "xlsx")) -> Response:
    if fmt not in formats:
        abort(404)
    body = export.to_csv(columns, rows) if fmt == "csv" else export.to_xlsx(columns, rows, stem)
    return _file(body, fmt, stem)


def _file(body: bytes, fmt: str, stem: str) -> Response:
    name = f"{stem}-{clock.today().isoformat()}.{fmt}"
    return Response(body, content_type=MEDIA_TYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})
