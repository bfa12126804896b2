"""The stakeholders domain."""
