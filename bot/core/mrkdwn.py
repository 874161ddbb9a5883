"""Slack mrkdwn safety: user text is escaped so nobody can inject `<!channel>` or fake links."""

from __future__ import annotations


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
