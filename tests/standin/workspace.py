"""What the stand-in's tests share: a small workspace and block and view helpers."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk.errors import SlackApiError

PARTICIPANT = "U0PART01"
CHANNEL = "C0COHORT"


def section(text: str) -> dict[str, Any]:
    """A section block with mrkdwn text."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def modal(blocks: list[dict[str, Any]], title: str = "Check-in") -> dict[str, Any]:
    """A modal view."""
    return {"type": "modal", "title": {"type": "plain_text", "text": title}, "blocks": blocks}


def refusal(call: Any, *args: Any, **kwargs: Any) -> SlackApiError:
    """Call a WebClient method expecting Slack to refuse it; return the error."""
    with pytest.raises(SlackApiError) as caught:
        call(*args, **kwargs)
    return caught.value
