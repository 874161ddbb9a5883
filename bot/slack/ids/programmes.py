"""Callback and block ids for programme, cohort and session modals."""

from __future__ import annotations

from enum import StrEnum

# The area owns its form's field names (its errors name them); the inputs' ids are the same.
from bot.programmes.fields import Field as Field


class CallbackId(StrEnum):
    """Modal callback ids."""

    PROGRAMME_SAVE = "programme.save"
    COHORT_SAVE = "cohort.save"
    SESSION_SAVE = "session.save"
    SESSION_MOVE = "session.move"
    TIMETABLE_IMPORT = "timetable.import"


class ActionId(StrEnum):
    """Button action ids."""

    IMPORT_TIMETABLE_FILE = "timetable.import_file"
    IMPORT_HISTORY_FILE = "history.import_file"
