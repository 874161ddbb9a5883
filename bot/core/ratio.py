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

    @property
    def shown(self) -> str | None:
        """The percent as the report gives it: whole when exact ('80'), else to one decimal,
        since a whole number would change the figure (37 of 40 is '92.5', not 93)."""
        if self.denominator == 0:
            return None
        if (100 * self.numerator) % self.denominator == 0:
            return str(100 * self.numerator // self.denominator)
        tenths = (2000 * self.numerator + self.denominator) // (2 * self.denominator)
        return f"{tenths // 10}.{tenths % 10}"

    def below(self, percent: int) -> bool:
        """Whether the ratio is under `percent` (exactly, not after rounding); False when 0 of 0."""
        return self.denominator > 0 and 100 * self.numerator < percent * self.denominator
