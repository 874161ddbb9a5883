"""Kill the clock process at random moments while it sends, many times; count duplicates and losses.

    .venv/bin/python -m tests.benchmarks.kill_benchmark [--kills 120] [--messages 700]
        [--people 100] [--dispatchers 1] [--database sqlite|postgresql]

Owes `--messages` messages to `--people` people, all due at once, then runs `cohortbot scheduler
--once --now T` as a real process again and again, sending SIGKILL at a random moment of most runs
(SIGKILL cannot be caught: no clean-up runs), until it has killed `--kills` times; then it lets
passes finish until nothing is owed. Between runs `T` moves on by a random 10 to 90 seconds, as a
clock process restarted by its supervisor would find it. With `--dispatchers 2`, two passes start
up to a second apart and each is killed at a moment of its own (they take turns tick by tick, see
`scheduling.clock_lock`). Slack is the project's stand-in, holding each post
a little so that kills often land between Slack posting and the row being marked sent.

It prints what was owed, what Slack received (each message carries its outbox id in its metadata),
duplicates (an outbox id posted more than once) and losses (an owed id never posted). A window of
1 in 350 shows within about 100 kills that land mid-send, so the default kills 120 times.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TextIO

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.core import outbox
from bot.slack import rendering
from bot.slack.blocks import notice
from bot.standin import SlackStandin
from db.engine import create_engine_for, make_session_factory, unit_of_work
from db.enums import OutboundState
from db.migrate import upgrade
from db.models import OutboundMessage
from scheduling.delivery import METADATA_EVENT_TYPE

START = datetime(2017, 2, 1, 9, 0, tzinfo=UTC)
# A run still going after this long is left to finish (the draining phase) or killed as stuck.
PASS_TIMEOUT_SECONDS = 300.0
# Each post is held this long, so a kill often lands between Slack posting and the row being saved.
POST_DELAY_SECONDS = 0.01
# A kill mid-send lands after 1 to this many of a run's posts.
POSTS_BEFORE_KILL = 12


@dataclass(frozen=True)
class KillResult:
    """What the runs did to the owed messages."""

    owed: int
    delivered: int
    duplicates: int
    lost: int
    kills: int
    # Kills of a run that had posted something: those that could land inside a send.
    kills_mid_send: int
    runs: int
    unsettled: int
    seconds: float


def owe(factory: sessionmaker[Session], standin: SlackStandin, messages: int, people: int) -> None:
    """Owe `messages` messages spread over `people` people, all due at `START`."""
    for person in range(people):
        standin.add_user(_user(person), name=f"person {person}")
    with unit_of_work(factory) as session:
        for n in range(messages):
            outbox.enqueue(
                session,
                recipient=_user(n % people),
                kind="kill_benchmark",
                message=notice(f"message {n}"),
                due_at=START,
                idempotency_key=f"kill-benchmark-{n}",
            )


def _user(number: int) -> str:
    return f"UKILL{number:05d}"


def delivered(standin: SlackStandin, people: int) -> Counter[int]:
    """How many times Slack received each outbox id."""
    seen: Counter[int] = Counter()
    for person in range(people):
        for message in standin.messages_in(_user(person)):
            metadata = message.metadata or {}
            if metadata.get("event_type") == METADATA_EVENT_TYPE:
                seen[int(metadata["event_payload"]["outbox_id"])] += 1
    return seen


def unsettled(factory: sessionmaker[Session]) -> int:
    """Rows still to be sent or reconciled."""
    with unit_of_work(factory) as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(OutboundMessage)
                .where(OutboundMessage.state.in_((OutboundState.PENDING, OutboundState.SENDING)))
            )
            or 0
        )


def run(
    database_url: str,
    *,
    kills: int,
    messages: int,
    people: int,
    dispatchers: int = 1,
    seed: int = 20170201,
    max_runs: int | None = None,
) -> KillResult:
    """Owe the messages, kill passes at random until `kills` kills, then drain; count the result."""
    rendering.install()
    rng = random.Random(seed)
    started = time.monotonic()
    with ExitStack() as stack:
        standin = stack.enter_context(SlackStandin())
        standin.delay("chat.postMessage", POST_DELAY_SECONDS)
        engine = create_engine_for(database_url)
        stack.callback(engine.dispose)
        upgrade(database_url)
        factory = make_session_factory(engine, lambda: START)
        owe(factory, standin, messages, people)
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        env = _environment(database_url, standin)
        now, killed, mid_send, runs = START, 0, 0, 0
        limit = max_runs if max_runs is not None else kills * 4 + 50
        while runs < limit:
            killing = killed < kills
            posted_before = _posts(standin)
            processes = []
            for number in range(dispatchers):
                if number:
                    # Passes overlap at varied offsets, as a --once beside a restarted clock would.
                    time.sleep(rng.uniform(0.0, 1.0))
                processes.append(_start(now, env, workdir))
            runs += 1
            if killing:
                # Each pass is killed at a moment of its own, in a random order.
                for victim in rng.sample(processes, len(processes)):
                    if killed >= kills:
                        break
                    moment = _kill_moment(rng, _posts(standin), unsettled(factory))
                    hit = _kill_at(moment, [victim], standin)
                    killed += hit
                    if hit and _posts(standin) > posted_before:
                        mid_send += hit
            for process in processes:
                _, errors = process.communicate(timeout=PASS_TIMEOUT_SECONDS)
                if process.returncode not in (0, -signal.SIGKILL):
                    raise RuntimeError(f"a pass failed ({process.returncode}): {errors[-2000:]}")
            now += timedelta(seconds=rng.uniform(10, 90))
            if not killing and unsettled(factory) == 0:
                break
        seen = delivered(standin, people)
        with unit_of_work(factory) as session:
            owed_ids = set(session.scalars(select(OutboundMessage.id)))
        return KillResult(
            owed=len(owed_ids),
            delivered=len(set(seen) & owed_ids),
            duplicates=sum(1 for count in seen.values() if count > 1),
            lost=len(owed_ids - set(seen)),
            kills=killed,
            kills_mid_send=mid_send,
            runs=runs,
            unsettled=unsettled(factory),
            seconds=time.monotonic() - started,
        )


@dataclass(frozen=True)
class KillMoment:
    """When to kill a run: after Slack has had `posts` posts in all, or after `seconds`."""

    posts: int | None
    seconds: float
    # After the post that triggers it, so the kill lands at varied points of the post's aftermath.
    jitter: float


def _kill_moment(rng: random.Random, posted: int, owed: int) -> KillMoment:
    """Mostly a moment while posting (what can duplicate), sometimes any time from start-up on."""
    jitter = rng.uniform(0.0, 0.02)
    if owed and rng.random() < 0.8:
        # A few posts in, so that the kills spread over the whole backlog rather than a pass
        # sending most of it before the first kill.
        return KillMoment(
            posted + rng.randint(1, min(owed, POSTS_BEFORE_KILL)), PASS_TIMEOUT_SECONDS, jitter
        )
    return KillMoment(None, rng.uniform(0.3, 4.0), jitter)


def _kill_at(
    moment: KillMoment, processes: Sequence[subprocess.Popen[str]], standin: SlackStandin
) -> int:
    """SIGKILL every one of `processes` still running at `moment`; returns how many were killed."""
    deadline = time.monotonic() + moment.seconds
    while time.monotonic() < deadline and any(p.poll() is None for p in processes):
        if moment.posts is not None and _posts(standin) >= moment.posts:
            time.sleep(moment.jitter)
            break
        time.sleep(0.001)
    killed = 0
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            killed += 1
    return killed


def _posts(standin: SlackStandin) -> int:
    return len(standin.calls_to("chat.postMessage"))


def _environment(database_url: str, standin: SlackStandin) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SLACK_", "COHORTBOT_", "DATABASE_URL"))
    }
    env.update(
        DATABASE_URL=database_url,
        SLACK_BOT_TOKEN=standin.bot_token,
        SLACK_API_URL=standin.api_url,
        COHORTBOT_SEND_RATE_PER_MINUTE="6000",
    )
    return env


def _start(now: datetime, env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "scheduler", "--once", "--now", now.isoformat()],
        env=env,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def report(result: KillResult, out: TextIO, *, database: str, dispatchers: int) -> None:
    """Print the figures."""
    rows = [
        ("database", database),
        ("dispatchers at once", str(dispatchers)),
        ("kills (SIGKILL)", str(result.kills)),
        ("kills while posting", str(result.kills_mid_send)),
        ("runs of scheduler --once", str(result.runs)),
        ("owed", str(result.owed)),
        ("delivered", str(result.delivered)),
        ("duplicates", str(result.duplicates)),
        ("lost", str(result.lost)),
        ("left unsettled", str(result.unsettled)),
        ("wall time", f"{result.seconds:.0f} s"),
    ]
    print("Kill benchmark: the clock killed at random while it sends", file=out)
    for name, value in rows:
        print(f"  {name:<28}{value}", file=out)


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout) -> int:
    """Run the benchmark; exit 1 if anything was duplicated, lost or left unsettled."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=120)
    parser.add_argument("--messages", type=int, default=700)
    parser.add_argument("--people", type=int, default=100)
    parser.add_argument("--dispatchers", type=int, default=1, choices=(1, 2))
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--database-url", help="an empty database to use (default: a new one)")
    parser.add_argument("--seed", type=int, default=20170201)
    args = parser.parse_args(argv)
    with ExitStack() as stack:
        url = args.database_url or _new_database(args.database, stack)
        result = run(
            url,
            kills=args.kills,
            messages=args.messages,
            people=args.people,
            dispatchers=args.dispatchers,
            seed=args.seed,
        )
    report(result, out, database=args.database, dispatchers=args.dispatchers)
    return 0 if result.duplicates == result.lost == result.unsettled == 0 else 1


def _new_database(kind: str, stack: ExitStack) -> str:
    if kind == "sqlite":
        directory = stack.enter_context(tempfile.TemporaryDirectory())
        return f"sqlite:///{Path(directory) / 'kill.db'}"
    from tests.fixtures.database import throwaway_postgres_database

    return stack.enter_context(throwaway_postgres_database())


if __name__ == "__main__":
    raise SystemExit(main())
