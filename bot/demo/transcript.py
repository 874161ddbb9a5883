"""The year as a static HTML transcript: an index with charts, a page per person and per channel.

Messages are drawn by the same Block Kit renderer as the live page, with controls shown only.
"""

from __future__ import annotations

import io
import shutil
from collections import Counter
from datetime import datetime, timedelta
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.core.timefmt import format_when
from bot.demo.blockkit import BlockRenderer, Where, environment
from bot.demo.conversations import Entry
from bot.demo.people import EVERYONE
from bot.demo.workspace import DemoWorkspace

if TYPE_CHECKING:
    from bot.demo.year import YearLog

_ROLES = {p.user_id: p.role for p in EVERYONE}


def _safe_name(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "-" for c in text)


def write_transcript(demo: DemoWorkspace, log: YearLog, out_dir: Path) -> Path:
    """Write the transcript into `out_dir` (created if missing); returns the index's path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for sub in ("people", "channels", "files"):
        (out_dir / sub).mkdir(exist_ok=True)
    shutil.copyfile(str(files("bot.demo").joinpath("static", "demo.css")), out_dir / "demo.css")
    written_files: dict[str, str] = {}

    def file_url(file: Any) -> str | None:
        file_id = str(file.get("id") or "")
        if file_id not in written_files:
            found = demo.file_content(file_id)
            if found is None:
                return None
            name, content = found
            target = f"{_safe_name(file_id)}-{_safe_name(name)}"
            (out_dir / "files" / target).write_bytes(content)
            written_files[file_id] = target
        return f"../files/{written_files[file_id]}"

    env = environment()
    renderer = BlockRenderer(demo.name_of, demo.channel_name, file_url, env)
    where = Where(interactive=False, people=demo.people())
    page = env.get_template("transcript_page.html.j2")

    def messages(entries: list[Entry]) -> list[dict[str, Any]]:
        return [
            {
                "entry": e,
                "who": demo.name_of(e.user),
                "when": format_when(e.at, demo.zone),
                "body": renderer.message_body(
                    e.text, e.blocks, where, demo.name_of, demo.channel_name
                ),
                "files": renderer.files(e.files, where),
            }
            for e in entries
        ]

    people = []
    all_entries: list[Entry] = []
    for user_id, handle, name in demo.people():
        entries = demo.timeline(user_id, demo.dm_of(user_id))
        all_entries.extend(entries)
        home = demo.open_home(user_id)
        target = f"people/{_safe_name(handle)}.html"
        (out_dir / target).write_text(
            page.render(
                title=f"{name}: direct messages with cohortbot",
                subtitle=f"{_ROLES.get(user_id, 'member')} · @{handle}",
                messages=messages(entries),
                home=renderer.blocks(home.view.get("blocks"), where) if home else None,
            ),
            encoding="utf-8",
        )
        people.append(
            {"href": target, "name": name, "role": _ROLES.get(user_id, ""), "count": len(entries)}
        )
    channels = []
    for channel_id, channel_name in demo.channels(EVERYONE[0].user_id):
        entries = [e for e in demo.timeline(EVERYONE[0].user_id, channel_id) if not e.ephemeral]
        all_entries.extend(entries)
        target = f"channels/{_safe_name(channel_name)}.html"
        (out_dir / target).write_text(
            page.render(
                title=f"#{channel_name}", subtitle="channel", messages=messages(entries), home=None
            ),
            encoding="utf-8",
        )
        channels.append({"href": target, "name": channel_name, "count": len(entries)})
    charts = {
        "messages.png": _messages_chart(all_entries, log.started),
        "replies.png": _replies_chart(log.replies),
    }
    for name, png in charts.items():
        (out_dir / name).write_bytes(png)
    # The digests' latest picture of each kind (one a week would swamp the index).
    latest: dict[str, str] = {}
    for target in sorted(written_files.values(), key=lambda t: t.partition("-")[2]):
        if target.lower().endswith(".png"):
            kind = target.partition("-")[2].removesuffix(".png").rstrip("0123456789-")
            latest[kind] = target
    pictures = [{"href": f"files/{t}", "name": t.partition("-")[2]} for t in latest.values()]
    index = out_dir / "index.html"
    index.write_text(
        env.get_template("transcript_index.html.j2").render(
            started=_day_with_year(log.started, demo),
            ended=_day_with_year(demo.now(), demo),
            people=people,
            channels=channels,
            log=log,
            events=[(format_when(at, demo.zone), what) for at, what in log.events],
            total=len([e for e in all_entries if not e.ephemeral]),
            passes=len(demo.passes),
            pictures=pictures,
        ),
        encoding="utf-8",
    )
    return index


def _day_with_year(instant: datetime, demo: DemoWorkspace) -> str:
    local = instant.astimezone(demo.zone)
    return f"{local:%a} {local.day} {local:%b %Y}"


def _figure_png(draw: Any) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    figure, axes = pyplot.subplots(figsize=(8, 3.2), dpi=100)
    draw(axes)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    pyplot.close(figure)
    return buffer.getvalue()


def _messages_chart(entries: list[Entry], started: datetime) -> bytes:
    """Messages the bot sent, week by week."""
    weeks = Counter((e.at - started) // timedelta(days=7) for e in entries if not e.ephemeral)
    span = range(max(weeks, default=0) + 1)

    def draw(axes: Any) -> None:
        axes.bar(list(span), [weeks.get(w, 0) for w in span], color="#1164a3")
        axes.set_xlabel("week of the programme")
        axes.set_ylabel("messages")
        axes.set_title("What the bot sent, week by week")

    return _figure_png(draw)


def _replies_chart(replies: dict[str, int]) -> bytes:
    """Replies to reminders: coming, not coming."""

    def draw(axes: Any) -> None:
        labels = ["I'll be there", "Can't make it"]
        axes.barh(
            labels, [replies.get("yes", 0), replies.get("no", 0)], color=["#007a5a", "#e01e5a"]
        )
        axes.set_xlabel("replies to reminders")
        axes.set_title("How the scripted participants replied")

    return _figure_png(draw)
