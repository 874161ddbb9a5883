"""Splitting an evaluation form into modal pages that fit Slack's 100 blocks per view.

A page is laid out as: (first page only) the intro sections and the anonymity line, then for each
question one input block, preceded by a header block wherever a section starts (and again at the
top of a page that continues a section), then the "Page 2 of 3" line; any page may carry a
notice. `split_pages` counts blocks the same way, so `bot.slack.blocks.evaluation_form` can never
build a view Slack would refuse.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, TypeVar

from bot.core.mrkdwn import escape
from bot.core.slack_limits import MAX_VIEW_BLOCKS, section_chunks

# Context lines: the anonymity line (first page only), the "Page n of m" line, and room for a
# notice saying why someone is sent back to a page.
FIRST_PAGE_LINES = 3
PAGE_LINES = 2


class Sectioned(Protocol):
    """Anything shown under an optional section heading."""

    @property
    def section(self) -> str | None:
        """The heading it is shown under, if any."""
        ...


Q = TypeVar("Q", bound=Sectioned)


def intro_blocks(intro: str | None) -> int:
    """How many section blocks the form's intro takes (none when it has no intro).

    Counted as shown, escaped: '&' becomes '&amp;', so the intro can need more sections than its
    own length suggests.
    """
    return len(section_chunks(escape(intro))) if intro else 0


def needs_heading(previous: Sectioned | None, question: Sectioned) -> bool:
    """Whether a header block goes before `question` (`previous` is None at the top of a page)."""
    if question.section is None:
        return False
    return previous is None or previous.section != question.section


def _runs(questions: Sequence[Q]) -> list[list[Q]]:
    """Consecutive questions under the same heading."""
    runs: list[list[Q]] = []
    for question in questions:
        if runs and runs[-1][0].section == question.section:
            runs[-1].append(question)
        else:
            runs.append([question])
    return runs


def split_pages(
    questions: Sequence[Q], *, intro: str | None, limit: int = MAX_VIEW_BLOCKS
) -> tuple[tuple[Q, ...], ...]:
    """The questions of each page, in order; a section moves whole to the next page if it fits there.

    A section too long for any page is cut, and its heading repeated at the top of the next page.
    """
    first_budget = limit - FIRST_PAGE_LINES - intro_blocks(intro)
    budget = limit - PAGE_LINES
    if first_budget < 2 or budget < 2:
        raise ValueError("a page cannot hold a heading and a question")
    pages: list[list[Q]] = [[]]
    used = 0

    def room() -> int:
        return (first_budget if len(pages) == 1 else budget) - used

    for run in _runs(questions):
        heading = 1 if run[0].section is not None else 0
        if pages[-1] and heading + len(run) > room() and heading + len(run) <= budget:
            pages.append([])
            used = 0
        for question in run:
            cost = 1 + (1 if needs_heading(pages[-1][-1] if pages[-1] else None, question) else 0)
            if cost > room():
                pages.append([])
                used = 0
                cost = 1 + (1 if needs_heading(None, question) else 0)
            pages[-1].append(question)
            used += cost
    return tuple(tuple(page) for page in pages if page) or ((),)
