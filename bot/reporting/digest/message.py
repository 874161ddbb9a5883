"""What the digest's message says, as data: the Slack layer lays it out."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.reporting.digest.figures import DigestFigures


@dataclass(frozen=True)
class DigestMessage:
    """The digest owed to a steering channel (or shown as a preview), without its files.

    A preview is shown without its files, so its footer says where the charts and workbook will
    appear: in `posted_in` (the steering channel) when the digest is posted there.
    """

    figures: DigestFigures
    tz: ZoneInfo
    preview: bool = False
    posted_in: str | None = None
