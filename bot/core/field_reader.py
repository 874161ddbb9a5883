"""Reading the fields of a mapping loaded from YAML, collecting a clear problem for each bad one.

Used to check data files (evaluation forms) so that one run reports every mistake, each naming
where it is and what was expected, rather than stopping at the first.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any


class FieldReader:
    """Reads the fields of one mapping, appending a problem for each bad or missing one."""

    def __init__(
        self,
        data: Mapping[str, Any],
        where: str,
        expected: Mapping[str, str],
        required: Iterable[str],
        problems: list[str],
    ) -> None:
        self.data = data
        self.where = where
        self.expected = expected
        self.problems = problems
        self.bad: set[str] = set()
        for name in data:
            if name not in expected:
                self._unknown(name)
        for name in required:
            if name not in data or data[name] is None:
                self.bad.add(name)
                problems.append(f"{where}: '{name}' is missing; expected {expected[name]}")

    def _unknown(self, name: object) -> None:
        close = difflib.get_close_matches(str(name), list(self.expected), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        self.problems.append(
            f"{self.where}: unknown field {show(name)}{hint}; expected only "
            + ", ".join(self.expected)
        )

    def _wrong(self, name: str, value: object, detail: str = "") -> None:
        self.bad.add(name)
        self.problems.append(
            f"{self.where}: '{name}' is {show(value)}{detail}; expected {self.expected[name]}"
        )

    def text(
        self, name: str, *, maximum: int | None = None, pattern: re.Pattern[str] | None = None
    ) -> str | None:
        value = self.data.get(name)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self._wrong(name, value)
            return None
        if maximum is not None and len(value) > maximum:
            self._wrong(name, value, f" ({len(value)} characters)")
            return None
        if pattern is not None and not pattern.match(value):
            self._wrong(name, value)
            return None
        return value.strip()

    def integer(self, name: str, *, minimum: int, maximum: int | None = None) -> int | None:
        value = self.data.get(name)
        if value is None:
            return None
        # bool is an int in Python, but `version: true` is a mistake.
        if (
            not isinstance(value, int)
            or isinstance(value, bool)
            or value < minimum
            or (maximum is not None and value > maximum)
        ):
            self._wrong(name, value)
            return None
        return value

    def boolean(self, name: str) -> bool | None:
        value = self.data.get(name)
        if value is None:
            return None
        if not isinstance(value, bool):
            self._wrong(name, value)
            return None
        return value

    def one_of(self, name: str, allowed: Sequence[str]) -> str | None:
        value = self.data.get(name)
        if value is None:
            return None
        if not isinstance(value, str) or value not in allowed:
            self.bad.add(name)
            self.problems.append(
                f"{self.where}: {name} {show(value)} is not one of " + ", ".join(allowed)
            )
            return None
        return value


def describe(value: object) -> str:
    """What `value` is, for a message: 'a list', 'a mapping', 'nothing' or the value itself."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return show(value)


def show(value: object) -> str:
    """`value` as a message quotes it: short, on one line, strings in quotes."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (dict, list)):
        return describe(value)
    text = " ".join(str(value).split())
    if len(text) > 40:
        text = text[:39] + "…"
    return f"'{text}'" if isinstance(value, str) else text
