"""The push channels: e-mail (SMTP, or .eml files when no SMTP host is configured) and signed webhooks."""
from __future__ import annotations

import hashlib
import hmac
import http.client
import smtplib
import socket
import ssl
import threading
import time
from collections.abc import Mapping
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from hub import netguard

SIGNATURE_HEADER = "X-Grenshub-Signature"


class DeliveryError(Exception):
    """The receiver refused this message; the dispatcher retries it with backoff and counts the attempt."""


class ChannelDown(DeliveryError):
    """The channel itself failed (server down, connection refused, no answer in time): it is paused with
    backoff and the message is not blamed."""


class Deadline:
    """A total time limit for one exchange: when it is up the socket is shut down, whatever it is waiting for.

    Socket timeouts limit each read, so a receiver dripping one byte every few seconds never trips them.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds
        self.expired = False
        self._timer: threading.Timer | None = None

    def remaining(self) -> float:
        return max(self.end - time.monotonic(), 0.01)

    def watch(self, sock: socket.socket | None) -> None:
        if sock is None:
            return
        self._timer = threading.Timer(self.remaining(), self._cut, (sock,))
        self._timer.daemon = True
        self._timer.start()

    def _cut(self, sock: socket.socket) -> None:
        self.expired = True
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # closed already

    def __enter__(self) -> Deadline:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._timer is not None:
            self._timer.cancel()


# SMTP answers about one message; anything else (no connection, a dropped one, a refused sender or login) is the channel's.
_MESSAGE_REFUSALS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError)


class Mailer:
    """Sends over one SMTP connection per sender thread; without ``SMTP_HOST`` writes ``<key>.eml`` files.

    The outbox file is named after the idempotency key, so a message sent twice is still one file.
    Each message has ``SMTP_TIMEOUT`` seconds in all (connecting included).
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
        with Deadline(self.config["SMTP_TIMEOUT"]) as deadline:
            try:
                smtp = self._connection(deadline)
                deadline.watch(smtp.sock)
                smtp.send_message(message)
            except _MESSAGE_REFUSALS as error:
                self.close()
                raise DeliveryError(f"SMTP: {error}") from error
            except (smtplib.SMTPException, OSError) as error:
                self.close()  # the next message starts on a fresh connection
                reason = f"no answer within {deadline.seconds} s" if deadline.expired else str(error)
                raise ChannelDown(f"SMTP: {reason}") from error

    def _connection(self, deadline: Deadline) -> smtplib.SMTP:
        if self._smtp is None:
            cfg, timeout = self.config, deadline.remaining()
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


def _checked_address(url: str, allow_private: bool) -> str | None:
    """The address a webhook is dialled at: the hub's own network is refused (unless configured, e.g. for a
    local receiver), by the same rule as feed sources (:mod:`hub.netguard`). The connection goes to the checked
    address, so a DNS answer that changes after the check (rebinding) is never used; ``None``: dial the name."""
    if allow_private:
        return None
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        return netguard.checked_addresses(host, parts.port or 443, netguard.AddressPolicy())[0]
    except netguard.AddressRefused as error:
        raise DeliveryError(f"{host} resolves to a non-public address") from error
    except OSError as error:
        raise DeliveryError(f"cannot resolve {host}") from error


def receiver(url: str) -> str:
    """The channel a webhook goes over: its host (and port). A host that keeps failing is paused on its own."""
    parts = urlsplit(url)
    return f"webhook:{parts.hostname or ''}" + (f":{parts.port}" if parts.port else "")


def post_webhook(url: str, secret: str, body: bytes, *, key: str, event: str, timeout: int, allow_private: bool) -> None:
    """POST the JSON body with its HMAC signature within ``timeout`` seconds in all; any answer but 2xx is a
    refusal (redirects are not followed: they could lead past the address check)."""
    address = _checked_address(url, allow_private)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DeliveryError(f"not an http(s) address: {url}")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "Grenshub-Alerts/1",
        "Idempotency-Key": key,
        "X-Grenshub-Event": event,
        SIGNATURE_HEADER: signature(secret, body),
    }
    connection = (http.client.HTTPSConnection(parts.hostname, parts.port, timeout=timeout, context=ssl.create_default_context())
                  if parts.scheme == "https" else http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout))
    if address is not None:
        # http.client dials through this hook; TLS (SNI, certificate) and the Host header keep the name.
        connection._create_connection = lambda where, *args: socket.create_connection((address, where[1]), *args)  # type: ignore[attr-defined]
    try:
        with Deadline(timeout) as deadline:
            try:
                connection.connect()
                deadline.watch(connection.sock)
                connection.request("POST", path, body=body, headers=headers)
                response = connection.getresponse()
                response.read(1024)
            except (http.client.HTTPException, OSError) as error:
                reason = f"no complete answer within {timeout} s" if deadline.expired else str(error)
                raise ChannelDown(f"webhook: {reason}") from error
    finally:
        connection.close()
    if not 200 <= response.status < 300:
        raise DeliveryError(f"HTTP {response.status} from {parts.hostname}")
