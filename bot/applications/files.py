"""Slack's side of a CSV import: matching emails to users and fetching a shared file."""

from __future__ import annotations

import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.errors import InvalidInput

MAX_CSV_BYTES = 2_000_000
DOWNLOAD_TIMEOUT_SECONDS = 30


def email_lookup(client: WebClient) -> Callable[[str], str | None]:
    """A function giving the Slack user id for an email, or None when nobody has it."""

    def lookup(email: str) -> str | None:
        try:
            user = client.users_lookupByEmail(email=email)["user"]
        except SlackApiError as error:
            if error.response.get("error") == "users_not_found":
                return None
            raise
        return None if user.get("deleted") else str(user["id"])

    return lookup


@dataclass(frozen=True)
class SharedFile:
    """A CSV file someone shared with the bot."""

    id: str
    name: str
    text: str


def fetch_csv(client: WebClient, file_id: str) -> SharedFile:
    """Download a shared file with the bot token; refuses anything that is not a small CSV."""
    info = client.files_info(file=file_id)["file"]
    name = str(info.get("name") or file_id)
    if not name.lower().endswith(".csv") and info.get("filetype") != "csv":
        raise InvalidInput(
            f"{name} is not a CSV file: save the spreadsheet as CSV and share it again."
        )
    if int(info.get("size") or 0) > MAX_CSV_BYTES:
        raise InvalidInput(
            f"{name} is too large to import (at most {MAX_CSV_BYTES // 1_000_000} MB)."
        )
    url = str(info.get("url_private_download") or info.get("url_private") or "")
    if not url.startswith(("https://", "http://")):
        raise InvalidInput(f"Slack gave no download address for {name}.")
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {client.token}"})
    with urllib.request.urlopen(request, timeout=DOWNLOAD_TIMEOUT_SECONDS) as response:
        content: bytes = response.read(MAX_CSV_BYTES + 1)
    try:
        return SharedFile(id=file_id, name=name, text=content.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise InvalidInput(
            f"{name} is not UTF-8 text: save it as 'CSV UTF-8' and share it again."
        ) from None
