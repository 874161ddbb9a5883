"""Clock-process ticks for follow-ups, quorum, leave and notification preferences."""

from __future__ import annotations

from scheduling.tick import Tick

TICKS: tuple[Tick, ...] = ()
