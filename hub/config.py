"""Configuration from the environment (every variable is listed in README.md)."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INSTANCE = ROOT / "instance"


class ConfigError(RuntimeError):
    """The environment lacks something the hub cannot start without."""


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def _whole(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit():
        raise ConfigError(f"{name} must be a whole number of 0 or more, not {raw!r}")
    return int(raw)


def normalise_database_url(url: str) -> str:
    """Plain ``postgresql://`` URLs use the psycopg 3 driver the hub ships with."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def from_environment() -> dict[str, Any]:
    """Read HUB_* variables; the SQLite file in ``instance/`` is the zero-set-up default database."""
    instance = Path(os.environ.get("HUB_INSTANCE_PATH", DEFAULT_INSTANCE))
    return {
        "INSTANCE_PATH": str(instance),
        "DATABASE_URL": normalise_database_url(os.environ.get("HUB_DATABASE_URL", f"sqlite:///{instance / 'grenshub.db'}")),
        "SECRET_KEY": os.environ.get("HUB_SECRET_KEY"),
        "BASE_URL": os.environ.get("HUB_BASE_URL", "http://127.0.0.1:8000"),
        "SESSION_COOKIE_SECURE": _flag("HUB_SECURE_COOKIES", True),
        "REMEMBER_COOKIE_SECURE": _flag("HUB_SECURE_COOKIES", True),
        "RATELIMIT_STORAGE_URI": os.environ.get("HUB_RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_REDIS_PREFIX": os.environ.get("HUB_RATELIMIT_KEY_PREFIX", "grenshub"),
        "LOGIN_RATE_LIMIT": os.environ.get("HUB_LOGIN_RATE_LIMIT", "30 per minute"),
        "LOGIN_ACCOUNT_RATE_LIMIT": os.environ.get("HUB_LOGIN_ACCOUNT_RATE_LIMIT", "5 per minute;20 per hour"),
        "PROXY_HOPS": _whole("HUB_PROXY_HOPS", 0),
        "PASSWORD_HASH_METHOD": "scrypt",
        "DEFAULT_LOCALE": os.environ.get("HUB_DEFAULT_LOCALE", "nl"),
    }


def check(config: dict[str, Any]) -> None:
    if not config.get("SECRET_KEY"):
        raise ConfigError("HUB_SECRET_KEY is not set; generate one with: python -c 'import secrets; print(secrets.token_hex(32))'")
