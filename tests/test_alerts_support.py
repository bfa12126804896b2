"""Shared fixtures of the alert tests (no tests here): a real SMTP server and a real webhook receiver on
loopback (and one that answers a byte at a time), a movable clock, and a helper that runs the worker's jobs the way the worker does."""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask

from hub import clock
from hub.alerts import jobs


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """An aiosmtpd handler keeping every message it accepts (duplicates included)."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.lock = threading.Lock()
        # The crash test holds back the answer to message number ``hold_at`` (stored, never acknowledged).
        self.hold_at: int | None = None
        self.held = threading.Event()
        # The race test slows every answer down a little so that dispatchers overlap.
        self.delay = 0.0

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append(message)  # type: ignore[arg-type]
            hold = self.hold_at is not None and len(self.messages) == self.hold_at
        if hold:
            self.held.set()
            await asyncio.sleep(60)
        if self.delay:
            await asyncio.sleep(self.delay)
        return "250 Message accepted"

    def unique(self) -> dict[str, EmailMessage]:
        """The messages as the receiver's deduplication sees them: one per Message-ID."""
        with self.lock:
            return {str(m["Message-ID"]): m for m in self.messages}

    def duplicates(self) -> int:
        with self.lock:
            return len(self.messages) - len({str(m["Message-ID"]) for m in self.messages})

    def subjects_to(self, address: str) -> list[str]:
        return sorted(header(m, "Subject") for m in self.unique().values() if header(m, "To") == address)


def header(message: EmailMessage, name: str) -> str:
    """A header's value without the folding whitespace of long lines."""
    return " ".join(str(message[name]).split())


@pytest.fixture
def smtp_inbox(app: Flask) -> Iterator[Inbox]:
    """A real SMTP server on loopback; the app sends its alert mail there."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_TLS="none")
    yield inbox
    controller.stop()


class Hooks:
    """A webhook receiver that checks each call's HMAC signature with the secret registered for its path."""

    def __init__(self) -> None:
        self.secrets: dict[str, str] = {}
        self.received: list[dict[str, Any]] = []
        self.rejected: list[str] = []
        self.failures_left: dict[str, int] = {}
        self.lock = threading.Lock()
        self.base_url = ""

    def url(self, name: str) -> str:
        return f"{self.base_url}/hooks/{name}"

    def by_key(self, name: str) -> dict[str, dict[str, Any]]:
        with self.lock:
            return {r["key"]: r for r in self.received if r["path"] == f"/hooks/{name}"}


@pytest.fixture
def webhooks(app: Flask) -> Iterator[Hooks]:
    hooks = Hooks()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            name = self.path.rsplit("/", 1)[-1]
            with hooks.lock:
                secret = hooks.secrets.get(name, "")
                expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
                if not hmac.compare_digest(expected, self.headers.get("X-Grenshub-Signature", "")):
                    hooks.rejected.append(self.path)
                    status = 401
                elif hooks.failures_left.get(name, 0) > 0:
                    hooks.failures_left[name] -= 1
                    status = 503
                else:
                    payload = json.loads(body)
                    hooks.received.append({"path": self.path, "key": self.headers["Idempotency-Key"], "body": payload})
                    status = 204
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    hooks.base_url = f"http://127.0.0.1:{server.server_port}"
    app.config.update(WEBHOOK_ALLOW_PRIVATE=True, WEBHOOK_TIMEOUT=5)
    yield hooks
    server.shutdown()
    thread.join(timeout=5)


class Dripper:
    """A webhook receiver that answers one byte at a time, each well within a read timeout."""

    def __init__(self, pause: float) -> None:
        self.pause = pause
        self.requests = 0
        self.server = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.server.getsockname()[1]}/hook"
        self.stopped = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while not self.stopped.is_set():
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            self.requests += 1
            threading.Thread(target=self._drip, args=(connection,), daemon=True).start()

    def _drip(self, connection: socket.socket) -> None:
        with connection:
            connection.recv(65536)
            for byte in b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n":
                if self.stopped.wait(self.pause):
                    return
                try:
                    connection.sendall(bytes([byte]))
                except OSError:
                    return

    def close(self) -> None:
        self.stopped.set()
        self.server.close()


@pytest.fixture
def dripper() -> Iterator[Dripper]:
    receiver = Dripper(pause=0.3)
    yield receiver
    receiver.close()


class Clock:
    """``hub.clock.now`` under the test's control."""

    def __init__(self, start: datetime) -> None:
        self.current = start

    def now(self) -> datetime:
        return self.current

    def today(self) -> date:
        return self.current.date()

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


@pytest.fixture
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    moved = Clock(datetime(2026, 1, 5, 8, 0, tzinfo=UTC))
    monkeypatch.setattr(clock, "now", moved.now)
    return moved


def run_jobs(app: Flask, *names: str) -> None:
    """Run the alert jobs as the worker does: each in a fresh app context, committing its own work."""
    for name in names or ("evaluate_cliffs", "follow_events", "dispatch"):
        with app.app_context():
            getattr(jobs, name)()
