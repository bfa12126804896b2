"""The domain-event spine: every change in the registry is recorded here, in the same transaction."""
from hub.events.models import Event
from hub.events.service import record_event, events_after, history_of

__all__ = ["Event", "record_event", "events_after", "history_of"]
