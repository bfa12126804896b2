"""The ``hub worker`` process: fires every domain's scheduled jobs.

To add a job, add one line to ``JOBS``. A job is a function without arguments; the worker calls it
inside an app context (so ``get_session()`` works) and the job commits its own transactions.

Several workers may run (one per app server). Scheduled jobs run only on the one holding the scheduler
lock — a PostgreSQL session advisory lock, or an ``flock`` on a file next to the SQLite database. Both are
released by the database or the kernel when the holder dies, so a waiting worker takes over; before each
job the leader checks, on the lock's own connection, that it still holds the lock. Jobs that divide their
work safely among themselves run on every worker, so a stuck leader does not stop delivery: alert dispatch
(SKIP LOCKED claims) and the fan-out (serialised on its cursor row). On SQLite run a single worker (there are no row locks to divide the work by).

SIGTERM stops a worker within ``SHUTDOWN_GRACE`` seconds: senders hand back what they have not started,
and whatever is still in flight after the grace period is handed back before the process exits.
"""
from __future__ import annotations

import fcntl
import logging
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

import click
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select, text
from sqlalchemy.engine import Connection, Engine

from hub import clock
from hub.alerts import dispatcher
from hub.alerts import jobs as alert_jobs
from hub.alerts.models import AlertDelivery, ChannelHealth, ConsumerCursor, DeliveryStatus
from hub.db import get_session
from hub.events import Event
from hub.feeds import jobs as feed_jobs

log = logging.getLogger("hub.worker")

SHUTDOWN_GRACE = 5.0
LEAD_CHECK_SECONDS = 5


@dataclass(frozen=True)
class Job:
    """A named function run every ``every`` (or every ``setting`` seconds), by the leader unless ``everywhere``."""

    name: str
    run: Callable[[], None]
    every: timedelta
    everywhere: bool = False
    setting: str | None = None

    def interval(self, app: Flask) -> float:
        return float(app.config[self.setting]) if self.setting else self.every.total_seconds()


JOBS: list[Job] = [
    Job("alerts.evaluate_cliffs", alert_jobs.evaluate_cliffs, every=timedelta(hours=1)),
    Job("alerts.follow_events", alert_jobs.follow_events, every=timedelta(seconds=20), everywhere=True,
        setting="ALERTS_FOLLOW_SECONDS"),
    Job("alerts.dispatch", alert_jobs.dispatch, every=timedelta(seconds=20), everywhere=True,
        setting="ALERTS_DISPATCH_SECONDS"),
    Job("feeds.poll_due", feed_jobs.poll_due, every=timedelta(minutes=5)),
]

# Any constant works; it only has to be the same for every worker of one database.
SCHEDULER_LOCK = 0x6875625F776B72  # "hub_wkr"
# pg_locks shows a bigint advisory key as two 32-bit halves.
LOCK_PARTS = {"high": SCHEDULER_LOCK >> 32, "low": SCHEDULER_LOCK & 0xFFFFFFFF}
_ADVISORY = ("locktype = 'advisory' AND classid::text::bigint = :high AND objid::text::bigint = :low "
             "AND objsubid = 1 AND granted")
# Asked on the lock's own connection: a reset session (a pooler's DISCARD ALL) keeps the connection but not the lock.
HOLDS_LOCK = text(f"SELECT EXISTS (SELECT 1 FROM pg_locks WHERE {_ADVISORY} AND pid = pg_backend_pid())")


def worker_name() -> str:
    """How the leader shows up in ``pg_stat_activity`` (and in ``hub worker --status``)."""
    return f"hub worker {socket.gethostname()} pid {os.getpid()}"[:63]


class SchedulerLock:
    """Leadership among workers: held for the life of the process, taken over when the holder dies."""

    def __init__(self, engine: Engine, instance_path: str) -> None:
        self.engine = engine
        self.lock_path = _lock_file(engine, instance_path)
        self._connection: Connection | None = None
        self._file: IO[str] | None = None
        self._guard = threading.Lock()  # the scheduler runs jobs in several threads

    def acquire(self) -> bool:
        """True while this process is the leader; cheap to call before every job."""
        with self._guard:
            if self.engine.dialect.name == "postgresql":
                return self._acquire_advisory()
            return self._acquire_file()

    def _acquire_advisory(self) -> bool:
        if self._connection is not None:
            try:
                if self._connection.scalar(HOLDS_LOCK, LOCK_PARTS):
                    return True
                log.warning("the scheduler lock is gone (its session was reset): no longer leading")
            except Exception:  # noqa: BLE001 (the connection, and with it the lock, is gone)
                log.warning("lost the scheduler lock connection: no longer leading")
            self.release()
        connection = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        if connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": SCHEDULER_LOCK}):
            connection.execute(text("SELECT set_config('application_name', :name, false)"), {"name": worker_name()})
            self._connection = connection
            log.info("this worker holds the scheduler lock and fires the jobs")
            return True
        connection.close()
        return False

    def _acquire_file(self) -> bool:
        if self._file is not None:
            return True
        handle = self.lock_path.open("a")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        self._file = handle
        log.info("this worker holds the scheduler lock and fires the jobs")
        return True

    def release(self) -> None:
        if self._connection is not None:
            self._connection.invalidate()
            self._connection = None
        if self._file is not None:
            self._file.close()
            self._file = None


def _lock_file(engine: Engine, instance_path: str) -> Path:
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if database and database != ":memory:":
        return Path(database).with_suffix(".scheduler.lock")
    Path(instance_path).mkdir(parents=True, exist_ok=True)
    return Path(instance_path) / "scheduler.lock"


_running: set[str] = set()
_running_guard = threading.Lock()


def run_job(app: Flask, lock: SchedulerLock, job: Job) -> bool:
    """Run ``job`` in a fresh app context if this worker leads (or the job runs everywhere); False when not."""
    if dispatcher.stopping.is_set() or (not job.everywhere and not lock.acquire()):
        return False
    with _running_guard:
        _running.add(job.name)
    try:
        with app.app_context():
            job.run()
    finally:
        with _running_guard:
            _running.discard(job.name)
    return True


def _stop(app: Flask, lock: SchedulerLock, scheduler: BlockingScheduler) -> None:
    """SIGTERM: no new jobs or messages; wait briefly for running jobs, then hand back their claims and exit."""
    dispatcher.stopping.set()
    scheduler.shutdown(wait=False)
    deadline = time.monotonic() + SHUTDOWN_GRACE
    while _running and time.monotonic() < deadline:
        time.sleep(0.05)
    if _running:
        with app.app_context():
            dispatcher.hand_back()
    lock.release()
    log.info("worker stopped%s", f" (handed back {', '.join(sorted(_running))})" if _running else "")
    logging.shutdown()
    sys.stdout.flush()
    os._exit(0)  # a send stuck in flight must not keep the process alive; its claims are handed back


def select_jobs(names: Sequence[str]) -> list[Job]:
    known = {job.name: job for job in JOBS}
    unknown = [name for name in names if name not in known]
    if unknown:
        raise click.BadParameter(f"unknown job {', '.join(unknown)}; known: {', '.join(known)}", param_hint="--job")
    return [known[name] for name in names] if names else list(JOBS)


def leader_activity(engine: Engine) -> Any:
    """The PostgreSQL session holding the scheduler lock (``application_name``, ``pid``, ``backend_start``), or None."""
    with engine.connect() as connection:
        return connection.execute(text(
            f"SELECT application_name, pid, backend_start FROM pg_locks JOIN pg_stat_activity USING (pid) WHERE {_ADVISORY} "
            "AND pg_locks.database = (SELECT oid FROM pg_database WHERE datname = current_database())"), LOCK_PARTS).first()


def _leader(lock: SchedulerLock) -> str:
    if lock.engine.dialect.name == "postgresql":
        row = leader_activity(lock.engine)
        if row is None:
            return "none (no worker holds the scheduler lock)"
        return f"{row.application_name or 'unnamed'} (backend {row.pid}, connected {row.backend_start:%Y-%m-%d %H:%M:%S %Z})"
    if lock.acquire():
        lock.release()
        return f"none (nobody holds {lock.lock_path})"
    return f"a worker on this machine holds {lock.lock_path}"


def status_lines(app: Flask) -> list[str]:
    """What ``hub worker --status`` reports: the leader, how far each consumer lags, channel health, the outbox."""
    session, now = get_session(), clock.now()
    lines = [f"leader: {_leader(SchedulerLock(app.extensions['hub.engine'], app.instance_path))}", "consumers:"]
    for cursor in session.scalars(select(ConsumerCursor).order_by(ConsumerCursor.name)):
        behind, oldest = session.execute(select(func.count(), func.min(Event.occurred_at)).where(Event.id > cursor.position)).one()
        lines.append(f"  {cursor.name}: at event {cursor.position}, {behind} behind"
                     + (f" (oldest unread from {oldest:%Y-%m-%d %H:%M:%S} UTC)" if oldest else ""))
    lines.append("channels:")
    health = session.scalars(select(ChannelHealth).order_by(ChannelHealth.name)).all()
    for channel in health:
        state = f"paused until {channel.paused_until:%Y-%m-%d %H:%M:%S} UTC" if channel.paused_until > now else "retrying"
        lines.append(f"  {channel.name}: {state} after {channel.failures} failures in a row: {channel.last_error}")
    if not health:
        lines.append("  all healthy")
    pending = AlertDelivery.status == DeliveryStatus.PENDING
    due, oldest_due = session.execute(select(func.count(), func.min(AlertDelivery.due_at)).where(pending, AlertDelivery.due_at <= now)).one()
    claimed = session.scalar(select(func.count()).where(pending, AlertDelivery.claimed_until > now)) or 0
    failed = session.scalar(select(func.count()).where(AlertDelivery.status == DeliveryStatus.FAILED)) or 0
    lines.append(f"deliveries: {due} due ({claimed} being sent), {failed} failed")
    lines.append(f"  oldest pending: due since {oldest_due:%Y-%m-%d %H:%M:%S} UTC ({int((now - oldest_due).total_seconds())} s ago)"
                 if oldest_due else "  oldest pending: none")
    return lines


@click.command("worker")
@click.option("--once", is_flag=True, help="Run the selected jobs once and exit (cron, tests).")
@click.option("--job", "job_names", multiple=True, help="Only this job (repeatable); default: all jobs.")
@click.option("--status", "show_status", is_flag=True, help="Show the leader, consumer lag, channel health and the outbox, then exit.")
@with_appcontext
def worker_command(once: bool, job_names: tuple[str, ...], show_status: bool) -> None:
    """Run the scheduled jobs (cliff evaluation, alert fan-out and delivery, ...) until stopped."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    if show_status:
        click.echo("\n".join(status_lines(app)))
        return
    app.logger.setLevel(logging.INFO)  # the jobs report what they did
    jobs = select_jobs(job_names)
    lock = SchedulerLock(app.extensions["hub.engine"], app.instance_path)
    if once:
        for job in jobs:
            if not run_job(app, lock, job):
                raise click.ClickException("another worker holds the scheduler lock")
            click.echo(f"ran {job.name}")
        return
    scheduler = BlockingScheduler(timezone=UTC)
    for job in jobs:
        scheduler.add_job(
            run_job, "interval", args=(app, lock, job), id=job.name, seconds=job.interval(app),
            next_run_time=datetime.now(UTC), max_instances=1, coalesce=True,
        )
    if not all(job.everywhere for job in jobs):
        # Compete for (or confirm) leadership between jobs too, so a dead leader is replaced within seconds.
        scheduler.add_job(lock.acquire, "interval", id="scheduler.lead", seconds=LEAD_CHECK_SECONDS,
                          next_run_time=datetime.now(UTC), max_instances=1, coalesce=True)
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: threading.Thread(target=_stop, args=(app, lock, scheduler), daemon=True).start())
    click.echo(f"worker started with {len(jobs)} jobs: {', '.join(job.name for job in jobs)}")
    try:
        scheduler.start()
    finally:
        lock.release()


if __name__ == "__main__":
    from hub.cli import main

    sys.exit(main(["worker", *sys.argv[1:]]))
