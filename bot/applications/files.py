"""A shared CSV file as the import sees it, and the checks it must pass before it is read.

Fetching the file from Slack is the Slack layer's work (`bot.slack.files`); what a file must be
to be imported, and how its bytes become text, are the area's rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.core.errors import InvalidInput

MAX_CSV_BYTES = 2_000_000


@dataclass(frozen=True)
class SharedFile:
    """A CSV file someone shared with the bot."""

    id: str
    name: str
    text: str


def download_address(
    file_id: str, info: Mapping[str, Any], *, kinds: tuple[str, ...] = ("csv",)
) -> tuple[str, str]:
    """The file's name and download URL, or `InvalidInput` when it is no small file of `kinds`."""
    name = str(info.get("name") or file_id)
    if not name.lower().endswith(tuple(f".{kind}" for kind in kinds)) and (
        info.get("filetype") not in kinds
    ):
        wanted = " or ".join(kind.upper() for kind in kinds)
        raise InvalidInput(
            f"{name} is not a {wanted} file: save the spreadsheet as {wanted} and share it again."
        )
    if int(info.get("size") or 0) > MAX_CSV_BYTES:
        raise InvalidInput(
            f"{name} is too large to import (at most {MAX_CSV_BYTES // 1_000_000} MB)."
        )
    url = str(info.get("url_private_download") or info.get("url_private") or "")
    if not url.startswith(("https://", "http://")):
        raise InvalidInput(f"Slack gave no download address for {name}.")
    return name, url


def shared_file(file_id: str, name: str, content: bytes) -> SharedFile:
    """The downloaded bytes as text, or `InvalidInput` when they are not UTF-8."""
    try:
        return SharedFile(id=file_id, name=name, text=content.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise InvalidInput(
            f"{name} is not UTF-8 text: save it as 'CSV UTF-8' and share it again."
        ) from None
