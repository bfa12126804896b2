"""Alert configuration from the environment, read once when the blueprint is registered.

Keys land in ``app.config`` with ``setdefault``, so ``create_app(overrides)`` (tests) wins.
"""
from __future__ import annotations

import os
from typing import Any

from flask import Flask, current_app

from hub.config import ConfigError

TLS_MODES = ("none", "starttls", "ssl")


def _int(name: str, default: int, minimum: int = 0) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, not {value}")
    return value


def parse_thresholds(raw: str) -> tuple[int, ...]:
    """"365,180,90,30,0" → (365, 180, 90, 30, 0): days before the funding horizon, widest first."""
    try:
        days = {int(part) for part in raw.split(",") if part.strip()}
    except ValueError:
        raise ConfigError(f"HUB_CLIFF_THRESHOLDS must be comma-separated whole days, not {raw!r}") from None
    if not days or min(days) < 0:
        raise ConfigError(f"HUB_CLIFF_THRESHOLDS needs at least one threshold of 0 days or more, not {raw!r}")
    return tuple(sorted(days, reverse=True))


def parse_offsets(raw: str, name: str = "HUB_REMINDER_OFFSETS") -> tuple[int, ...]:
    """"-365,-180,-90,-30,0,14" → the same, earliest first: days before (−) or after (+) a stream's end or
    renewal decision at which reminders go out."""
    try:
        days = {int(part) for part in raw.split(",") if part.strip()}
    except ValueError:
        raise ConfigError(f"{name} must be comma-separated whole days such as -90,0,14, not {raw!r}") from None
    if not days or max(abs(d) for d in days) > 3650:
        raise ConfigError(f"{name} needs at least one offset within ten years, not {raw!r}")
    return tuple(sorted(days))


def from_environment(instance_path: str) -> dict[str, Any]:
    tls = os.environ.get("HUB_SMTP_TLS", "none").strip().lower()
    if tls not in TLS_MODES:
        raise ConfigError(f"HUB_SMTP_TLS must be one of {', '.join(TLS_MODES)}, not {tls!r}")
    return {
        "SMTP_HOST": os.environ.get("HUB_SMTP_HOST", "").strip(),
        "SMTP_PORT": _int("HUB_SMTP_PORT", 465 if tls == "ssl" else 587 if tls == "starttls" else 25, 1),
        "SMTP_USER": os.environ.get("HUB_SMTP_USER", ""),
        "SMTP_PASSWORD": os.environ.get("HUB_SMTP_PASSWORD", ""),
        "SMTP_TLS": tls,
        "SMTP_FROM": os.environ.get("HUB_SMTP_FROM", "Grenshub <alerts@grenshub.example>"),
        "SMTP_MAX_ATTEMPTS": _int("HUB_SMTP_MAX_ATTEMPTS", 8, 1),
        "ALERTS_OUTBOX_DIR": os.environ.get("HUB_ALERTS_OUTBOX_DIR", os.path.join(instance_path, "outbox")),
        "CLIFF_THRESHOLDS": parse_thresholds(os.environ.get("HUB_CLIFF_THRESHOLDS", "365,180,90,30,0")),
        "REMINDER_OFFSETS": parse_offsets(os.environ.get("HUB_REMINDER_OFFSETS", "-365,-180,-90,-30,0,14")),
        "RENEWAL_LEAD_DAYS": _int("HUB_RENEWAL_LEAD_DAYS", 90),
        "WEBHOOK_TIMEOUT": _int("HUB_WEBHOOK_TIMEOUT", 10, 1),
        "WEBHOOK_MAX_ATTEMPTS": _int("HUB_WEBHOOK_MAX_ATTEMPTS", 6, 1),
        "WEBHOOK_ALLOW_PRIVATE": os.environ.get("HUB_WEBHOOK_ALLOW_PRIVATE", "").strip().lower() in ("1", "true", "yes", "on"),
        "ALERTS_CLAIM_SECONDS": _int("HUB_ALERTS_CLAIM_SECONDS", 300, 1),
        "SMTP_TIMEOUT": _int("HUB_SMTP_TIMEOUT", 30, 1),
        "ALERTS_SENDERS": _int("HUB_ALERTS_SENDERS", 4, 1),
        "ALERTS_PAUSE_SECONDS": _int("HUB_ALERTS_PAUSE_SECONDS", 30, 1),
        "ALERTS_DISPATCH_SECONDS": _int("HUB_ALERTS_DISPATCH_SECONDS", 20, 1),
        "ALERTS_FOLLOW_SECONDS": _int("HUB_ALERTS_FOLLOW_SECONDS", 20, 1),
    }


def configure(app: Flask) -> None:
    for key, value in from_environment(app.instance_path).items():
        app.config.setdefault(key, value)


def setting(key: str) -> Any:
    return current_app.config[key]
