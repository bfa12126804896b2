"""Funding-cliff alerts: cliff detection, subscriptions, the delivery outbox and its channels."""
