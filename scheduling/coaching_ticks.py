"""Clock-process ticks for the coaching allowance."""

from __future__ import annotations

from scheduling.tick import Tick

TICKS: tuple[Tick, ...] = ()
