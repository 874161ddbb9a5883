"""Slack's mrkdwn as safe HTML: every character of the text is escaped, then formatting is added.

Slack sends `&`, `<` and `>` typed by people as `&amp;`, `&lt;` and `&gt;`, so a literal `<` only
opens Slack's own markup: a mention, a channel, a link or a date.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from markupsafe import Markup, escape

_SPECIAL = re.compile(r"<([^<>\n]+)>")
_PRE = re.compile(r"```\n?(.+?)```", re.DOTALL)
_CODE = re.compile(r"`([^`\n]+)`")
_BOLD = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)_(?![\w_])")
_STRIKE = re.compile(r"(?<![\w~])~(?=\S)([^~\n]+?)~(?![\w~])")
_EMOJI = re.compile(r":([a-z0-9_+\-]+):")
_SAFE_SCHEMES = ("http://", "https://", "mailto:")
# The emoji the bot's copy uses; any other shows as its :name:.
EMOJI = {
    "warning": "⚠️",
    "white_check_mark": "✅",
    "x": "❌",
    "calendar": "📅",
    "spiral_calendar_pad": "🗓️",
    "wave": "👋",
    "tada": "🎉",
    "bell": "🔔",
    "memo": "📝",
    "bar_chart": "📊",
    "chart_with_upwards_trend": "📈",
    "hourglass": "⌛",
    "hourglass_flowing_sand": "⏳",
    "information_source": "\u2139\ufe0f",
    "heavy_check_mark": "✔️",
    "clipboard": "📋",
    "pushpin": "📌",
    "star": "⭐",
    "busts_in_silhouette": "👥",
    "bust_in_silhouette": "👤",
    "mag": "🔍",
    "email": "📧",
    "inbox_tray": "📥",
    "outbox_tray": "📤",
    "page_facing_up": "📄",
    "round_pushpin": "📍",
    "red_circle": "🔴",
    "large_green_circle": "🟢",
    "large_yellow_circle": "🟡",
    "no_entry": "⛔",
    "question": "❓",
    "raised_hands": "🙌",
    "thumbsup": "👍",
    "+1": "👍",
}

Names = Callable[[str], str]


def emoji(text: str) -> str:
    """Replace the `:name:` codes we know with their emoji."""
    return _EMOJI.sub(lambda m: EMOJI.get(m.group(1), m.group(0)), text)


def plain_to_html(text: str) -> Markup:
    """Plain text (Slack's `plain_text` objects) as escaped HTML, with emoji codes shown."""
    return Markup(emoji(str(escape(text)))).replace("\n", Markup("<br>"))


def mrkdwn_to_html(text: str, person: Names, channel: Names) -> Markup:
    """Render mrkdwn: mentions by name, links, bold, italic, strike, code, quotes and emoji."""
    specials: list[Markup] = []

    def hold(match: re.Match[str]) -> str:
        specials.append(_special(match.group(1), person, channel))
        return f"\x00{len(specials) - 1}\x00"

    held = _SPECIAL.sub(hold, text)
    # Slack's escapes are undone and everything is escaped again, so nothing typed becomes HTML.
    body = str(escape(html.unescape(held)))
    body = _PRE.sub(lambda m: f"<pre>{m.group(1)}</pre>", body)
    body = _CODE.sub(lambda m: f"<code>{m.group(1)}</code>", body)
    body = _BOLD.sub(r"<b>\1</b>", body)
    body = _ITALIC.sub(r"<i>\1</i>", body)
    body = _STRIKE.sub(r"<s>\1</s>", body)
    body = emoji(body)
    lines = [
        f"<blockquote>{line[5:]}</blockquote>" if line.startswith("&gt; ") else line
        for line in body.split("\n")
    ]
    body = "<br>".join(lines).replace("</blockquote><br>", "</blockquote>")
    body = re.sub(r"\x00(\d+)\x00", lambda m: str(specials[int(m.group(1))]), body)
    return Markup(body)


def _special(inner: str, person: Names, channel: Names) -> Markup:
    target, _, label = inner.partition("|")
    if target.startswith("@"):
        return Markup('<span class="mention">@{}</span>').format(person(target[1:]))
    if target.startswith("#"):
        return Markup('<span class="mention">#{}</span>').format(
            label or channel(target[1:]).removeprefix("#")
        )
    if target.startswith("!date^"):
        return Markup("{}").format(html.unescape(label or target))
    if target.startswith("!"):
        return Markup('<span class="mention">@{}</span>').format(target[1:].split("^")[0])
    shown = html.unescape(label or target)
    url = html.unescape(target)
    if url.startswith(_SAFE_SCHEMES):
        return Markup('<a href="{}" rel="noopener noreferrer" target="_blank">{}</a>').format(
            url, shown
        )
    return Markup("{}").format(shown)
