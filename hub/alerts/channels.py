"""The push channels: e-mail (SMTP, or .eml files when no SMTP host is configured) and signed webhooks."""
from __future__ import annotations

import hashlib
import hmac
import smtplib
import ssl
import urllib.error
import urllib.request
from collections.abc import Mapping
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from hub import netguard

SIGNATURE_HEADER = "X-Grenshub-Signature"


class DeliveryError(Exception):
    """A send that failed; the dispatcher retries it with backoff."""


class Mailer:
    """Sends over one SMTP connection per dispatch run; without ``SMTP_HOST`` writes ``<key>.eml`` files.

    The outbox file is named after the idempotency key, so a message sent twice is still one file.
    """

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.config = config
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Mailer:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                pass  # the connection is gone already; nothing to tidy up
            self._smtp = None

    def send(self, message: EmailMessage, key: str) -> None:
        if not self.config["SMTP_HOST"]:
            self._write_file(message, key)
            return
        try:
            self._connection().send_message(message)
        except (smtplib.SMTPException, OSError) as error:
            self.close()  # the next message starts on a fresh connection
            raise DeliveryError(f"SMTP: {error}") from error

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is None:
            cfg, timeout = self.config, 30
            if cfg["SMTP_TLS"] == "ssl":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(cfg["SMTP_HOST"], cfg["SMTP_PORT"], timeout=timeout,
                                                      context=ssl.create_default_context())
            else:
                smtp = smtplib.SMTP(cfg["SMTP_HOST"], cfg["SMTP_PORT"], timeout=timeout)
                if cfg["SMTP_TLS"] == "starttls":
                    smtp.starttls(context=ssl.create_default_context())
            if cfg["SMTP_USER"]:
                smtp.login(cfg["SMTP_USER"], cfg["SMTP_PASSWORD"])
            self._smtp = smtp
        return self._smtp

    def _write_file(self, message: EmailMessage, key: str) -> None:
        folder = Path(self.config["ALERTS_OUTBOX_DIR"])
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{key}.eml"
        partial = target.with_suffix(".eml.part")
        partial.write_bytes(message.as_bytes())
        partial.replace(target)


def signature(secret: str, body: bytes) -> str:
    """``sha256=<hex HMAC of the raw body>``, the value of the signature header."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _refuse_private(url: str, allow_private: bool) -> None:
    """Webhooks may not reach the hub's own network (unless configured, e.g. for a local receiver):
    the same rule as feed sources, see :mod:`hub.netguard`."""
    if allow_private:
        return
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        netguard.checked_addresses(host, parts.port or 443, netguard.AddressPolicy())
    except netguard.AddressRefused as error:
        raise DeliveryError(f"{host} resolves to a non-public address") from error
    except OSError as error:
        raise DeliveryError(f"cannot resolve {host}") from error


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer other than 2xx (and could lead past the address check)."""

    def redirect_request(self, *_args: Any, **_kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def post_webhook(url: str, secret: str, body: bytes, *, key: str, event: str, timeout: int, allow_private: bool) -> None:
    """POST the JSON body with its HMAC signature; any answer but 2xx is a failure."""
    _refuse_private(url, allow_private)
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "Grenshub-Alerts/1",
        "Idempotency-Key": key,
        "X-Grenshub-Event": event,
        SIGNATURE_HEADER: signature(secret, body),
    })
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            response.read(1024)
    except urllib.error.HTTPError as error:
        raise DeliveryError(f"HTTP {error.code} from {urlsplit(url).hostname}") from error
    except (urllib.error.URLError, OSError) as error:
        raise DeliveryError(f"webhook: {getattr(error, 'reason', error)}") from error
