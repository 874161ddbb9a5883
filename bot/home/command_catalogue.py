"""The `/cohort` subcommands as users see them: names, usage and one-line summaries.

The handlers pair each entry with the function that serves it; help, the unknown-subcommand
suggestion and the app manifest are all built from that one list.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field

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
    # The text as typed from each argument to the end of the line, so a trailing reason
    # keeps its own spacing and quote marks ("Can't come", "O'Neill's leave").
    tails: tuple[str, ...] = field(default=(), compare=False)

    def rest(self, index: int) -> str:
        """Everything from argument `index` on, as typed (one quoted argument loses its quotes)."""
        if index >= len(self.arguments):
            return ""
        if index == len(self.arguments) - 1 or index >= len(self.tails):
            return self.arguments[index]
        return self.tails[index]


_DOUBLE_QUOTES = {'"': '"', "\u201c": "\u201d", "\u201d": "\u201d", "\u201e": "\u201d"}
_SINGLE_QUOTES = {"'": "'", "\u2018": "\u2019", "\u2019": "\u2019"}


def _closing(text: str, start: int, closers: str, *, at_word_end: bool) -> int:
    """Where the quote opened at `start` closes, or -1; a single quote closes only at a word's end."""
    for position in range(start + 1, len(text)):
        if text[position] in closers and (
            not at_word_end or position + 1 == len(text) or text[position + 1].isspace()
        ):
            return position
    return -1


def tokenise(text: str) -> tuple[tuple[str, int], ...]:
    """The words of `text` with where each starts: double quotes group words and must close;
    a single quote groups only when it opens a word and closes one, so apostrophes are text."""
    words: list[tuple[str, int]] = []
    position = 0
    while position < len(text):
        if text[position].isspace():
            position += 1
            continue
        start, word = position, []
        while position < len(text) and not text[position].isspace():
            char = text[position]
            if char in _DOUBLE_QUOTES:
                close = _closing(text, position, _DOUBLE_QUOTES[char] + '"', at_word_end=False)
                if close < 0:
                    raise InvalidInput(
                        "A quotation mark is not closed: check the quotes in your command."
                    )
                word.append(text[position + 1 : close])
                position = close + 1
            elif char in _SINGLE_QUOTES and position == start:
                close = _closing(text, position, _SINGLE_QUOTES[char] + "'", at_word_end=True)
                if close < 0:
                    word.append(char)
                    position += 1
                else:
                    word.append(text[position + 1 : close])
                    position = close + 1
            else:
                word.append(char)
                position += 1
        words.append(("".join(word), start))
    return tuple(words)


def parse(text: str) -> Invocation:
    """Split the text after `/cohort` into a subcommand and its arguments (quotes group words)."""
    words = tokenise(text)
    if not words:
        return Invocation("help", ())
    arguments = words[1:]
    return Invocation(
        words[0][0].lower(),
        tuple(word for word, _ in arguments),
        tuple(text[start:].rstrip() for _, start in arguments),
    )


def closest(name: str, catalogue: Sequence[Subcommand]) -> Subcommand | None:
    """The subcommand whose name is most like `name`, when one is close enough to suggest."""
    by_name = {sub.name: sub for sub in catalogue}
    matches = difflib.get_close_matches(name, list(by_name), n=1, cutoff=0.5)
    return by_name[matches[0]] if matches else None
