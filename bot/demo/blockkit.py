"""Block Kit to HTML, for the demo's page and the year's transcript (Jinja2, autoescaped).

One renderer for both: the page's controls post back to the demo; the transcript's are shown only.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from jinja2 import Environment, PackageLoader, Undefined, select_autoescape
from markupsafe import Markup

from bot.demo.forms import initial_choices
from bot.demo.mrkdwn import Names, mrkdwn_to_html, plain_to_html

_SAFE_URL_SCHEMES = ("http://", "https://", "mailto:", "/")
_IMAGE_ENDINGS = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp")
FileUrl = Callable[[Mapping[str, Any]], str | None]


@dataclass(frozen=True)
class Where:
    """Where blocks are shown: whether their controls work, and what pickers offer."""

    interactive: bool
    action_url: str = "/action"
    chosen: Mapping[str, Sequence[str]] = field(default_factory=dict)
    errors: Mapping[str, str] = field(default_factory=dict)
    people: Sequence[tuple[str, str, str]] = ()
    conversations: Sequence[tuple[str, str]] = ()


def environment() -> Environment:
    """The demo's Jinja2 environment: its templates, HTML autoescaping on."""
    return Environment(
        loader=PackageLoader("bot.demo", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def safe_url(url: object) -> str:
    """A URL fit for href/src, or an empty one (never `javascript:`)."""
    text = str(url or "")
    return text if text.startswith(_SAFE_URL_SCHEMES) else ""


def is_image(file: Mapping[str, Any]) -> bool:
    """Whether a Slack file object is a picture to show inline."""
    mimetype = str(file.get("mimetype") or "")
    name = str(file.get("name") or "").lower()
    return mimetype.startswith("image/") or name.endswith(_IMAGE_ENDINGS)


def action_value(
    block_id: object, action_id: object, value: object = None, field_name: object = None
) -> str:
    """What a control posts back: which element was used, with a button's value."""
    parts = {"b": block_id, "a": action_id, "v": value, "f": field_name}
    # A key the payload left out reaches here as Jinja's Undefined.
    known = {k: (None if isinstance(v, Undefined) else v) for k, v in parts.items()}
    return json.dumps(known, separators=(",", ":"))


class BlockRenderer:
    """Renders blocks, messages' files and modals' inputs as HTML."""

    def __init__(
        self,
        person: Names,
        channel: Names,
        file_url: FileUrl,
        env: Environment | None = None,
    ) -> None:
        self.env = env or environment()
        self.env.globals.update(
            md=lambda text: mrkdwn_to_html(str(text or ""), person, channel),
            plain=lambda text: plain_to_html(str(text or "")),
            plain_of=lambda obj: str((obj or {}).get("text", "")),
            safe_url=safe_url,
            image_src=lambda block: safe_url(
                block.get("image_url") or (block.get("slack_file") or {}).get("url")
            ),
            act=action_value,
            initial=initial_choices,
            file_url=file_url,
            is_image=is_image,
        )
        self._blocks = self.env.from_string(
            '{% import "blocks.html.j2" as bk with context %}{{ bk.blocks(items, where) }}'
        )
        self._files = self.env.from_string(
            '{% import "blocks.html.j2" as bk with context %}{{ bk.files(items, where) }}'
        )

    def blocks(self, blocks: Sequence[Mapping[str, Any]] | None, where: Where) -> Markup:
        """A list of blocks as HTML."""
        return Markup(self._blocks.render(items=list(blocks or []), where=where))

    def files(self, files: Sequence[Mapping[str, Any]] | None, where: Where) -> Markup:
        """A message's files, with download links (and pictures shown)."""
        return Markup(self._files.render(items=list(files or []), where=where))

    def message_body(
        self,
        text: str,
        blocks: Sequence[Mapping[str, Any]] | None,
        where: Where,
        person: Names,
        channel: Names,
    ) -> Markup:
        """A message's blocks, or its text when it has none (as Slack shows it)."""
        if blocks:
            return self.blocks(blocks, where)
        return Markup('<div class="bk-text">{}</div>').format(mrkdwn_to_html(text, person, channel))
