"""Issue 3, the worker: only the worker holding the scheduler lock fires jobs; a waiting one takes over when
the leader dies; the job list rejects unknown names clearly."""
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

from hub.config import ROOT
from hub.worker import Job, SchedulerLock, run_job, select_jobs


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


def test_unknown_job_names_are_refused_with_the_known_ones() -> None:
    import click

    assert [job.name for job in select_jobs(["alerts.dispatch"])] == ["alerts.dispatch"]
    with pytest.raises(click.BadParameter, match="unknown job alerts.nope; known: alerts.evaluate_cliffs"):
        select_jobs(["alerts.nope"])


def _worker(database_url: str, instance: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "HUB_DATABASE_URL": database_url, "HUB_SECRET_KEY": "test-secret-key",
           "HUB_INSTANCE_PATH": str(instance), "HUB_ALERTS_OUTBOX_DIR": str(instance / "outbox")}
    return subprocess.Popen([sys.executable, "-m", "hub.worker", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_a_second_worker_stays_idle_while_the_first_leads_and_takes_over_after_it_dies(
        app: Flask, database_url: str, tmp_path: Path) -> None:
    leader = _worker(database_url, tmp_path, "--job", "alerts.follow_events")
    try:
        line = leader.stdout.readline()  # type: ignore[union-attr]
        assert line.startswith("worker started with 1 jobs: alerts.follow_events"), leader.stderr.read()  # type: ignore[union-attr]
        deadline = time.monotonic() + 20
        while True:
            follower = _worker(database_url, tmp_path, "--once", "--job", "alerts.follow_events")
            _out, err = follower.communicate(timeout=60)
            if follower.returncode != 0 or time.monotonic() > deadline:
                break
            time.sleep(0.2)  # the leader had not taken the lock yet
        assert follower.returncode == 1 and "another worker holds the scheduler lock" in err
    finally:
        leader.send_signal(signal.SIGKILL)
        leader.wait(10)

    for _attempt in range(40):
        takeover = _worker(database_url, tmp_path, "--once", "--job", "alerts.follow_events")
        out, err = takeover.communicate(timeout=60)
        if takeover.returncode == 0:
            break
        time.sleep(0.25)  # PostgreSQL notices the dead connection (and frees its lock) within moments
    assert takeover.returncode == 0, err
    assert out.strip() == "ran alerts.follow_events"
