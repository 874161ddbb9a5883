"""The cyclic garbage collector is paused for a block and restored as it was."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from bot.core.collector import paused_collection


@pytest.fixture(autouse=True)
def collector_restored() -> Iterator[None]:
    was_enabled = gc.isenabled()
    yield
    if was_enabled:
        gc.enable()
    else:
        gc.disable()


def test_the_collector_is_paused_inside_and_running_again_after() -> None:
    gc.enable()

    with paused_collection():
        assert not gc.isenabled()

    assert gc.isenabled()


def test_the_collector_is_restarted_even_when_the_block_fails() -> None:
    gc.enable()

    with pytest.raises(RuntimeError), paused_collection():
        raise RuntimeError("the export failed")

    assert gc.isenabled()


def test_a_collector_paused_by_someone_else_is_left_paused() -> None:
    gc.disable()

    with paused_collection():
        pass

    assert not gc.isenabled()
