"""Rows that threads write at the same moment go in one transaction, so a burst waits for few."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

Row = TypeVar("Row")


class _Entry(Generic[Row]):
    __slots__ = ("error", "finished", "row")

    def __init__(self, row: Row) -> None:
        self.row = row
        self.finished = False
        self.error: BaseException | None = None


class WrittenTogether(Generic[Row]):
    """Writes each thread's row together with those of the threads waiting alongside it.

    A thread that finds no write under way writes everything waiting (its own row and those that
    came during the write before) in one call, and the threads whose rows it wrote return as it
    finishes. A lone request pays for one transaction, as it would alone; a burst of 50 on
    SQLite, where writers go one at a time, waited for 50 commits in a row, and now for a few.
    """

    def __init__(self, write_all: Callable[[Sequence[Row]], object]) -> None:
        self._write_all = write_all
        self._guard = threading.Lock()
        self._writing = threading.Lock()
        self._waiting: list[_Entry[Row]] = []

    def write(self, row: Row) -> None:
        """Return once `row` is written; raise what the write of its batch raised."""
        entry = _Entry(row)
        with self._guard:
            self._waiting.append(entry)
        with self._writing:
            if not entry.finished:
                with self._guard:
                    batch, self._waiting = self._waiting, []
                error: BaseException | None = None
                try:
                    self._write_all([waiting.row for waiting in batch])
                except BaseException as raised:
                    error = raised
                for waiting in batch:
                    waiting.error = error
                    waiting.finished = True
        if entry.error is not None:
            raise entry.error
