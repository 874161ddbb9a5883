"""The `/cohort` subcommands: names, usage and one-line summaries, as data.

Help, the unknown-subcommand suggestion and the app manifest all read this one list; the handlers
register a function for every entry (a test checks the two agree).
"""

from __future__ import annotations

import difflib
import shlex
from dataclasses import dataclass

from bot.errors import InvalidInput

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


CATALOGUE: tuple[Subcommand, ...] = (
    Subcommand("help", "", "List the commands you can use, with one line on each."),
    Subcommand("status", "", "Check that cohortbot is working and see the roles you hold."),
)


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


def find(name: str) -> Subcommand | None:
    """The subcommand called `name`, if there is one."""
    return next((sub for sub in CATALOGUE if sub.name == name), None)


def closest(name: str) -> Subcommand | None:
    """The subcommand whose name is most like `name`, when one is close enough to suggest."""
    matches = difflib.get_close_matches(name, [sub.name for sub in CATALOGUE], n=1, cutoff=0.5)
    return find(matches[0]) if matches else None
