"""Callback and block ids for programme, cohort and session modals."""

from __future__ import annotations

from enum import StrEnum


class CallbackId(StrEnum):
    """Modal callback ids."""

    PROGRAMME_SAVE = "programme.save"
    COHORT_SAVE = "cohort.save"
    SESSION_SAVE = "session.save"
    SESSION_MOVE = "session.move"


class Field(StrEnum):
    """Input block ids; each input's action id is the same, and service errors name these."""

    NAME = "name"
    LENGTH_MONTHS = "length_months"
    COACHING_ALLOWANCE = "coaching_allowance"
    STEERING_CHANNEL = "steering_channel"
    TIMEZONE = "timezone"
    CAPACITY = "capacity"
    START_DATE = "start_date"
    START_TIME = "start_time"
    END_DATE = "end_date"
    END_TIME = "end_time"
    KIND = "kind"
    TITLE = "title"
    LOCATION = "location"
    VIDEO_URL = "video_url"
    COMPULSORY = "compulsory"
    AUDIENCE = "audience"
    FACILITATOR = "facilitator"
    REASON = "reason"
    CONFIRM = "confirm"
