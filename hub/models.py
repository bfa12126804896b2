"""Imports every domain's models, so ``Base.metadata`` is complete for Alembic and the schema test."""
from hub.auth.models import User  # noqa: F401
from hub.events.models import Event  # noqa: F401
from hub.funding.models import FundingStream  # noqa: F401
from hub.initiatives.models import Initiative, InitiativeAdviceLink, InitiativeRegion  # noqa: F401
from hub.stakeholders.models import InitiativeRole, Organisation, Person  # noqa: F401
