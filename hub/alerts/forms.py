"""Subscription forms. What to follow is one select of ``kind:key`` values grouped by kind (no JavaScript)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import Session
from wtforms import BooleanField, EmailField, HiddenField, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional

from hub import advice, regions
from hub.alerts.models import Channel, Rhythm, ScopeKind
from hub.alerts.service import SubscriptionInput
from hub.initiatives.models import Initiative
from hub.stakeholders.service import list_organisations

RHYTHM_LABELS = {Rhythm.IMMEDIATE: _l("Immediately"), Rhythm.DAILY: _l("Daily digest (every morning)"),
                 Rhythm.WEEKLY: _l("Weekly digest (Monday morning)")}


def scope_value(kind: str, key: str = "") -> str:
    return f"{kind}:{key}"


def scope_choices(session: Session, locale: str) -> dict[str, list[tuple[str, str]]]:
    """Everything a subscription can follow, grouped for the select's optgroups."""
    initiatives = session.scalars(select(Initiative).order_by(Initiative.name_key)).all()
    themes = []
    for theme in advice.THEMES:
        themes.append((scope_value(ScopeKind.THEME, str(theme.number)), f"{theme.number}. {advice.title(str(theme.number), locale)}"))
        themes.extend((scope_value(ScopeKind.THEME, r.code), f"{r.code} {advice.title(r.code, locale)}")
                      for r in theme.recommendations)
    return {
        str(_l("Everything")): [(scope_value(ScopeKind.ALL), str(_l("All initiatives")))],
        str(_l("One initiative")): [(scope_value(ScopeKind.INITIATIVE, str(i.id)), i.name_in(locale)) for i in initiatives],
        str(_l("An organisation's initiatives")): [
            (scope_value(ScopeKind.ORGANISATION, str(o.id)), o.name) for o in list_organisations(session)],
        str(_l("A SER theme or recommendation")): themes,
        str(_l("A region")): [(scope_value(ScopeKind.REGION, r.code), f"{r.name} ({r.code})")
                              for r in sorted(regions.REGIONS.values(), key=lambda r: r.code)],
    }


class _ScopeForm(FlaskForm):
    scope = SelectField(_l("Follow"), validate_choice=False, validators=[InputRequired()])
    rhythm = SelectField(_l("How often"), choices=[(r.value, label) for r, label in RHYTHM_LABELS.items()])
    next = HiddenField()

    def subscription_input(self, locale: str) -> SubscriptionInput:
        kind, _sep, key = (self.scope.data or "").partition(":")
        return SubscriptionInput(scope_kind=kind, scope_key=key, rhythm=self.rhythm.data, locale=locale)


class SubscriptionForm(_ScopeForm):
    """A logged-in partner's subscription: e-mail and/or a webhook."""

    email_enabled = BooleanField(_l("Send me e-mail"), default=True)
    webhook_url = StringField(_l("Webhook URL (optional)"), validators=[Optional(), Length(max=500)])

    def to_input(self, locale: str) -> SubscriptionInput:
        data = self.subscription_input(locale)
        data.email_enabled = self.email_enabled.data
        data.webhook_url = (self.webhook_url.data or "").strip() or None
        return data


class EmailSubscriptionForm(_ScopeForm):
    """Anyone's e-mail subscription, confirmed through the link we mail (double opt-in)."""

    email = EmailField(_l("Your e-mail address"), validators=[InputRequired(), Length(max=254)])


class RetryFailedForm(FlaskForm):
    """The delivery log's bulk retry: every failed delivery, or those of one channel."""

    channel = SelectField(_l("Channel"), choices=[("", _l("All channels")), (Channel.EMAIL.value, _l("E-mail")),
                                                  (Channel.WEBHOOK.value, _l("Webhook"))], default="")


class SettingsForm(FlaskForm):
    """The one-click settings of one subscription (reached through the signed link in every alert)."""

    rhythm = SelectField(_l("How often"), choices=[(r.value, label) for r, label in RHYTHM_LABELS.items()])
    reminder_offsets = StringField(
        _l("Reminder days around funding ends and renewal decisions (empty: the usual ones)"),
        description=_l("Days before (−) or after (+) the date, separated by commas, such as -90,-30,0,14."),
        validators=[Optional(), Length(max=100)])
