"""The Web API method table (bot/standin/slack_methods.json), loaded as typed objects."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any


@dataclass(frozen=True)
class ArgumentSpec:
    """One argument of a Web API method as the spec describes it."""

    name: str
    required: bool
    type: str


@dataclass(frozen=True)
class OneOfRule:
    """At least one of `args` must be present, otherwise Slack answers `error`."""

    args: tuple[str, ...]
    error: str


@dataclass(frozen=True)
class MethodSpec:
    """One Web API method: verb, scopes, arguments and documented error codes."""

    name: str
    http_method: str
    scopes: tuple[str, ...]
    args: dict[str, ArgumentSpec]
    errors: frozenset[str]
    one_of: tuple[OneOfRule, ...] = ()
    needs_auth: bool = True
    token_kind: str = "bot"
    required: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        required = tuple(name for name, arg in self.args.items() if arg.required)
        object.__setattr__(self, "required", required)


def _method_from_entry(name: str, entry: dict[str, Any]) -> MethodSpec:
    """Build a MethodSpec from one entry of the JSON table."""
    args = {
        arg: ArgumentSpec(arg, bool(spec["required"]), str(spec["type"]))
        for arg, spec in entry["args"].items()
    }
    rules = tuple(OneOfRule(tuple(rule["args"]), rule["error"]) for rule in entry.get("one_of", []))
    return MethodSpec(
        name=name,
        http_method=entry["http_method"],
        scopes=tuple(entry["scopes"]),
        args=args,
        errors=frozenset(entry["errors"]),
        one_of=rules,
        needs_auth=entry.get("auth", True),
        token_kind=entry.get("token_kind", "bot"),
    )


@cache
def load_catalogue() -> dict[str, MethodSpec]:
    """Load every method of the bundled table, keyed by method name."""
    text = resources.files("bot.standin").joinpath("slack_methods.json").read_text("utf-8")
    table = json.loads(text)
    return {name: _method_from_entry(name, entry) for name, entry in table["methods"].items()}
