"""Web pages of the API: the personal token page (under the user's account) and the API reference."""
from __future__ import annotations

from flask import Blueprint, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from hub.api import service
from hub.api.forms import SCOPE_LABELS, TokenForm
from hub.api.views import document
from hub.db import get_session
from hub.errors import ValidationFailed
from hub.forms import show_domain_errors

bp = Blueprint("api_pages", __name__, static_folder="static", static_url_path="/api-static")

ACCESS_LABELS = {
    "public": _l("Public: no token needed; with a token you see what its user may see."),
    "member": _l("Needs a token (read or write scope)."),
    "write": _l("Needs a token with write scope; the user must have the right to the record, as on the site."),
    "manage": _l("Needs a token with write scope of a programme manager or administrator."),
}
PARAMETER_LOCATIONS = {"path": _l("path"), "query": _l("query")}


def _tokens_page(form: TokenForm, issued: service.IssuedToken | None = None, status: int = 200) -> tuple[str, int]:
    tokens = service.tokens_of(get_session(), current_user.id)
    html = render_template("api/tokens.html", form=form, tokens=tokens, issued=issued, scopes=SCOPE_LABELS)
    return html, status


@bp.get("/account/tokens")
@login_required
def tokens() -> tuple[str, int]:
    return _tokens_page(TokenForm())


@bp.post("/account/tokens")
@login_required
def create_token() -> tuple[str, int] | Response:
    """The new secret is rendered into this one response and never stored: it cannot be shown again."""
    form = TokenForm()
    if not form.validate_on_submit():
        return _tokens_page(form, status=422)
    session = get_session()
    try:
        issued = service.create_token(session, current_user, name=form.name.data or "", scope=form.scope.data,
                                      actor_id=current_user.id)
    except ValidationFailed as error:
        session.rollback()
        show_domain_errors(form, error)
        return _tokens_page(form, status=422)
    session.commit()
    response = make_response(_tokens_page(TokenForm(formdata=None), issued, 201))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int) -> Response:
    session = get_session()
    token = service.get_own_token(session, token_id, current_user.id)
    service.revoke_token(session, token, actor_id=current_user.id)
    session.commit()
    flash(_("Token “%(name)s” revoked: it no longer opens the API.", name=token.name), "success")
    return redirect(url_for(".tokens"))


@bp.get("/api/v1/docs")
def reference() -> str:
    """The API reference, rendered on the server from the same document ``/api/v1/openapi.json`` serves."""
    return render_template("api/reference.html", doc=document(), access_labels=ACCESS_LABELS,
                           locations=PARAMETER_LOCATIONS)
