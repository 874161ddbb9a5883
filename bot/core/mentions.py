"""User mentions typed in commands: Slack sends them escaped as `<@U123ABC|name>`."""

from __future__ import annotations

import re

from bot.core.errors import InvalidInput
from bot.core.mrkdwn import shorten

_MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")


def parse_mention(text: str, field: str = "user") -> str:
    """The Slack user id in a mention such as `<@U123ABC|pat>`; plain names are refused."""
    match = _MENTION.match(text.strip())
    if match is None:
        raise InvalidInput(
            f"'{shorten(text)}' is not a mention: type @ and pick the person from the list, "
            "so I know exactly who you mean.",
            field=field,
        )
    return match.group(1)
