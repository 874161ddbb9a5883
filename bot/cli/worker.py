"""`cohortbot worker`, and the worker process `cohortbot serve` keeps beside itself."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from bot.runtime import Runtime
from bot.slack.handoff.doorbell import Doorbell

logger = logging.getLogger("cohortbot")

# A worker that stops on its own is started again after this long, so that one failing at
# start (a database not yet up) does not spin.
RESTART_AFTER_SECONDS = 1.0
# Beside a web process the worker runs at a lower priority: when both want the CPU, the web
# process's acknowledgements (Slack waits 3 seconds for each) come before the work behind them,
# which waits only as long as the web process is busy (README, Benchmarks).
NICENESS_BESIDE_WEB = 10
# How long a stopping worker gets to finish the requests in hand before it is killed.
STOP_GRACE_SECONDS = 10.0


def run_worker(runtime: Runtime, wake_fd: int | None) -> int:
    """Do handed-off work until SIGTERM, or until the web process that rings `wake_fd` is gone."""
    doorbell = Doorbell.listening(wake_fd) if wake_fd is not None else Doorbell()
    if wake_fd is not None:
        os.nice(NICENESS_BESIDE_WEB)
    worker = runtime.handoff_worker(doorbell)
    stopped = threading.Event()

    def stop(_signal: int, _frame: FrameType | None) -> None:
        stopped.set()
        doorbell.ring()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    logger.info("worker started")
    worker.run(until=stopped)
    worker.stop()
    logger.info("worker stopped")
    return 0


@contextmanager
def worker_beside(doorbell: Doorbell) -> Iterator[None]:
    """Run `cohortbot worker` as a child process for as long as this block, restarting it."""
    assert doorbell.read_fd is not None
    command = [sys.executable, "-m", "bot.cli", "worker", "--wake-fd", str(doorbell.read_fd)]
    stopping = threading.Event()
    current: list[subprocess.Popen[bytes]] = []

    def keep_running() -> None:
        while not stopping.is_set():
            child = subprocess.Popen(command, pass_fds=(doorbell.read_fd,))  # type: ignore[arg-type]
            current[:] = [child]
            code = child.wait()
            if not stopping.is_set():
                logger.warning("the worker process stopped (exit %d); starting it again", code)
                stopping.wait(RESTART_AFTER_SECONDS)

    supervisor = threading.Thread(target=keep_running, name="worker-supervisor", daemon=True)
    supervisor.start()
    try:
        yield
    finally:
        stopping.set()
        for child in current:
            child.terminate()
            try:
                child.wait(timeout=STOP_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                child.kill()
        supervisor.join(timeout=STOP_GRACE_SECONDS)
