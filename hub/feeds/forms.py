"""The feed source form and the labels the feed pages show."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, Length

from hub.feeds.models import FeedProblem, LinkStatus, PollStatus
from hub.feeds.service import SourceInput

LANGUAGE_LABELS = {"nl": _l("Dutch"), "de": _l("German"), "en": _l("English"), "fr": _l("French")}

POLL_STATUS_LABELS = {
    PollStatus.NEVER: _l("not polled yet"),
    PollStatus.OK: _l("OK"),
    PollStatus.NOT_MODIFIED: _l("OK, unchanged"),
    PollStatus.FAILED: _l("failing"),
}
LINK_STATUS_LABELS = {
    LinkStatus.SUGGESTED: _l("suggested"),
    LinkStatus.CONFIRMED: _l("confirmed"),
    LinkStatus.REJECTED: _l("rejected"),
}
PROBLEM_LABELS = {
    FeedProblem.HTTP_STATUS: _l("The server answered with an error status"),
    FeedProblem.TIMEOUT: _l("The feed did not answer in time"),
    FeedProblem.CONNECTION: _l("The feed could not be reached"),
    FeedProblem.UNKNOWN_HOST: _l("The host name of the feed could not be found"),
    FeedProblem.TLS: _l("The secure (HTTPS) connection failed, for example because of an invalid certificate"),
    FeedProblem.PRIVATE_ADDRESS: _l("The address leads into a private or local network; such feeds are only read "
                                    "when an administrator allows that network"),
    FeedProblem.TOO_LARGE: _l("The feed is larger than the size limit"),
    FeedProblem.TOO_MANY_REDIRECTS: _l("Too many redirects, or a redirect loop"),
    FeedProblem.BAD_REDIRECT: _l("Redirected to an address that is not http(s)"),
    FeedProblem.MOVED: _l("The feed moved permanently; update its address (entries were still read)"),
    FeedProblem.RECOVERED_XML: _l("The feed is not well-formed XML (for example an unknown character entity or a "
                                  "stray ampersand); all its entries could still be read"),
    FeedProblem.RECOVERED_ENCODING: _l("The feed declares the wrong character encoding; its entries were read in "
                                       "the encoding it really uses"),
    FeedProblem.REFUSED: _l("The address was refused"),
    FeedProblem.EMPTY: _l("The feed was empty"),
    FeedProblem.HTML: _l("An HTML page came back instead of a feed"),
    FeedProblem.ENCODING: _l("The feed's character encoding is wrong"),
    FeedProblem.MALFORMED: _l("The feed is not well-formed XML"),
    FeedProblem.NOT_A_FEED: _l("The document is not an RSS or Atom feed"),
    FeedProblem.INTERNAL: _l("An unexpected error occurred while storing the feed"),
}

# Problems whose recorded detail is a plain fact worth showing (a status code, the new address). Other details
# stay internal: they can hold library error texts, and for refused addresses would tell which ports are open.
DETAIL_SHOWN = frozenset({FeedProblem.HTTP_STATUS, FeedProblem.MOVED})


class SourceForm(FlaskForm):
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=200)])
    url = StringField(_l("Feed address (URL)"), validators=[InputRequired(), Length(max=1000)])
    language = SelectField(_l("Language of the feed"), choices=list(LANGUAGE_LABELS.items()))
    poll_interval_minutes = IntegerField(_l("Poll interval (minutes)"), default=60, validators=[InputRequired()])
    active = BooleanField(_l("Active (polled on schedule)"), default=True)

    def to_input(self) -> SourceInput:
        return SourceInput(
            name=self.name.data or "", url=self.url.data or "", language=self.language.data,
            poll_interval_minutes=self.poll_interval_minutes.data or 0, active=bool(self.active.data),
        )
