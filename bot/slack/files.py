"""Slack's side of a CSV import: matching emails to users and downloading a shared file."""

from __future__ import annotations

import urllib.request
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.applications.files import MAX_CSV_BYTES, SharedFile, download_address, shared_file
from bot.core.errors import InvalidInput

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


def fetch_csv(client: WebClient, file_id: str) -> SharedFile:
    """Download a shared file with the bot token; refuses anything that is not a small CSV."""
    info = client.files_info(file=file_id)["file"]
    name, url = download_address(file_id, info)
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {client.token}"})
    with urllib.request.urlopen(request, timeout=DOWNLOAD_TIMEOUT_SECONDS) as response:
        content: bytes = response.read(MAX_CSV_BYTES + 1)
    return shared_file(file_id, name, content)


def fetch_spreadsheet(client: WebClient, file_id: str) -> tuple[str, bytes]:
    """A shared CSV or XLSX file's name and bytes (downloaded with the bot token)."""
    info = client.files_info(file=file_id)["file"]
    name, url = download_address(file_id, info, kinds=("csv", "xlsx"))
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {client.token}"})
    with urllib.request.urlopen(request, timeout=DOWNLOAD_TIMEOUT_SECONDS) as response:
        content: bytes = response.read(MAX_CSV_BYTES + 1)
    if len(content) > MAX_CSV_BYTES:
        raise InvalidInput(
            f"{name} is too large to import (at most {MAX_CSV_BYTES // 1_000_000} MB)."
        )
    return name, content
