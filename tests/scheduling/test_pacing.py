"""Pacing keeps the dispatcher inside Slack's limits."""

from __future__ import annotations

import pytest

from scheduling.pacing import Pacer


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 3))
        self.now += seconds


def test_workspace_rate_spaces_out_sends() -> None:
    clock = FakeTime()
    pacer = Pacer(120, monotonic=clock.monotonic, sleep=clock.sleep)

    for channel in ("D1", "D2", "D3"):
        pacer.wait_to_send(channel)

    assert clock.slept == [0.5, 0.5]


def test_one_channel_gets_at_most_one_message_a_second() -> None:
    clock = FakeTime()
    pacer = Pacer(6000, monotonic=clock.monotonic, sleep=clock.sleep)

    pacer.wait_to_send("D1")
    pacer.wait_to_send("D2")
    pacer.wait_to_send("D1")

    assert clock.slept == [0.01, 0.99]


def test_time_already_passed_needs_no_wait() -> None:
    clock = FakeTime()
    pacer = Pacer(60, monotonic=clock.monotonic, sleep=clock.sleep)
    pacer.wait_to_send("D1")
    clock.now += 5

    pacer.wait_to_send("D1")

    assert clock.slept == []


def test_rate_must_be_positive() -> None:
    with pytest.raises(ValueError):
        Pacer(0)
