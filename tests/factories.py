"""Small builders for test data, going through the same services as users do."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from hub.funding.models import FundingStream
from hub.funding.service import FundingInput, add_stream
from hub.initiatives.models import Initiative
from hub.initiatives.service import InitiativeInput, create_initiative
from hub.stakeholders.models import Organisation
from hub.stakeholders.service import OrganisationInput, create_organisation, find_organisation


def organisation(db: Session, name: str = "Regio Deal Twente", country: str = "NL", type_: str = "funder") -> Organisation:
    return find_organisation(db, name) or create_organisation(
        db, OrganisationInput(name=name, country=country, type=type_), actor_id=None
    )


def initiative(db: Session, name: str = "TECH.LAND", **fields: Any) -> Initiative:
    data = InitiativeInput(kind=fields.pop("kind", "partnership"), name_nl=name, **fields)
    return create_initiative(db, data, actor_id=None)


def stream(db: Session, target: Initiative, *, funder: str = "Regio Deal Twente", start: date = date(2022, 1, 1),
           end: date | None = date(2027, 6, 30), amount: str | None = "1000000", kind: str = "temporary") -> FundingStream:
    return add_stream(
        db, target,
        FundingInput(funder_id=organisation(db, funder).id, kind=kind, start_date=start, end_date=end,
                     amount=Decimal(amount) if amount else None),
        actor_id=None,
    )
