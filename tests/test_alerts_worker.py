"""Issue 3, the worker: only the worker holding the scheduler lock fires jobs; a waiting one takes over when
the leader dies; the job list rejects unknown names clearly. Issue 17: every worker dispatches, the leader
is fenced on its lock's connection, SIGTERM stops a worker promptly."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from hub.alerts.models import AlertDelivery, DeliveryStatus
from hub.config import ROOT
from hub.worker import Job, SchedulerLock, run_job, select_jobs
from tests.factories import initiative
from tests.test_alerts_delivery import cliff, subscribe
from tests.test_alerts_support import Clock, Dripper, dripper, fixed_clock, run_jobs  # noqa: F401 (fixture)


def test_only_one_lock_holder_runs_jobs_until_it_lets_go(app: Flask) -> None:
    engine = app.extensions["hub.engine"]
    leader, follower = SchedulerLock(engine, app.instance_path), SchedulerLock(engine, app.instance_path)
    ran: list[str] = []
    job = Job("test.probe", lambda: ran.append("probe"), every=timedelta(minutes=1))

    assert run_job(app, leader, job) is True
    assert run_job(app, follower, job) is False
    assert run_job(app, leader, job) is True, "the leader keeps its lock from run to run"
    leader.release()
    assert run_job(app, follower, job) is True
    follower.release()
    assert ran == ["probe", "probe", "probe"]


def test_jobs_that_divide_their_work_run_on_every_worker(app: Flask) -> None:
    engine = app.extensions["hub.engine"]
    leader, follower = SchedulerLock(engine, app.instance_path), SchedulerLock(engine, app.instance_path)
    assert leader.acquire()
    [dispatch] = select_jobs(["alerts.dispatch"])
    assert dispatch.everywhere
    assert run_job(app, follower, dispatch) is True, "dispatching needs no leadership"
    [fan_out] = select_jobs(["alerts.evaluate_cliffs"])
    assert run_job(app, follower, fan_out) is False
    leader.release()


def test_a_leader_whose_connection_is_cut_or_reset_stops_leading(app: Flask) -> None:
    engine = app.extensions["hub.engine"]
    if engine.dialect.name != "postgresql":
        pytest.skip("advisory locks are PostgreSQL's; on SQLite the kernel holds the file lock")
    first, second = SchedulerLock(engine, app.instance_path), SchedulerLock(engine, app.instance_path)
    assert first.acquire() and not second.acquire()

    pid = first._connection.scalar(text("SELECT pg_backend_pid()"))  # type: ignore[union-attr]
    with engine.connect() as admin:
        admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    for _attempt in range(100):
        if second.acquire():
            break
        time.sleep(0.1)  # the terminated backend lets go of its lock as it exits
    assert [lock.acquire() for lock in (first, second)] == [False, True], "one leader after the cut"

    # A pooler resetting the session (DISCARD ALL) keeps the connection alive but drops the lock.
    second._connection.execute(text("DISCARD ALL"))  # type: ignore[union-attr]
    assert first.acquire() is True
    assert second.acquire() is False, "the old leader noticed it no longer holds the lock"
    assert first.acquire() is True
    first.release()
    second.release()


def test_unknown_job_names_are_refused_with_the_known_ones() -> None:
    import click

    assert [job.name for job in select_jobs(["alerts.dispatch"])] == ["alerts.dispatch"]
    with pytest.raises(click.BadParameter, match="unknown job alerts.nope; known: alerts.evaluate_cliffs"):
        select_jobs(["alerts.nope"])


def _worker(database_url: str, instance: Path, *args: str, **env_vars: str) -> subprocess.Popen[str]:
    env = {**os.environ, "HUB_DATABASE_URL": database_url, "HUB_SECRET_KEY": "test-secret-key",
           "HUB_INSTANCE_PATH": str(instance), "HUB_ALERTS_OUTBOX_DIR": str(instance / "outbox"), **env_vars}
    return subprocess.Popen([sys.executable, "-m", "hub.worker", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_a_second_worker_stays_idle_while_the_first_leads_and_takes_over_after_it_dies(
        app: Flask, database_url: str, tmp_path: Path) -> None:
    leader = _worker(database_url, tmp_path, "--job", "alerts.evaluate_cliffs")
    try:
        line = leader.stdout.readline()  # type: ignore[union-attr]
        assert line.startswith("worker started with 1 jobs: alerts.evaluate_cliffs"), leader.stderr.read()  # type: ignore[union-attr]
        deadline = time.monotonic() + 20
        while True:
            follower = _worker(database_url, tmp_path, "--once", "--job", "alerts.evaluate_cliffs")
            _out, err = follower.communicate(timeout=60)
            if follower.returncode != 0 or time.monotonic() > deadline:
                break
            time.sleep(0.2)  # the leader had not taken the lock yet
        assert follower.returncode == 1 and "another worker holds the scheduler lock" in err
    finally:
        leader.send_signal(signal.SIGKILL)
        leader.wait(10)

    for _attempt in range(40):
        takeover = _worker(database_url, tmp_path, "--once", "--job", "alerts.evaluate_cliffs")
        out, err = takeover.communicate(timeout=60)
        if takeover.returncode == 0:
            break
        time.sleep(0.25)  # PostgreSQL notices the dead connection (and frees its lock) within moments
    assert takeover.returncode == 0, err
    assert out.strip() == "ran alerts.evaluate_cliffs"


def test_sigterm_stops_a_worker_stuck_on_a_receiver_and_hands_its_delivery_back(
        app: Flask, db: Session, database_url: str, tmp_path: Path) -> None:
    slow = Dripper(pause=5)  # a byte every 5 s: the 60 s deadline below is far away
    try:
        target = initiative(db, "Grenzgängerberatung Saar-Lor-Lux")
        subscribe(db, "stuck@partner.test", target.id, email_enabled=False, webhook_url=slow.url)
        db.commit()
        time.sleep(0.01)
        cliff(db, target.id)
        db.commit()
        run_jobs(app, "follow_events")
        worker = _worker(database_url, tmp_path, "--job", "alerts.dispatch", HUB_WEBHOOK_ALLOW_PRIVATE="1",
                         HUB_WEBHOOK_TIMEOUT="60")
        for _wait in range(600):
            if slow.requests:
                break
            time.sleep(0.05)
        assert slow.requests == 1, worker.stderr.read() if worker.poll() is not None else "no request arrived"
        worker.send_signal(signal.SIGTERM)
        try:
            assert worker.wait(timeout=30) == 0, "the worker stopped although a send was still in flight"
        finally:
            worker.kill()
    finally:
        slow.close()
    db.expire_all()
    [delivery] = db.scalars(select(AlertDelivery)).all()
    assert (delivery.status, delivery.attempts, delivery.claim_token) == (DeliveryStatus.PENDING, 0, None), \
        "handed back unsent, for another worker to send now"


def test_status_shows_the_leader_consumer_lag_channel_health_and_the_oldest_pending_delivery(
        app: Flask, db: Session, fixed_clock: Clock) -> None:
    from hub.alerts.models import ChannelHealth
    from hub.worker import worker_command

    target = initiative(db, "Grenzinfopunkt Schengen")
    subscribe(db, "status@partner.test", target.id)
    db.commit()
    fixed_clock.advance(minutes=1)
    cliff(db, target.id)
    db.commit()
    run_jobs(app, "follow_events")
    cliff(db, target.id, days_left=30)
    db.add(ChannelHealth(name="webhook:hooks.example.org", failures=2, paused_until=fixed_clock.now() + timedelta(minutes=1),
                         last_error="webhook: no complete answer within 10 s"))
    db.commit()
    fixed_clock.advance(minutes=5)
    leader = SchedulerLock(app.extensions["hub.engine"], app.instance_path)
    assert leader.acquire()
    try:
        out = app.test_cli_runner().invoke(worker_command, ["--status"]).output
    finally:
        leader.release()
    lines = out.splitlines()
    assert lines[0].startswith("leader: hub worker ") or lines[0].startswith("leader: a worker on this machine holds")
    [fanout] = [line for line in lines if line.startswith("  alerts.fanout: at event ")]
    assert fanout.endswith(", 1 behind (oldest unread from 2026-01-05 08:01:00 UTC)")
    assert "  webhook:hooks.example.org: retrying after 2 failures in a row: webhook: no complete answer within 10 s" in lines
    assert "deliveries: 1 due (0 being sent), 0 failed" in lines
    assert "  oldest pending: due since 2026-01-05 08:01:00 UTC (300 s ago)" in lines
