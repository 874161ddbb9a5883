"""The simplest message an area can owe: one section of mrkdwn, with no buttons."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.mrkdwn import escape


@dataclass(frozen=True)
class Notice:
    """A short message whose mrkdwn is already escaped (rendered from a template, say)."""

    mrkdwn: str

    @classmethod
    def plain(cls, text: str) -> Notice:
        """A notice of plain text, escaped here so that nobody's words can mention `<!channel>`."""
        return cls(escape(text))
