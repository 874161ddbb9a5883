"""The names of the fields of the programme, cohort and session forms, as errors name them."""

from __future__ import annotations

from enum import StrEnum


class Field(StrEnum):
    """Form fields; the Slack layer uses each as its input's block and action id."""

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
    TABLE = "table"
