"""The ``hub worker`` process: fires every domain's scheduled jobs.

To add a job, add one line to ``JOBS``. A job is a function without arguments; the worker calls it
inside an app context (so ``get_session()`` works) and the job commits its own transactions.

Several workers may run (one per app server). Only the one holding the scheduler lock fires jobs —
a PostgreSQL session advisory lock, or an ``flock`` on a file next to the SQLite database. Both are
released by the database or the kernel when the holder dies, so a waiting worker takes over.
"""
from __future__ import annotations

import fcntl
import logging
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO

import click
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from hub.alerts import jobs as alert_jobs
from hub.feeds import jobs as feed_jobs

log = logging.getLogger("hub.worker")


@dataclass(frozen=True)
class Job:
    """A named function the leader runs every ``every``."""

    name: str
    run: Callable[[], None]
    every: timedelta


JOBS: list[Job] = [
    Job("alerts.evaluate_cliffs", alert_jobs.evaluate_cliffs, every=timedelta(hours=1)),
    Job("alerts.follow_events", alert_jobs.follow_events, every=timedelta(seconds=20)),
    Job("alerts.dispatch", alert_jobs.dispatch, every=timedelta(seconds=20)),
    Job("feeds.poll_due", feed_jobs.poll_due, every=timedelta(minutes=5)),
]

# Any constant works; it only has to be the same for every worker of one database.
SCHEDULER_LOCK = 0x6875625F776B72  # "hub_wkr"


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
                self._connection.execute(text("SELECT 1"))
                return True
            except Exception:  # the connection (and with it the lock) is gone: compete again
                log.warning("lost the scheduler lock connection")
                self.release()
        connection = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        if connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": SCHEDULER_LOCK}):
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


def run_job(app: Flask, lock: SchedulerLock, job: Job) -> bool:
    """Run ``job`` in a fresh app context if this worker leads; False when another worker does."""
    if not lock.acquire():
        return False
    with app.app_context():
        job.run()
    return True


def select_jobs(names: Sequence[str]) -> list[Job]:
    known = {job.name: job for job in JOBS}
    unknown = [name for name in names if name not in known]
    if unknown:
        raise click.BadParameter(f"unknown job {', '.join(unknown)}; known: {', '.join(known)}", param_hint="--job")
    return [known[name] for name in names] if names else list(JOBS)


@click.command("worker")
@click.option("--once", is_flag=True, help="Run the selected jobs once and exit (cron, tests).")
@click.option("--job", "job_names", multiple=True, help="Only this job (repeatable); default: all jobs.")
@with_appcontext
def worker_command(once: bool, job_names: tuple[str, ...]) -> None:
    """Run the scheduled jobs (cliff evaluation, alert fan-out and delivery, ...) until stopped."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
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
            run_job, "interval", args=(app, lock, job), id=job.name, seconds=job.every.total_seconds(),
            next_run_time=datetime.now(UTC), max_instances=1, coalesce=True,
        )
    signal.signal(signal.SIGTERM, lambda *_: scheduler.shutdown(wait=False))
    click.echo(f"worker started with {len(jobs)} jobs: {', '.join(job.name for job in jobs)}")
    try:
        scheduler.start()
    finally:
        lock.release()


if __name__ == "__main__":
    from hub.cli import main

    sys.exit(main(["worker", *sys.argv[1:]]))
