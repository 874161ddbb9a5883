"""Slack's limits on what one message or view can hold, as plain numbers and text rules.

They live in core, not in the Slack layer, because an area plans around them: an evaluation form
is split into pages that each fit one modal, and the draft is saved page by page.
"""

from __future__ import annotations

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
# Slack refuses a section whose text is longer than this.
MAX_SECTION_CHARACTERS = 3000
# Slack truncates a message's `text` past 40,000 characters and advises at most 4,000 per message.
MAX_MESSAGE_CHARACTERS = 4000


def section_chunks(mrkdwn: str, limit: int = MAX_SECTION_CHARACTERS) -> list[str]:
    """`mrkdwn` cut into as many section texts as Slack's length limit needs, split between lines."""
    chunks: list[str] = []
    for line in mrkdwn.splitlines():
        if chunks and len(chunks[-1]) + 1 + len(line) <= limit:
            chunks[-1] += "\n" + line
        else:
            chunks.append(line[:limit])
    return chunks


def line_batches(lines: list[str], limit: int) -> list[list[str]]:
    """`lines` in order, grouped so that each group joined by newlines is at most `limit` long."""
    batches: list[list[str]] = []
    length = 0
    for line in lines:
        if batches and length + 1 + len(line) <= limit:
            batches[-1].append(line)
            length += 1 + len(line)
        else:
            batches.append([line[:limit]])
            length = min(len(line), limit)
    return batches
