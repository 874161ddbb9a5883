"""Corrections to Slack's published (October 2020) Web API description, applied by extract_spec.

Every known fault of `slack_web_openapi_v2_without_examples.json` that matters to the stand-in is
fixed here and nowhere else, so the generated `slack_methods.json` stays reproducible. Sources:
docs.slack.dev method reference pages and the argument lists of slack_sdk 3.47's WebClient.
"""

from __future__ import annotations

from typing import Any, Final

# The spec lists the views.* methods as GET; Slack only accepts them as POST (they carry JSON).
VERB_CORRECTIONS: Final[dict[str, str]] = {
    "views.open": "POST",
    "views.push": "POST",
    "views.update": "POST",
    "views.publish": "POST",
}

# Arguments Slack requires although the spec leaves `required` unset.
REQUIRED_CORRECTIONS: Final[dict[str, dict[str, bool]]] = {
    "chat.delete": {"channel": True, "ts": True},
    "conversations.history": {"channel": True},
    "conversations.info": {"channel": True},
    "conversations.members": {"channel": True},
    "conversations.replies": {"channel": True, "ts": True},
    "files.info": {"file": True},
    "users.info": {"user": True},
    # views.open/push accept interactivity_pointer instead of trigger_id (see ONE_OF below).
    "views.open": {"trigger_id": False},
    "views.push": {"trigger_id": False},
}

# Groups of arguments of which at least one must be given, with the error Slack answers otherwise.
ONE_OF: Final[dict[str, list[dict[str, Any]]]] = {
    "chat.postMessage": [
        {"args": ["text", "blocks", "attachments", "markdown_text"], "error": "no_text"}
    ],
    "chat.postEphemeral": [
        {"args": ["text", "blocks", "attachments", "markdown_text"], "error": "no_text"}
    ],
    "chat.update": [
        {"args": ["text", "blocks", "attachments", "markdown_text"], "error": "no_text"}
    ],
    "conversations.open": [{"args": ["channel", "users"], "error": "users_list_not_supplied"}],
    "views.open": [{"args": ["trigger_id", "interactivity_pointer"], "error": "invalid_arguments"}],
    "views.push": [{"args": ["trigger_id", "interactivity_pointer"], "error": "invalid_arguments"}],
    "views.update": [{"args": ["view_id", "external_id"], "error": "invalid_arguments"}],
}

# ---------------------------------------------------------------------------------------------
# ADDED ARGUMENTS: newer arguments that slack_sdk sends but the 2020 spec does not know.
#   method                    argument                 type       source
# ---------------------------------------------------------------------------------------------
ADDED_ARGUMENTS: Final[dict[str, dict[str, str]]] = {
    "chat.postMessage": {
        "metadata": "string",  # message metadata (2022), WebClient.chat_postMessage
        "markdown_text": "string",  # markdown_text (2025), WebClient.chat_postMessage
        "container_id": "string",  # WebClient.chat_postMessage
    },
    "chat.postEphemeral": {
        "markdown_text": "string",  # WebClient.chat_postEphemeral
    },
    "chat.update": {
        "metadata": "string",  # WebClient.chat_update
        "markdown_text": "string",  # WebClient.chat_update
        "file_ids": "string",  # WebClient.chat_update
        "reply_broadcast": "boolean",  # WebClient.chat_update
    },
    "chat.scheduleMessage": {
        "metadata": "string",  # WebClient.chat_scheduleMessage
        "markdown_text": "string",  # WebClient.chat_scheduleMessage
    },
    "conversations.history": {
        "include_all_metadata": "boolean",  # WebClient.conversations_history
    },
    "conversations.replies": {
        "include_all_metadata": "boolean",  # WebClient.conversations_replies
    },
    "conversations.open": {
        "prevent_creation": "boolean",  # docs.slack.dev/reference/methods/conversations.open
    },
    "views.open": {
        "interactivity_pointer": "string",  # WebClient.views_open
    },
    "views.push": {
        "interactivity_pointer": "string",  # WebClient.views_push
    },
}

# Arguments every method accepts. `team_id` is how org-wide apps pick a workspace; slack_sdk sends it
# with every call of a WebClient(team_id=...), and Bolt builds such a client for every listener.
UNIVERSAL_ARGUMENTS: Final[dict[str, str]] = {"team_id": "string"}

_COMMON_ERRORS: Final[list[str]] = [
    "not_authed",
    "invalid_auth",
    "account_inactive",
    "token_revoked",
    "no_permission",
    "missing_scope",
    "not_allowed_token_type",
    "invalid_arguments",
    "invalid_arg_name",
    "invalid_array_arg",
    "invalid_charset",
    "invalid_form_data",
    "invalid_post_type",
    "missing_post_type",
    "invalid_json",
    "json_not_object",
    "request_timeout",
    "ratelimited",
    "fatal_error",
    "internal_error",
]

# Error codes Slack documents today that the 2020 spec omits (the views.* entries have none at all).
ADDED_ERRORS: Final[dict[str, list[str]]] = {
    "chat.postMessage": ["invalid_blocks", "invalid_metadata_format", "ratelimited"],
    "chat.postEphemeral": ["invalid_blocks", "ratelimited"],
    "chat.update": ["invalid_blocks", "invalid_metadata_format", "ratelimited"],
    "chat.scheduleMessage": ["invalid_blocks", "invalid_metadata_format", "ratelimited"],
    "conversations.history": ["invalid_cursor", "ratelimited"],
    "views.open": [
        "invalid_trigger_id",
        "expired_trigger_id",
        "exchanged_trigger_id",
        "duplicate_external_id",
        "view_too_large",
        *_COMMON_ERRORS,
    ],
    "views.push": [
        "invalid_trigger_id",
        "expired_trigger_id",
        "exchanged_trigger_id",
        "push_limit_reached",
        "duplicate_external_id",
        "view_too_large",
        *_COMMON_ERRORS,
    ],
    "views.update": [
        "not_found",
        "hash_conflict",
        "duplicate_external_id",
        "view_too_large",
        *_COMMON_ERRORS,
    ],
    "views.publish": [
        "hash_conflict",
        "duplicate_external_id",
        "view_too_large",
        "not_enabled",
        *_COMMON_ERRORS,
    ],
}

# Methods the 2020 spec lacks entirely, written out from docs.slack.dev.
ADDED_METHODS: Final[dict[str, dict[str, Any]]] = {
    "files.getUploadURLExternal": {
        "http_method": "POST",
        "scopes": ["files:write"],
        "args": {
            "filename": {"required": True, "type": "string"},
            "length": {"required": True, "type": "integer"},
            "alt_txt": {"required": False, "type": "string"},
            "snippet_type": {"required": False, "type": "string"},
        },
        "errors": [
            "missing_argument",
            "storage_limit_reached",
            "file_uploads_disabled",
            "file_upload_size_restricted",
            "snippet_too_large",
            "unknown_snippet_type",
            "alt_txt_too_large",
            *_COMMON_ERRORS,
        ],
    },
    "files.completeUploadExternal": {
        "http_method": "POST",
        "scopes": ["files:write"],
        "args": {
            "files": {"required": True, "type": "string"},
            "channel_id": {"required": False, "type": "string"},
            "channels": {"required": False, "type": "string"},
            "initial_comment": {"required": False, "type": "string"},
            "thread_ts": {"required": False, "type": "string"},
            "blocks": {"required": False, "type": "string"},
        },
        "errors": [
            "invalid_channel",
            "channel_not_found",
            "posting_to_channel_denied",
            "file_not_found",
            "file_update_failed",
            "access_denied",
            *_COMMON_ERRORS,
        ],
    },
    "apps.connections.open": {
        "http_method": "POST",
        "scopes": ["connections:write"],
        "token_kind": "app",
        "args": {},
        "errors": [
            "missing_args",
            "forbidden_team",
            "insecure_request",
            "access_denied",
            "is_bot",
            *_COMMON_ERRORS,
        ],
    },
}
