"""Alert pages: my alerts, the initiative panel, e-mail subscription with double opt-in, signed links
(confirm, one-click unsubscribe, Atom, iCal), the managers' cliff dashboard and the admins' delivery log."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from hub import clock
from hub.alerts import dashboard, feeds, service, settings
from hub.alerts.forms import EmailSubscriptionForm, RetryFailedForm, SettingsForm, SubscriptionForm, scope_choices, scope_value
from hub.alerts.models import AlertDelivery, AlertSubscription, Channel, DeliveryStatus, ScopeKind, SubscriptionStatus
from hub.alerts.service import LinkPurpose
from hub.auth.access import manager_required, member_required
from hub.auth.models import User
from hub.db import get_session, is_value_of
from hub.errors import Conflict, NotFound, ValidationFailed
from hub.extensions import csrf, limiter
from hub.formatting import locale_code
from hub.forms import show_domain_errors
from hub.initiatives.models import Initiative

bp = Blueprint("alerts", __name__, url_prefix="/alerts")


@bp.record_once
def _configure(state: BlueprintSetupState) -> None:
    settings.configure(state.app)


@bp.app_context_processor
def _panel_helpers() -> dict[str, Any]:
    return {"alerts_panel": alerts_panel}


def alerts_panel(initiative: Initiative) -> dict[str, Any]:
    """What the initiative page's alert panel needs: the user's subscription to it, or a form to start one."""
    scope = scope_value(ScopeKind.INITIATIVE, str(initiative.id))
    following = None
    if current_user.is_authenticated:
        following = service.user_follows(get_session(), current_user, ScopeKind.INITIATIVE, str(initiative.id))
        form: SubscriptionForm | EmailSubscriptionForm = SubscriptionForm(formdata=None, scope=scope, next=request.path)
    else:
        form = EmailSubscriptionForm(formdata=None, scope=scope)
    return {"following": following, "form": form}


def _safe_next(default: str) -> str:
    target = request.form.get("next") or ""
    return target if target.startswith("/") and not target.startswith(("//", "/\\")) else default


def _mine_page(form: SubscriptionForm, status: int = 200) -> tuple[str, int]:
    session = get_session()
    subscriptions = service.subscriptions_of(session, current_user)
    form.scope.choices = scope_choices(session, locale_code())
    return render_template(
        "alerts/mine.html", form=form, subscriptions=subscriptions,
        labels={s.id: service.scope_label(session, s.scope_kind, s.scope_key, locale_code()) for s in subscriptions},
        feed_tokens={s.id: service.sign(LinkPurpose.FEED, s.id) for s in subscriptions},
        calendar_token=service.sign(LinkPurpose.CALENDAR, current_user.id),
    ), status


@bp.get("/")
@member_required
def mine() -> tuple[str, int]:
    return _mine_page(SubscriptionForm(formdata=None, scope=scope_value(ScopeKind.ALL)))


@bp.post("/")
@member_required
def subscribe() -> BaseResponse | tuple[str, int]:
    form = SubscriptionForm()
    if form.validate_on_submit():
        session = get_session()
        try:
            subscription = service.subscribe_user(session, current_user, form.to_input(locale_code()), actor_id=current_user.id)
        except ValidationFailed as error:
            session.rollback()
            show_domain_errors(form, error)
        except Conflict as error:
            session.rollback()
            form.form_errors.append(error.message)
        else:
            session.commit()
            flash(_("You now follow %(what)s.", what=service.scope_label(
                session, subscription.scope_kind, subscription.scope_key, locale_code())), "success")
            return redirect(_safe_next(url_for(".mine")))
    return _mine_page(form, 422)


def _own(subscription_id: int) -> AlertSubscription:
    return service.own_subscription(get_session(), subscription_id, current_user)


def _feed_subscription(token: str) -> AlertSubscription:
    """The subscription behind a feed link; an ended (or never confirmed) one, or a deactivated user's, has no feed."""
    subscription = service.subscription_for(get_session(), LinkPurpose.FEED, token)
    owner_gone = subscription.user is not None and not subscription.user.active
    if owner_gone or subscription.status not in (SubscriptionStatus.ACTIVE, SubscriptionStatus.PAUSED):
        raise NotFound(_("This subscription has ended."))
    return subscription


@bp.post("/<int:subscription_id>/pause")
@member_required
def pause(subscription_id: int) -> BaseResponse:
    service.set_paused(get_session(), _own(subscription_id), True, actor_id=current_user.id)
    get_session().commit()
    flash(_("Alerts paused."), "success")
    return redirect(url_for(".mine"))


@bp.post("/<int:subscription_id>/resume")
@member_required
def resume(subscription_id: int) -> BaseResponse:
    service.set_paused(get_session(), _own(subscription_id), False, actor_id=current_user.id)
    get_session().commit()
    flash(_("Alerts resumed."), "success")
    return redirect(url_for(".mine"))


@bp.post("/<int:subscription_id>/webhook")
@member_required
def enable_webhook(subscription_id: int) -> BaseResponse:
    service.enable_webhook(get_session(), _own(subscription_id), actor_id=current_user.id)
    get_session().commit()
    flash(_("The webhook is switched on again."), "success")
    return redirect(url_for(".mine"))


@bp.post("/<int:subscription_id>/unsubscribe")
@member_required
def leave(subscription_id: int) -> BaseResponse:
    service.unsubscribe(get_session(), _own(subscription_id), actor_id=current_user.id)
    get_session().commit()
    flash(_("You no longer receive these alerts."), "success")
    return redirect(_safe_next(url_for(".mine")))


@bp.route("/follow", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def follow() -> str | tuple[str, int] | BaseResponse:
    """Anyone subscribes by e-mail; nothing is sent but the confirmation until the link is opened."""
    if current_user.is_authenticated:
        return redirect(url_for(".mine"))
    session = get_session()
    form = EmailSubscriptionForm()
    if request.method == "GET":
        form.scope.data = request.args.get("scope", scope_value(ScopeKind.ALL))
    form.scope.choices = scope_choices(session, locale_code())
    if form.validate_on_submit():
        try:
            service.request_subscription(session, form.email.data or "", form.subscription_input(locale_code()))
        except ValidationFailed as error:
            session.rollback()
            show_domain_errors(form, error)
        else:
            session.commit()
            return render_template("alerts/check_mail.html", email=form.email.data)
    return render_template("alerts/follow.html", form=form), 422 if form.errors or form.form_errors else 200


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str) -> str:
    """The double opt-in: opening the mailed link shows a button; pressing it activates the subscription."""
    session = get_session()
    subscription = service.subscription_for(session, LinkPurpose.CONFIRM, token)
    label = service.scope_label(session, subscription.scope_kind, subscription.scope_key, locale_code())
    if request.method == "POST":
        if service.confirm_subscription(session, subscription):
            session.commit()
        return render_template("alerts/confirmed.html", subscription=subscription, label=label,
                               feed_token=service.sign(LinkPurpose.FEED, subscription.id))
    return render_template("alerts/confirm.html", subscription=subscription, label=label, token=token)


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token: str) -> str:
    """One-click unsubscribe (RFC 8058): mail clients POST here without a session; the signature authorises.

    A GET (a person following the link, or a link checker) only shows the button.
    """
    session = get_session()
    subscription = service.subscription_for(session, LinkPurpose.UNSUBSCRIBE, token)
    label = service.scope_label(session, subscription.scope_kind, subscription.scope_key, locale_code())
    if request.method == "POST":
        if service.unsubscribe(session, subscription, actor_id=None):
            session.commit()
        return render_template("alerts/unsubscribed.html", label=label)
    return render_template("alerts/unsubscribe.html", label=label, token=token,
                           done=subscription.status == SubscriptionStatus.UNSUBSCRIBED)


@bp.route("/settings/<token>", methods=["GET", "POST"])
def subscription_settings(token: str) -> str | tuple[str, int]:
    """One-click settings from an alert: the signed link authorises, as for unsubscribing; the form has CSRF."""
    session = get_session()
    subscription = service.subscription_for(session, LinkPurpose.SETTINGS, token)
    form = SettingsForm(obj=subscription) if request.method == "GET" else SettingsForm()
    if form.validate_on_submit():
        try:
            service.change_settings(session, subscription, form.rhythm.data, form.reminder_offsets.data or "", actor_id=None)
        except (ValidationFailed, Conflict) as error:
            session.rollback()
            if isinstance(error, ValidationFailed):
                show_domain_errors(form, error)
            else:
                flash(str(error), "error")
        else:
            session.commit()
            flash(_("Your alert settings are saved."), "success")
    label = service.scope_label(session, subscription.scope_kind, subscription.scope_key, locale_code())
    central = service.offsets_text(current_app.config["REMINDER_OFFSETS"])
    return render_template("alerts/settings.html", form=form, label=label, central=central), 422 if form.errors else 200


@bp.get("/feeds/<token>.atom")
def atom(token: str) -> Response:
    session = get_session()
    subscription = _feed_subscription(token)
    with force_locale(subscription.locale):
        body = feeds.atom(session, subscription)
    return Response(body, mimetype="application/atom+xml")


@bp.get("/feeds/<token>.ics")
def subscription_calendar(token: str) -> Response:
    session = get_session()
    subscription = _feed_subscription(token)
    with force_locale(subscription.locale):
        title = _("Grenshub: %(scope)s", scope=service.scope_label(
            session, subscription.scope_kind, subscription.scope_key, subscription.locale))
        body = feeds.calendar(session, feeds.scope_union([subscription]), title=title,
                              thresholds=settings.setting("CLIFF_THRESHOLDS"))
    return Response(body, mimetype="text/calendar")


@bp.get("/calendar/<token>.ics")
def personal_calendar(token: str) -> Response:
    """A partner's own calendar: the funding end dates and thresholds of everything they follow."""
    session = get_session()
    user = session.get(User, service.unsign(LinkPurpose.CALENDAR, token))
    if user is None or not user.active:
        raise NotFound(_("This link is not valid. Please copy the complete link from the message."))
    subscriptions = [s for s in service.subscriptions_of(session, user) if s.status == SubscriptionStatus.ACTIVE]
    with force_locale(user.locale or "en"):
        body = feeds.calendar(session, feeds.scope_union(subscriptions), title=_("Grenshub: my funding cliffs"),
                              thresholds=settings.setting("CLIFF_THRESHOLDS"))
    return Response(body, mimetype="text/calendar")


@bp.get("/cliffs")
@manager_required
def cliffs() -> str:
    return render_template("alerts/cliffs.html", months=dashboard.upcoming_cliffs(
        get_session(), clock.today(), current_app.config["RENEWAL_LEAD_DAYS"]))


@bp.get("/deliveries")
@manager_required
def deliveries() -> str:
    status_arg = request.args.get("status", "")
    status = DeliveryStatus(status_arg) if is_value_of(DeliveryStatus, status_arg) else None
    if status_arg and status is None:
        flash(_("Unknown delivery status: %(value)s. Showing all deliveries.", value=status_arg), "error")
    session = get_session()
    return render_template("alerts/deliveries.html", deliveries=dashboard.delivery_log(session, status),
                           paused=dashboard.paused_channels(session, clock.now()), retry_form=RetryFailedForm(),
                           status=status, statuses=list(DeliveryStatus))


@bp.post("/deliveries/<int:delivery_id>/retry")
@manager_required
def retry(delivery_id: int) -> BaseResponse:
    session = get_session()
    delivery = session.get(AlertDelivery, delivery_id)
    if delivery is None:
        raise NotFound(_("No delivery with id %(id)s.", id=delivery_id))
    service.retry_delivery(session, delivery, actor_id=current_user.id)
    session.commit()
    flash(_("Delivery %(id)s will be sent again.", id=delivery_id), "success")
    return redirect(url_for(".deliveries", status=request.form.get("status") or None))


@bp.post("/deliveries/retry-failed")
@manager_required
def retry_failed() -> BaseResponse:
    form = RetryFailedForm()
    if not form.validate_on_submit():
        flash(_("The retry was not sent; please try again."), "error")
        return redirect(url_for(".deliveries", status="failed"))
    session = get_session()
    count = service.retry_failed(session, channel=Channel(form.channel.data) if form.channel.data else None,
                                 actor_id=current_user.id)
    session.commit()
    flash(ngettext("%(num)d failed delivery will be sent again.", "%(num)d failed deliveries will be sent again.", count),
          "success")
    return redirect(url_for(".deliveries"))
