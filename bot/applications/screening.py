"""Screening applications against a programme's non-negotiable criteria: pure functions, no I/O.

A criterion is a short string, so a coordinator can type the list:

- `provider-experience`: recent experience in a provider organisation;
- `level:<words>`: the current level mentions the words (e.g. `level:deputy`);
- `accreditation:<words>`: the professional accreditation mentions the words (e.g. `accreditation:CIPD`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.errors import InvalidInput
from bot.core.mrkdwn import shorten

PROVIDER_EXPERIENCE = "provider-experience"
_LEVEL = "level:"
_ACCREDITATION = "accreditation:"
CRITERIA_HELP = "provider-experience, level:<words> (e.g. level:deputy), accreditation:<words> (e.g. accreditation:CIPD)"


@dataclass(frozen=True)
class Screenable:
    """The answers screening looks at."""

    current_level: str | None
    recent_provider_experience: bool | None
    professional_accreditation: str | None


@dataclass(frozen=True)
class ScreeningOutcome:
    """Whether an application meets every criterion, and why not."""

    passed: bool
    reasons: tuple[str, ...]

    @property
    def reason(self) -> str:
        """One line for the record."""
        return "; ".join(self.reasons) if self.reasons else "Meets every non-negotiable criterion."


def parse_criterion(text: str) -> str:
    """A criterion as typed, normalised, or `InvalidInput` naming the ones understood."""
    cleaned = text.strip()
    lowered = cleaned.lower()
    if lowered == PROVIDER_EXPERIENCE:
        return PROVIDER_EXPERIENCE
    for prefix in (_LEVEL, _ACCREDITATION):
        if lowered.startswith(prefix) and cleaned[len(prefix) :].strip():
            return prefix + cleaned[len(prefix) :].strip()
    raise InvalidInput(
        f"I don't understand the criterion '{shorten(text)}'. Criteria: {CRITERIA_HELP}.",
        field="criteria",
    )


def _mentions(answer: str | None, words: str) -> bool:
    return answer is not None and words.lower() in answer.lower()


def screen(answers: Screenable, criteria: Sequence[str]) -> ScreeningOutcome:
    """Check `answers` against every criterion; unknown criteria are ignored (never screen out)."""
    reasons: list[str] = []
    for criterion in criteria:
        if criterion == PROVIDER_EXPERIENCE:
            if answers.recent_provider_experience is not True:
                reasons.append("No recent provider experience")
        elif criterion.startswith(_LEVEL):
            words = criterion.removeprefix(_LEVEL)
            if not _mentions(answers.current_level, words):
                reasons.append(f"Current level is not {words}")
        elif criterion.startswith(_ACCREDITATION):
            words = criterion.removeprefix(_ACCREDITATION)
            if not _mentions(answers.professional_accreditation, words):
                reasons.append(f"No {words} accreditation")
    return ScreeningOutcome(passed=not reasons, reasons=tuple(reasons))
