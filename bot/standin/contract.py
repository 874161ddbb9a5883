"""Checks of a Web API call against the method table: token, scopes and arguments."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from bot.standin.method_catalogue import MethodSpec

# When a required argument is missing, Slack answers with the error that the absent thing implies
# (no channel is "channel_not_found"); these are tried in order, if the method documents them.
_ERRORS_FOR_MISSING: Final[dict[str, tuple[str, ...]]] = {
    "channel": ("channel_not_found", "invalid_channel"),
    "channel_id": ("channel_not_found", "invalid_channel"),
    "user": ("user_not_found",),
    "user_id": ("user_not_found",),
    "users": ("users_list_not_supplied",),
    "email": ("users_not_found",),
    "ts": ("message_not_found",),
    "message_ts": ("message_not_found",),
    "file": ("file_not_found",),
    "files": ("file_not_found",),
    "text": ("no_text",),
    "trigger_id": ("invalid_trigger_id",),
}
_FALLBACK_FOR_MISSING: Final = ("missing_argument", "invalid_arguments")
_BOOLEAN_SPELLINGS: Final = frozenset({"true", "false", "1", "0"})
_INTEGER: Final = re.compile(r"-?\d+")


@dataclass(frozen=True)
class Violation:
    """A call Slack would refuse: the error code, why, and extra fields for the answer."""

    error: str
    reason: str
    extra: dict[str, Any] = field(default_factory=dict)


def is_missing(value: Any) -> bool:
    """Slack treats an absent argument and an empty one alike."""
    return value is None or value == "" or value == []


def _missing_error(spec: MethodSpec, argument: str) -> str:
    """Pick the most fitting documented error for a missing argument."""
    for candidate in (*_ERRORS_FOR_MISSING.get(argument, ()), *_FALLBACK_FOR_MISSING):
        if candidate in spec.errors:
            return candidate
    return "invalid_arguments"


def _type_matches(type_: str, value: Any) -> bool:
    """Check a value against the spec's argument type; JSON bodies may carry native values."""
    if type_ == "boolean":
        return (
            isinstance(value, bool) or value in (0, 1) or str(value).lower() in _BOOLEAN_SPELLINGS
        )
    if type_ == "integer":
        if isinstance(value, bool):
            return False
        return isinstance(value, int) or bool(_INTEGER.fullmatch(str(value)))
    if type_ == "number":
        if isinstance(value, bool):
            return False
        try:
            float(value)
        except (TypeError, ValueError):
            return False
        return True
    return True


def check_token(
    spec: MethodSpec,
    token: str | None,
    token_kinds: Mapping[str, str],
    granted_scopes: Collection[str] | None,
) -> Violation | None:
    """Check the bearer token: present, known, of the right kind and carrying a needed scope."""
    if not spec.needs_auth:
        return None
    if not token:
        return Violation("not_authed", f"{spec.name} was called without a token")
    kind = token_kinds.get(token)
    if kind is None:
        return Violation("invalid_auth", f"{spec.name} was called with an unknown token")
    if kind != spec.token_kind:
        reason = f"{spec.name} needs a {spec.token_kind} token but was given a {kind} token"
        return Violation("not_allowed_token_type", reason)
    if granted_scopes is not None and spec.scopes and not set(spec.scopes) & set(granted_scopes):
        needed = ",".join(spec.scopes)
        extra = {"needed": needed, "provided": ",".join(sorted(granted_scopes))}
        return Violation("missing_scope", f"{spec.name} needs one of the scopes {needed}", extra)
    return None


def check_arguments(spec: MethodSpec, args: Mapping[str, Any]) -> Violation | None:
    """Check argument names, required arguments, one-of groups and simple types."""
    unknown = sorted(set(args) - set(spec.args))
    if unknown:
        names = ", ".join(f"`{name}`" for name in unknown)
        return Violation("invalid_arg_name", f"{spec.name} has no argument {names} in Slack's spec")
    for argument in spec.required:
        if is_missing(args.get(argument)):
            reason = f"{spec.name} was called without the required argument `{argument}`"
            return Violation(_missing_error(spec, argument), reason)
    for rule in spec.one_of:
        if all(is_missing(args.get(argument)) for argument in rule.args):
            names = ", ".join(f"`{argument}`" for argument in rule.args)
            error = rule.error if rule.error in spec.errors else "invalid_arguments"
            return Violation(error, f"{spec.name} needs at least one of {names}")
    for name, value in args.items():
        type_ = spec.args[name].type
        if value is not None and not _type_matches(type_, value):
            reason = f"{spec.name} argument `{name}` should be {type_}, got {value!r}"
            return Violation("invalid_arguments", reason)
    return None
