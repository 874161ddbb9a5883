"""Recording the SQL statements an engine runs, for tests that a query count does not grow."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    """The SQL statements `engine` executes while the block runs, in order."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def selects(seen: list[str]) -> list[str]:
    """Only the SELECTs among `seen` (not the backend's own transaction statements)."""
    return [statement for statement in seen if statement.lstrip().upper().startswith("SELECT")]
