"""The `/cohort` subcommands as users see them: names, usage and one-line summaries.

The handlers pair each entry with the function that serves it; help, the unknown-subcommand
suggestion and the app manifest are all built from that one list.
"""

from __future__ import annotations

import difflib
import shlex
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.errors import InvalidInput

COMMAND = "/cohort"


@dataclass(frozen=True)
class Subcommand:
    """One `/cohort` subcommand as users see it in help."""

    name: str
    arguments: str
    summary: str

    @property
    def usage(self) -> str:
        """'/cohort name arguments'."""
        return f"{COMMAND} {self.name} {self.arguments}".rstrip()


@dataclass(frozen=True)
class Invocation:
    """A parsed `/cohort` command line."""

    name: str
    arguments: tuple[str, ...]


def parse(text: str) -> Invocation:
    """Split the text after `/cohort` into a subcommand and its arguments (quotes group words)."""
    try:
        words = shlex.split(text)
    except ValueError:
        raise InvalidInput(
            "A quotation mark is not closed: check the quotes in your command."
        ) from None
    if not words:
        return Invocation("help", ())
    return Invocation(words[0].lower(), tuple(words[1:]))


def closest(name: str, catalogue: Sequence[Subcommand]) -> Subcommand | None:
    """The subcommand whose name is most like `name`, when one is close enough to suggest."""
    by_name = {sub.name: sub for sub in catalogue}
    matches = difflib.get_close_matches(name, list(by_name), n=1, cutoff=0.5)
    return by_name[matches[0]] if matches else None
