"""The smallest group an evaluation result may describe: below it, a figure can point at a person."""

from __future__ import annotations

MIN_GROUP = 5
# Why a result is withheld, as coordinators read it.
TOO_FEW = f"fewer than {MIN_GROUP} responses"


def enough(responses: int) -> bool:
    """Whether a result about `responses` responses may be shown."""
    return responses >= MIN_GROUP
