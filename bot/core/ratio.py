"""A count out of a total, as every report shows it ("12 of 15 (80%)")."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Ratio:
    """`numerator` of `denominator` (e.g. 12 of 15 attended)."""

    numerator: int
    denominator: int

    @property
    def percent(self) -> int | None:
        """Whole percent, rounded half up; None when the denominator is 0."""
        if self.denominator == 0:
            return None
        return (200 * self.numerator + self.denominator) // (2 * self.denominator)

    def below(self, percent: int) -> bool:
        """Whether the ratio is under `percent` (exactly, not after rounding); False when 0 of 0."""
        return self.denominator > 0 and 100 * self.numerator < percent * self.denominator
