"""Handlers of the Web API methods the stand-in simulates, keyed by method name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from bot.standin.methods import auth_and_apps, chat, conversations, files, users, views
from bot.standin.methods.context import MethodContext, SlackError

Handler = Callable[[MethodContext], dict[str, Any]]

HANDLERS: Final[dict[str, Handler]] = {
    "api.test": auth_and_apps.api_test,
    "auth.test": auth_and_apps.auth_test,
    "apps.connections.open": auth_and_apps.connections_open,
    "chat.delete": chat.delete,
    "chat.getPermalink": chat.get_permalink,
    "chat.postEphemeral": chat.post_ephemeral,
    "chat.postMessage": chat.post_message,
    "chat.update": chat.update,
    "conversations.history": conversations.history,
    "conversations.info": conversations.info,
    "conversations.list": conversations.list_conversations,
    "conversations.members": conversations.members,
    "conversations.open": conversations.open_conversation,
    "conversations.replies": conversations.replies,
    "files.completeUploadExternal": files.complete_upload,
    "files.getUploadURLExternal": files.get_upload_url,
    "files.info": files.info,
    "users.info": users.info,
    "users.list": users.list_users,
    "users.lookupByEmail": users.lookup_by_email,
    "views.open": views.open_view,
    "views.publish": views.publish,
    "views.push": views.push,
    "views.update": views.update,
}

__all__ = ["HANDLERS", "Handler", "MethodContext", "SlackError"]
