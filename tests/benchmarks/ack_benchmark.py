"""Acknowledgement under load: cohortbot against a bare Bolt app, interleaved, with ratios.

    python -m tests.benchmarks.ack_benchmark --participants 10000 --cohorts 100
    python -m tests.benchmarks.ack_benchmark --participants 10000 --cohorts 100 \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

Builds the national data set (as the reminders benchmark does), starts the product as
`cohortbot serve` and a bare Bolt app (`tests.benchmarks.bare_bolt`) under the same waitress
server and threads, each talking to its own Slack stand-in, and drives `--people` people at once
through both: slash commands (`/cohort help`, `/cohort status`), Home tab opens and reminder clicks,
all signed as Slack signs them. The two apps take turns in short slices, so that both see the same
machine; the run is repeated `--repeats` times. It prints, per app and request kind, the
acknowledgement's p50/p95/p99 and maximum, the ratios, errors, CPU per request, Web API calls per
request and the web process's peak memory, and the same for cohortbot's worker process, which does
the work of the requests the web process hands off (`bot.slack.handoff`). It asserts nothing about
speed.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import os
import random
import subprocess
import sys
import threading
import time as clock
import urllib.request
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from sqlalchemy import select

from bot.slack.handoff.queue import queue_engine_for, waiting
from bot.slack.manifest import APP_TOKEN_SCOPE, BOT_SCOPES
from bot.standin import SlackStandin
from bot.standin.inbound import SlackSender
from db.engine import create_engine_for, make_session_factory, safe_url, unit_of_work
from db.models import Enrolment, Invitation, Person
from tests.benchmarks import dataset
from tests.benchmarks.reminders_benchmark import BUILT_AT, fresh_database
from tests.support.processes import children_of

SIGNING_SECRET = "0123456789abcdef0123456789abcdef"
KINDS = ("/cohort help", "/cohort status", "Home open", "reminder click")
APPS = ("cohortbot", "bare Bolt")
# Slack gives up on an acknowledgement after this long (and retries an event).
SLACK_WAITS_SECONDS = 3.0
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(
        prog="python -m tests.benchmarks.ack_benchmark", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--participants", type=int, default=10_000)
    parser.add_argument("--cohorts", type=int, default=100)
    parser.add_argument("--database-url", help="as for the reminders benchmark")
    parser.add_argument("--people", type=int, default=50, help="people at once (%(default)s)")
    parser.add_argument(
        "--think", type=float, default=1.0, help="mean pause between a person's requests (s)"
    )
    # Short turns, many of them: the machine's other work then falls on both apps alike.
    parser.add_argument("--slice", type=float, default=1.0, help="seconds per app per turn")
    parser.add_argument("--turns", type=int, default=10, help="turns per app in each repeat")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=13)
    arguments = parser.parse_args(argv)
    if arguments.participants < arguments.people:
        parser.error("need at least as many participants as people")
    return arguments


@dataclass
class Sample:
    """One request: which app, what kind, how long until the acknowledgement, and its status."""

    app: str
    kind: str
    seconds: float
    ok: bool


@dataclass
class Target:
    """One app under load: its process, its stand-in and its signed sender."""

    name: str
    process: subprocess.Popen[bytes]
    standin: SlackStandin
    sender: SlackSender
    cpu_at_start: float = 0.0
    # cohortbot's worker process (`cohortbot serve` starts it beside itself), if it has one.
    worker_pid: int | None = None
    worker_cpu_at_start: float = 0.0
    calls_at_start: int = 0
    requests: int = 0
    errors: list[str] = field(default_factory=list)


class CollectorPauses:
    """The benchmark's own garbage collections while it measures.

    A collection in this process stops its clients and both stand-ins, delaying whatever
    acknowledgements it is timing at that moment, whichever app's: printed so that a slow burst
    can be told apart from a slow app.
    """

    def __init__(self) -> None:
        self.pauses: list[float] = []
        self._started = 0.0

    def start(self) -> CollectorPauses:
        gc.callbacks.append(self._callback)
        return self

    def stop(self) -> None:
        gc.callbacks.remove(self._callback)

    def _callback(self, phase: str, _info: dict[str, int]) -> None:
        if phase == "start":
            self._started = clock.perf_counter()
        else:
            self.pauses.append(clock.perf_counter() - self._started)

    def row(self) -> tuple[str, str]:
        over = sum(pause > 0.01 for pause in self.pauses)
        longest = ms(max(self.pauses, default=0.0))
        return (
            "benchmark's own GC pauses",
            f"{len(self.pauses)}, {over} over 10 ms, longest {longest}",
        )


def cpu_seconds(pid: int) -> float:
    """User and system CPU a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def memory_kib(pid: int, key: str) -> int:
    """A /proc/PID/status figure in KiB: VmHWM (peak resident) or VmRSS (resident now)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def free_port() -> int:
    """A loopback port nobody is using now."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_up(url: str, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    """Wait for a server to answer on `url`."""
    deadline = clock.monotonic() + seconds
    while clock.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError as error:
            if getattr(error, "code", None) is not None:
                return  # it answered, if not with 200
            clock.sleep(0.1)
    raise RuntimeError(f"no answer from {url} within {seconds:.0f} s")


@contextmanager
def started(
    name: str, command: list[str], env: dict[str, str], port: int
) -> Iterator[subprocess.Popen[bytes]]:
    """Run a server process until the block ends."""
    process = subprocess.Popen(
        command, env=env, cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/slack/events", process)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def new_standin(people: Sequence[str]) -> SlackStandin:
    """A stand-in that knows the people and grants the bot's scopes."""
    standin = SlackStandin(bot_token="xoxb-ack-benchmark").start()
    standin.grant_only([*BOT_SCOPES, APP_TOKEN_SCOPE])
    for user_id in people:
        standin.add_user(user_id, name=f"Person {user_id}", email=f"{user_id.lower()}@example.org")
    return standin


class Load:
    """People sending requests to whichever app's turn it is, recording each acknowledgement."""

    def __init__(
        self,
        targets: dict[str, Target],
        invitations: dict[str, int],
        think: float,
        seed: int,
    ) -> None:
        self.targets = targets
        self.invitations = invitations
        self.think = think
        self.seed = seed
        self.samples: list[Sample] = []
        self.bursts: list[Sample] = []
        self.slowest_of_each_burst: dict[str, list[float]] = defaultdict(list)
        self.turn = APPS[0]
        self.running = threading.Event()
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._events = itertools.count(1)

    def person(self, index: int, user_id: str) -> None:
        """One person's requests, until the load stops."""
        chance = random.Random(self.seed + index)
        kinds = itertools.cycle(chance.sample(KINDS, len(KINDS)))
        paused = True
        while not self.stopping.is_set():
            if not self.running.wait(timeout=0.1):
                paused = True
                continue
            if paused:
                # People do not all press at the same instant: released together, the 50 would
                # land as one burst on whichever app's turn comes first.
                paused = False
                self.stopping.wait(chance.uniform(0, 2 * self.think))
                continue
            target = self.targets[self.turn]
            kind = next(kinds)
            sample = self.send(target, kind, user_id)
            with self._lock:
                self.samples.append(sample)
                target.requests += 1
            self.stopping.wait(chance.uniform(0, 2 * self.think))

    def burst(self, target: Target, people: Sequence[str]) -> None:
        """Everyone sends one request at the same instant (after a reminder goes out, say)."""
        barrier = threading.Barrier(len(people))
        this_burst: list[float] = []

        def one(index: int, user_id: str) -> None:
            barrier.wait()
            sample = self.send(target, KINDS[index % len(KINDS)], user_id)
            with self._lock:
                self.bursts.append(sample)
                this_burst.append(sample.seconds)
                target.requests += 1

        threads = [
            threading.Thread(target=one, args=(index, user_id), daemon=True)
            for index, user_id in enumerate(people)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=35)
        with self._lock:
            self.slowest_of_each_burst[target.name].append(max(this_burst, default=float("nan")))

    def send(self, target: Target, kind: str, user_id: str) -> Sample:
        """One signed request of `kind`, timed from sending to the acknowledgement's arrival."""
        sender, standin = target.sender, target.standin
        started = clock.perf_counter()
        try:
            if kind.startswith("/cohort "):
                result = sender.slash_command(user_id, kind.removeprefix("/cohort "))
            elif kind == "Home open":
                event = {"type": "app_home_opened", "user": user_id, "tab": "home"}
                result = sender.event(event, event_id=f"EvACK{next(self._events):08d}")
            else:
                action = {
                    "type": "button",
                    "action_id": "rsvp.attending",
                    "block_id": "rsvp.actions",
                    "value": str(self.invitations[user_id]),
                }
                payload = standin.block_actions(
                    user_id=user_id, actions=[action], channel_id=standin.im_channel_id(user_id)
                )
                result = sender.interaction(payload)
            ok = result.status == 200
            if not ok:
                target.errors.append(f"{kind}: HTTP {result.status}")
        except OSError as error:
            ok = False
            target.errors.append(f"{kind}: {type(error).__name__}")
        return Sample(target.name, kind, clock.perf_counter() - started, ok)


def percentile(values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile of `values` (fraction 0.99 for p99)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, round(fraction * len(ordered) + 0.5))
    return ordered[min(rank, len(ordered)) - 1]


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout) -> int:
    """Run the benchmark and print its figures to `out`."""
    arguments = parse_arguments(argv)
    with fresh_database(arguments.database_url) as url:
        engine = create_engine_for(url)
        try:
            factory = make_session_factory(engine)
            build_started = clock.perf_counter()
            with unit_of_work(factory) as session:
                dataset.build(
                    session,
                    participants=arguments.participants,
                    cohorts=arguments.cohorts,
                    now=BUILT_AT,
                )
            dataset.gather_statistics(engine)
            build_seconds = clock.perf_counter() - build_started
            people = [dataset.slack_user_id(n) for n in range(1, arguments.people + 1)]
            with factory() as session:
                found = session.execute(
                    select(Person.slack_user_id, Invitation.id)
                    .join(Enrolment, Enrolment.person_id == Person.id)
                    .join(Invitation, Invitation.enrolment_id == Enrolment.id)
                    .where(Person.slack_user_id.in_(people))
                    .order_by(Invitation.id.desc())
                )
                # Each person clicks on their first invitation's reminder.
                invitations = {str(user_id): int(invitation) for user_id, invitation in found}
        finally:
            engine.dispose()
        report_rows = run_load(arguments, url, people, invitations)
    out.write("Ack benchmark\n")
    rows = [
        ("database", safe_url(url).split("://", 1)[0]),
        ("participants", f"{arguments.participants}"),
        ("data set built in", f"{build_seconds:.1f} s"),
        ("people at once", f"{arguments.people}"),
        ("machine", f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}"),
        *report_rows,
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        out.write(f"  {name:<{width}}  {value}\n")
    return 0


def run_load(
    arguments: argparse.Namespace, url: str, people: list[str], invitations: dict[str, int]
) -> list[tuple[str, str]]:
    """Start both apps, drive the load through them in turns, and return the figures."""
    product_standin, bare_standin = new_standin(people), new_standin(people)
    product_port, bare_port = free_port(), free_port()
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("SLACK_", "COHORTBOT_", "DATABASE_URL", "PORT"))
        },
        "SLACK_BOT_TOKEN": product_standin.bot_token,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": product_standin.api_url,
        "DATABASE_URL": url,
        "PORT": str(product_port),
        "COHORTBOT_COORDINATORS": "",
    }
    cohortbot = [str(Path(sys.executable).with_name("cohortbot")), "serve"]
    bare = [sys.executable, "-m", "tests.benchmarks.bare_bolt", str(bare_port), SIGNING_SECRET]
    bare += [bare_standin.api_url, bare_standin.bot_token]
    try:
        with (
            started("cohortbot", cohortbot, env, product_port) as product_process,
            started("bare Bolt", bare, env, bare_port) as bare_process,
        ):
            started_rss = {
                "cohortbot": memory_kib(product_process.pid, "VmRSS"),
                "bare Bolt": memory_kib(bare_process.pid, "VmRSS"),
            }
            targets = {
                "cohortbot": Target(
                    "cohortbot",
                    product_process,
                    product_standin,
                    SlackSender(
                        f"http://127.0.0.1:{product_port}/slack/events",
                        SIGNING_SECRET,
                        product_standin,
                    ),
                ),
                "bare Bolt": Target(
                    "bare Bolt",
                    bare_process,
                    bare_standin,
                    SlackSender(
                        f"http://127.0.0.1:{bare_port}/slack/events", SIGNING_SECRET, bare_standin
                    ),
                ),
            }
            load = Load(targets, invitations, arguments.think, arguments.seed)
            # Warm both up (imports, statement caches, connections) before anything is measured.
            for target in targets.values():
                for kind in KINDS:
                    load.send(target, kind, people[0])
                target.errors.clear()
            clock.sleep(1)
            for target in targets.values():
                target.cpu_at_start = cpu_seconds(target.process.pid)
                workers = children_of(target.process.pid)
                if workers:
                    (target.worker_pid,) = workers
                    target.worker_cpu_at_start = cpu_seconds(target.worker_pid)
                target.calls_at_start = len(target.standin.calls)
            threads = [
                threading.Thread(target=load.person, args=(index, user_id), daemon=True)
                for index, user_id in enumerate(people)
            ]
            # What this process built so far (the data set's leftovers, both stand-ins) is kept
            # out of the collector's full passes, as `cohortbot serve` does with its own: one
            # such pass here took 115 ms and stalled whichever app's burst it fell in.
            gc.collect()
            gc.freeze()
            pauses = CollectorPauses().start()
            for thread in threads:
                thread.start()
            for repeat in range(arguments.repeats):
                # Each repeat starts with the other app, so neither always meets the first turn.
                order = APPS if repeat % 2 == 0 else APPS[::-1]
                for app in [app for _ in range(arguments.turns) for app in order]:
                    load.turn = app
                    load.running.set()
                    clock.sleep(arguments.slice)
                load.running.clear()
                clock.sleep(arguments.think)
            load.stopping.set()
            for thread in threads:
                thread.join(timeout=35)
            for repeat in range(arguments.repeats):
                for app in APPS if repeat % 2 == 0 else APPS[::-1]:
                    clock.sleep(arguments.think)
                    load.burst(targets[app], people)
            pauses.stop()
            # Let work after the acknowledgements finish before reading CPU and calls.
            clock.sleep(2)
            wait_for_handed_off_work(url)
            return [*figures(load, targets, started_rss), pauses.row()]
    finally:
        product_standin.stop()
        bare_standin.stop()


def figures(
    load: Load, targets: dict[str, Target], started_rss: dict[str, int]
) -> list[tuple[str, str]]:
    """The report's rows: latency per app and kind, ratios, errors, CPU, calls and memory."""
    by: dict[tuple[str, str], list[float]] = defaultdict(list)
    for sample in load.samples:
        by[(sample.app, sample.kind)].append(sample.seconds)
        by[(sample.app, "all")].append(sample.seconds)
    rows: list[tuple[str, str]] = []
    for kind in (*KINDS, "all"):
        for app in APPS:
            values = by[(app, kind)]
            rows.append(
                (
                    f"{kind}, {app}",
                    f"n={len(values)} p50 {ms(percentile(values, 0.5))} "
                    f"p95 {ms(percentile(values, 0.95))} p99 {ms(percentile(values, 0.99))} "
                    f"max {ms(max(values, default=float('nan')))}",
                )
            )
        product, bare = by[("cohortbot", kind)], by[("bare Bolt", kind)]
        if product and bare:
            rows.append(
                (
                    f"{kind}, ratio",
                    f"p50 {percentile(product, 0.5) / percentile(bare, 0.5):.2f}  "
                    f"p99 {percentile(product, 0.99) / percentile(bare, 0.99):.2f}",
                )
            )
    bursts: dict[str, list[float]] = defaultdict(list)
    for sample in load.bursts:
        bursts[sample.app].append(sample.seconds)
    for app in APPS:
        values = bursts[app]
        rows.append(
            (
                f"all at once, {app}",
                f"n={len(values)} p50 {ms(percentile(values, 0.5))} "
                f"p99 {ms(percentile(values, 0.99))} max {ms(max(values, default=float('nan')))}",
            )
        )
    for app in APPS:
        slowest = ", ".join(ms(seconds) for seconds in load.slowest_of_each_burst[app])
        rows.append((f"all at once, slowest of each burst, {app}", slowest))
    if bursts["cohortbot"] and bursts["bare Bolt"]:
        product, bare = bursts["cohortbot"], bursts["bare Bolt"]
        rows.append(
            (
                "all at once, ratio",
                f"p50 {percentile(product, 0.5) / percentile(bare, 0.5):.2f}  "
                f"p99 {percentile(product, 0.99) / percentile(bare, 0.99):.2f}",
            )
        )
    for app in APPS:
        target = targets[app]
        requests = max(target.requests, 1)
        cpu = cpu_seconds(target.process.pid) - target.cpu_at_start
        worker_cpu = 0.0
        if target.worker_pid is not None:
            worker_cpu = cpu_seconds(target.worker_pid) - target.worker_cpu_at_start
        calls = len(target.standin.calls) - target.calls_at_start
        slow = sum(
            s.seconds > SLACK_WAITS_SECONDS for s in [*load.samples, *load.bursts] if s.app == app
        )
        rows += [
            (f"{app} requests", f"{target.requests}"),
            (f"{app} errors", f"{len(target.errors)}" + _first(target.errors)),
            (f"{app} over 3 s", f"{slow}"),
            (f"{app} CPU per request", f"{1000 * cpu / requests:.1f} ms"),
            *(
                [
                    (f"{app} worker CPU per request", f"{1000 * worker_cpu / requests:.1f} ms"),
                    (
                        f"{app} worker memory",
                        f"{memory_kib(target.worker_pid, 'VmHWM') / 1024:.0f} MiB peak",
                    ),
                ]
                if target.worker_pid is not None
                else []
            ),
            (f"{app} Web API calls per request", f"{calls / requests:.2f}"),
            (f"{app} stand-in contract problems", f"{len(target.standin.problems)}"),
            (
                f"{app} memory",
                f"{started_rss[app] / 1024:.0f} MiB at start, "
                f"{memory_kib(target.process.pid, 'VmHWM') / 1024:.0f} MiB peak",
            ),
        ]
    product_peak = memory_kib(targets["cohortbot"].process.pid, "VmHWM")
    bare_peak = memory_kib(targets["bare Bolt"].process.pid, "VmHWM")
    rows.append(("peak memory, ratio", f"{product_peak / max(bare_peak, 1):.1f}"))
    return rows


def wait_for_handed_off_work(url: str, seconds: float = 60) -> None:
    """Wait until the worker has done the work of every request handed to it."""
    engine = queue_engine_for(create_engine_for(url))
    try:
        deadline = clock.monotonic() + seconds
        while clock.monotonic() < deadline:
            with engine.connect() as connection:
                if waiting(connection) == 0:
                    return
            clock.sleep(0.2)
    finally:
        engine.dispose()


def ms(seconds: float) -> str:
    """`seconds` in whole milliseconds."""
    return f"{1000 * seconds:.0f} ms"


def _first(errors: Sequence[str]) -> str:
    return f" (first: {errors[0]})" if errors else ""


if __name__ == "__main__":
    sys.exit(main())
