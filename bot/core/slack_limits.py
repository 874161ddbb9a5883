"""Slack's limits on what one message or view can hold, as plain numbers and text rules.

They live in core, not in the Slack layer, because an area plans around them: an evaluation form
is split into pages that each fit one modal, and the draft is saved page by page.
"""

from __future__ import annotations

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
# Slack refuses a section whose text is longer than this.
MAX_SECTION_CHARACTERS = 3000


def section_chunks(mrkdwn: str, limit: int = MAX_SECTION_CHARACTERS) -> list[str]:
    """`mrkdwn` cut into as many section texts as Slack's length limit needs, split between lines."""
    chunks: list[str] = []
    for line in mrkdwn.splitlines():
        if chunks and len(chunks[-1]) + 1 + len(line) <= limit:
            chunks[-1] += "\n" + line
        else:
            chunks.append(line[:limit])
    return chunks
