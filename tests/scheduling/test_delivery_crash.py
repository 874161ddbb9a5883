"""Killing the clock at random while it sends never duplicates or loses a message.

A small run of the kill benchmark (`tests/benchmarks/kill_benchmark.py`, which the README's figures
come from): real `scheduler --once` processes, SIGKILLed at random moments, against the stand-in.
"""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session, sessionmaker

from tests.benchmarks.kill_benchmark import run


@pytest.mark.parametrize("dispatchers", [1, 2], ids=["one-pass-at-a-time", "two-passes-at-once"])
def test_killed_passes_neither_duplicate_nor_lose(
    database_url: str, db: sessionmaker[Session], dispatchers: int
) -> None:
    # `db` empties the shared database before and after.
    result = run(database_url, kills=6, messages=30, people=6, dispatchers=dispatchers)

    assert result.kills >= 6
    assert result.kills_mid_send >= 1, "no kill landed while posting: the test proved nothing"
    assert result.unsettled == 0
    assert (result.owed, result.delivered, result.lost) == (30, 30, 0)
    assert result.duplicates == 0
