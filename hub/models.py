"""Imports every domain's models, so ``Base.metadata`` is complete for Alembic and the schema test."""
from hub.auth.models import User  # noqa: F401
from hub.events.models import Event  # noqa: F401
from hub.funding.models import FundingStream  # noqa: F401
from hub.initiatives.models import Initiative, InitiativeAdviceLink, InitiativeRegion  # noqa: F401
from hub.stakeholders.models import InitiativeRole, Organisation, Person  # noqa: F401
from hub.search.models import ProjectionCursor, SearchDocument, SearchFacet  # noqa: F401
from hub.overlap.models import OverlapDecision, OverlapPair, OverlapTerm  # noqa: F401
from hub.lobby.models import LobbyAction, LobbyCycle, LobbyEvidence, LobbyPriority, LobbyPriorityAdviceLink, PartnerPosition  # noqa: F401
from hub.feeds.models import FeedEntry, FeedError, FeedLink, FeedSource  # noqa: F401
from hub.api.models import ApiToken  # noqa: F401
from hub.alerts.models import AlertDelivery, AlertItem, AlertSubscription, ChannelHealth, CliffMark, ConsumerCursor, StreamEndMark  # noqa: F401
from hub.transfer.models import InitiativeExternalId  # noqa: F401
