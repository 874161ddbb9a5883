"""A local stand-in of Slack's Web API (and Socket Mode), for tests and for a local demo.

Point the real slack_sdk.WebClient at it with `WebClient(token=..., base_url=standin.api_url)`.
"""

from bot.standin.recording import RecordedCall
from bot.standin.standin import SlackStandin
from bot.standin.workspace import Channel, Message, StoredView, UploadedFile, User

__all__ = [
    "Channel",
    "Message",
    "RecordedCall",
    "SlackStandin",
    "StoredView",
    "UploadedFile",
    "User",
]
