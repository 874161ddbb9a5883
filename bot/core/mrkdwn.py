"""Slack mrkdwn safety: user text is escaped so nobody can inject `<!channel>` or fake links."""

from __future__ import annotations

import re


class Mrkdwn(str):
    """Text that is already valid, trusted mrkdwn (a mention, a link we built) and is not escaped."""

    __slots__ = ()


def escape(text: object) -> str:
    """Escape `&`, `<` and `>` as Slack asks; trusted `Mrkdwn` passes through unchanged."""
    if isinstance(text, Mrkdwn):
        return text
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mention(slack_user_id: str) -> Mrkdwn:
    """A user mention, which Slack renders as the person's name."""
    return Mrkdwn(f"<@{escape(slack_user_id)}>")


# How much of a person's own text a reply echoes back: enough to recognise it, never enough to
# push a message past Slack's limits (a section holds 3,000 characters).
ECHO_LIMIT = 60
_INVISIBLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]+")


def shorten(text: object, limit: int = ECHO_LIMIT) -> str:
    """`text` as a reply may echo it: control and layout characters as spaces, cut to `limit`.

    The cut is marked with "…"; escaping is left to the renderer, so no entity is cut in half.
    """
    flat = " ".join(_INVISIBLE.sub(" ", str(text)).split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def cap(mrkdwn: str, limit: int) -> str:
    """Escaped `mrkdwn` cut to at most `limit` characters, never inside an `&…;` entity."""
    if len(mrkdwn) <= limit:
        return mrkdwn
    cut = mrkdwn[: limit - 1]
    entity = cut.rfind("&")
    if entity != -1 and ";" not in cut[entity:]:
        cut = cut[:entity]
    return cut + "…"
