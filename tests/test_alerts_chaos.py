"""Issue 17, chaos: several ``hub worker`` processes deliver alerts while the test stops and kills the leader and
a dispatcher, restarts the SMTP server and keeps one webhook receiver slow. Nothing may be lost or go to the
wrong recipient; a message may come twice only under its own key and only after a process was stopped or
killed; and delivery goes on while any one process is stuck. PostgreSQL only; skip with ``-m 'not chaos'``."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hub.alerts import service
from hub.alerts.models import AlertDelivery, AlertSubscription, DeliveryStatus
from hub.alerts.service import SubscriptionInput
from hub.auth.models import Role
from hub.auth.service import create_user
from hub.config import ROOT
from hub.db import get_session
from hub.worker import leader_activity, status_lines
from tests.conftest import PASSWORD
from tests.factories import initiative
from tests.test_alerts_delivery import cliff
from tests.test_alerts_support import Inbox, free_port, header

pytestmark = [pytest.mark.chaos, pytest.mark.postgres_only]

EMAIL_SUBSCRIBERS, FAST_HOOKS, SLOW_HOOKS = 12, 4, 2
DEADLINE = 110  # seconds for the whole scenario


class Receivers:
    """Two webhook hosts on loopback, one answering after a second: every call is kept with its arrival order."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []  # (subscription id from the path, Idempotency-Key)
        self.lock = threading.Lock()
        self.servers = [self._server(delay=0.0), self._server(delay=1.0)]

    def _server(self, delay: float) -> ThreadingHTTPServer:
        receivers = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                time.sleep(delay)
                with receivers.lock:
                    receivers.calls.append((self.path.rsplit("/", 1)[-1], self.headers["Idempotency-Key"]))
                self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server

    def url(self, slow: bool, subscriber: int) -> str:
        return f"http://127.0.0.1:{self.servers[slow].server_port}/hooks/{subscriber}"

    def close(self) -> None:
        for server in self.servers:
            server.shutdown()


@pytest.fixture
def receivers() -> Iterator[Receivers]:
    hooks = Receivers()
    yield hooks
    hooks.close()


def _worker(database_url: str, instance: Path, smtp_port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "HUB_DATABASE_URL": database_url, "HUB_SECRET_KEY": "test-secret-key",
           "HUB_INSTANCE_PATH": str(instance), "HUB_BASE_URL": "http://hub.test",
           "HUB_SMTP_HOST": "127.0.0.1", "HUB_SMTP_PORT": str(smtp_port), "HUB_SMTP_TIMEOUT": "3",
           "HUB_WEBHOOK_TIMEOUT": "3", "HUB_WEBHOOK_ALLOW_PRIVATE": "1", "HUB_ALERTS_CLAIM_SECONDS": "6",
           "HUB_ALERTS_SENDERS": "2", "HUB_ALERTS_PAUSE_SECONDS": "1", "HUB_ALERTS_DISPATCH_SECONDS": "1",
           "HUB_ALERTS_FOLLOW_SECONDS": "1"}
    with log.open("ab") as output:
        return subprocess.Popen([sys.executable, "-m", "hub.worker"], cwd=ROOT, env=env, stdout=output, stderr=output)


def _wait(condition: Callable[[], bool], what: str, seconds: float, app: Flask) -> None:
    end = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > end:
            with app.app_context():
                pytest.fail(f"gave up waiting: {what}\n" + "\n".join(status_lines(app)))
        time.sleep(0.1)


def test_delivery_survives_killed_and_stopped_workers_a_slow_receiver_and_an_smtp_restart(
        app: Flask, db: Session, database_url: str, tmp_path: Path, receivers: Receivers) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("several workers dividing the work need PostgreSQL (SKIP LOCKED, advisory locks)")
    started = time.monotonic()
    engine = app.extensions["hub.engine"]
    target = initiative(db, "Grenzinfopunkt Chaos")
    expected_hooks: dict[str, str] = {}
    mail_subscriptions: list[int] = []
    for n in range(EMAIL_SUBSCRIBERS + FAST_HOOKS + SLOW_HOOKS):
        user = create_user(db, email=f"c{n}@partner.test", name=f"c{n}", password=PASSWORD, role=Role.PARTNER, locale="en")
        data = SubscriptionInput("initiative", str(target.id), locale="en")
        if n >= EMAIL_SUBSCRIBERS:
            data.email_enabled, data.webhook_url = False, receivers.url(n >= EMAIL_SUBSCRIBERS + FAST_HOOKS, n)
        subscription = service.subscribe_user(db, user, data, actor_id=None)
        if data.webhook_url:
            expected_hooks[str(n)] = f"grenshub-alert-{subscription.id}-"
        else:
            mail_subscriptions.append(subscription.id)
    db.commit()
    emails = dict(db.execute(select(AlertSubscription.id, AlertSubscription.email)).all())

    inbox = Inbox()
    inbox.delay = 0.1
    smtp_port = free_port()
    smtp = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    instance = tmp_path / "instance"
    workers = [_worker(database_url, instance, smtp_port, tmp_path / f"worker{n}.log") for n in range(3)]
    events: list[int] = []
    producing = threading.Event()
    producing.set()

    def produce() -> None:
        """New alerts keep coming: one event a second (each to every subscriber) while the faults happen."""
        with app.app_context():
            session = get_session()
            while producing.is_set() and len(events) < 20:
                events.append(cliff(session, target.id, days_left=len(events)).id)
                session.commit()
                time.sleep(1)

    def sent() -> int:
        with engine.connect() as connection:
            return connection.scalar(select(func.count()).where(AlertDelivery.status == DeliveryStatus.SENT)) or 0

    def leader() -> subprocess.Popen[bytes] | None:
        row = leader_activity(engine)
        match = re.search(r"pid (\d+)", row.application_name) if row else None
        return next((w for w in workers if match and w.pid == int(match.group(1))), None)

    def progress_while(what: str) -> None:
        before = sent()
        _wait(lambda: sent() >= before + 10, f"delivery going on while {what} is stopped", 30, app)

    producer = threading.Thread(target=produce, daemon=True)
    time.sleep(0.05)
    producer.start()
    faults_from = None
    try:
        _wait(lambda: leader() is not None and sent() >= 10, "a leader and the first deliveries", 40, app)
        first = leader()
        assert first is not None
        faults_from = len(inbox.messages), len(receivers.calls)
        first.send_signal(signal.SIGSTOP)
        progress_while("the leader")
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        _wait(lambda: leader() not in (None, first), "a new leader", 30, app)

        smtp.stop()  # the mail server restarts: mail pauses, nothing is lost, no attempt is spent
        time.sleep(2)
        smtp = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
        smtp.start()

        dispatcher = next(w for w in workers if w.poll() is None and w is not leader())
        dispatcher.send_signal(signal.SIGSTOP)
        progress_while("a dispatcher")
        dispatcher.send_signal(signal.SIGKILL)
        dispatcher.wait(10)
        workers.append(_worker(database_url, instance, smtp_port, tmp_path / "worker3.log"))
        producing.clear()
        producer.join(10)

        total = len(events) * (EMAIL_SUBSCRIBERS + FAST_HOOKS + SLOW_HOOKS)
        remaining = DEADLINE - (time.monotonic() - started)
        _wait(lambda: sent() == total, f"all {total} deliveries sent", max(remaining, 10), app)
    finally:
        producing.clear()
        for worker in workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGCONT)
                worker.send_signal(signal.SIGTERM)
        for worker in workers:
            try:
                worker.wait(15)
            except subprocess.TimeoutExpired:
                worker.kill()
        smtp.stop()
        logs = "\n".join(p.read_text(errors="replace")[-2000:] for p in sorted(tmp_path.glob("worker*.log")))
    assert all(w.returncode in (0, -signal.SIGKILL) for w in workers), logs

    # No loss, no wrong recipient.
    mail_keys = [re.sub(r"^<|@.*$", "", str(m["Message-ID"])) for m in inbox.messages]
    for message, key in zip(inbox.messages, mail_keys):
        subscription_id = int(key.split("-")[2])
        assert header(message, "To") == emails[subscription_id], f"{key} went to the wrong address"
    for path, key in receivers.calls:
        assert key.startswith(expected_hooks[path]), f"{key} went to the wrong receiver"
    expected_mail = {f"grenshub-alert-{s}-{e}" for s in mail_subscriptions for e in events}
    assert set(mail_keys) == expected_mail
    assert {key for _path, key in receivers.calls} == {prefix + str(e) for prefix in expected_hooks.values() for e in events}

    # Duplicates: only under the same key (the sets above), and only after the first fault.
    assert faults_from is not None
    before_mail, before_hooks = mail_keys[:faults_from[0]], [key for _p, key in receivers.calls[:faults_from[1]]]
    assert len(before_mail) == len(set(before_mail)) and len(before_hooks) == len(set(before_hooks))
