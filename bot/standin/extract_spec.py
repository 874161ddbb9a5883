"""Trim Slack's Web API description (Swagger 2.0) to the compact method table the stand-in loads.

Usage: python -m bot.standin.extract_spec PATH_TO_SPEC > bot/standin/slack_methods.json
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from bot.standin import spec_corrections as fixes

SOURCE = {
    "name": "slackapi/slack-api-specs",
    "file": "web-api/slack_web_openapi_v2_without_examples.json",
    "licence": "MIT, Copyright (c) Slack Technologies",
    "generated_by": "python -m bot.standin.extract_spec",
    "corrections": "bot/standin/spec_corrections.py (views.* verbs, missing methods, newer args)",
}

_BACKTICKED = re.compile(r"`([^`]+)`")


def _unique(values: Iterable[str]) -> list[str]:
    """Return the values without duplicates, first occurrence first."""
    return list(dict.fromkeys(values))


def _scopes(operation: dict[str, Any]) -> list[str]:
    """Collect scopes from the `security` block and the token parameter's description."""
    found: list[str] = []
    for requirement in operation.get("security", []):
        found.extend(requirement.get("slackAuth", []))
    for parameter in operation.get("parameters", []):
        if parameter["name"] == "token":
            after = parameter.get("description", "").partition("Requires scope:")[2]
            found.extend(_BACKTICKED.findall(after))
    # "none" is how the spec spells "no scope needed".
    return _unique(scope for scope in found if scope != "none")


def _errors(operation: dict[str, Any]) -> list[str]:
    """Return the error codes enumerated in the `default` (error) response."""
    schema = operation.get("responses", {}).get("default", {}).get("schema", {})
    enum = schema.get("properties", {}).get("error", {}).get("enum", [])
    return [str(code) for code in enum]


def _method_entry(verb: str, operation: dict[str, Any]) -> dict[str, Any]:
    """Build one method's compact entry from its Swagger operation."""
    parameters = operation.get("parameters", [])
    args = {
        p["name"]: {"required": bool(p.get("required", False)), "type": p.get("type", "string")}
        for p in parameters
        if p["name"] != "token"
    }
    entry: dict[str, Any] = {
        "http_method": verb.upper(),
        "scopes": _scopes(operation),
        "args": dict(sorted(args.items())),
        "errors": _errors(operation),
    }
    if not any(p["name"] == "token" for p in parameters):
        entry["auth"] = False
    return entry


def _apply_corrections(methods: dict[str, dict[str, Any]]) -> None:
    """Apply every table of spec_corrections, in place (skipping methods the spec lacks)."""
    for name, entry in fixes.ADDED_METHODS.items():
        methods[name] = json.loads(json.dumps(entry))
    for name, verb in fixes.VERB_CORRECTIONS.items():
        if name in methods:
            methods[name]["http_method"] = verb
    for name, entry in methods.items():
        added = {**fixes.UNIVERSAL_ARGUMENTS, **fixes.ADDED_ARGUMENTS.get(name, {})}
        for arg, type_ in added.items():
            entry["args"].setdefault(arg, {"required": False, "type": type_})
        entry["args"] = dict(sorted(entry["args"].items()))
    for name, flags in fixes.REQUIRED_CORRECTIONS.items():
        for arg, required in flags.items():
            if arg in methods.get(name, {}).get("args", {}):
                methods[name]["args"][arg]["required"] = required
    for name, groups in fixes.ONE_OF.items():
        if name in methods:
            methods[name]["one_of"] = groups
    for name, codes in fixes.ADDED_ERRORS.items():
        if name in methods:
            methods[name]["errors"] = _unique([*methods[name]["errors"], *codes])


def extract(spec: dict[str, Any]) -> dict[str, Any]:
    """Return the compact, corrected method table for a parsed Swagger document."""
    methods: dict[str, dict[str, Any]] = {}
    for path, operations in spec["paths"].items():
        for verb, operation in operations.items():
            methods[path.lstrip("/")] = _method_entry(verb, operation)
    _apply_corrections(methods)
    source = {**SOURCE, "spec_version": spec.get("info", {}).get("version", "")}
    return {"_source": source, "methods": dict(sorted(methods.items()))}


def render(table: dict[str, Any]) -> str:
    """Serialise the table with one method per line, so diffs stay readable."""
    lines = ["{", f'"_source": {json.dumps(table["_source"])},', '"methods": {']
    items = list(table["methods"].items())
    for index, (name, entry) in enumerate(items):
        comma = "," if index < len(items) - 1 else ""
        lines.append(f"{json.dumps(name)}: {json.dumps(entry)}{comma}")
    lines += ["}", "}"]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Read the spec named on the command line and print the trimmed table."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    spec = json.loads(Path(args[0]).read_text(encoding="utf-8"))
    sys.stdout.write(render(extract(spec)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
