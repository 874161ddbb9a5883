"""Clock-process ticks for attendance."""

from __future__ import annotations

from scheduling.tick import Tick

TICKS: tuple[Tick, ...] = ()
