"""Read queries the API needs beyond what the domain services offer."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.events import events_after
from hub.events.models import Event
from hub.funding.models import FundingStream
from hub.lobby.service import CYCLE_SUBJECT, PRIORITY_SUBJECT

# The registry's records, which visitors see on the site. Visitors follow only their public events (other domains'
# events, such as the lobby's or the news', concern pages behind the login); members also follow their non-public
# ones (contact people). Events about users, tokens and subscriptions stay with administrators.
REGISTRY_SUBJECTS = frozenset({"initiative", "organisation"})
# Members also read the non-public events of these subjects: the registry's (contact people) and the lobby's.
MEMBER_SUBJECTS = REGISTRY_SUBJECTS | {CYCLE_SUBJECT, PRIORITY_SUBJECT}


def funding_streams(session: Session, *, initiative_id: int | None, funder_id: int | None, ends_after: date | None,
                    ends_before: date | None, limit: int, offset: int) -> Sequence[FundingStream]:
    """Streams by end date, soonest first and open-ended last: the order in which funding cliffs arrive."""
    query = select(FundingStream)
    if initiative_id is not None:
        query = query.where(FundingStream.initiative_id == initiative_id)
    if funder_id is not None:
        query = query.where(FundingStream.funder_id == funder_id)
    if ends_after is not None:
        query = query.where(FundingStream.effective_end >= ends_after)
    if ends_before is not None:
        query = query.where(FundingStream.effective_end <= ends_before)
    query = query.order_by(FundingStream.effective_end.is_(None), FundingStream.effective_end, FundingStream.id)
    return session.scalars(query.offset(offset).limit(limit)).all()


def visible_events(session: Session, after: int, limit: int, user: Any) -> tuple[list[Event], int, bool]:
    """(events the caller may see, the cursor to continue from, whether more may follow).

    The cursor advances over events the caller may not see too, so a page can be short, even empty,
    while ``has_more`` is still true.
    """
    anonymous = not user.is_authenticated
    scanned = events_after(session, after, limit, public_only=anonymous)
    if anonymous:
        shown = [e for e in scanned if e.subject_type in REGISTRY_SUBJECTS]
    elif user.is_admin:
        shown = list(scanned)
    else:
        shown = [e for e in scanned if e.public or e.subject_type in MEMBER_SUBJECTS]
    cursor = scanned[-1].id if scanned else after
    return shown, cursor, len(scanned) == limit


def page(items: Sequence[Any], limit: int, offset: int) -> tuple[list[Any], int | None]:
    """Split a fetch of ``limit + 1`` rows into the page and the next offset (None on the last page)."""
    return list(items[:limit]), (offset + limit if len(items) > limit else None)
