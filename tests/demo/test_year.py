"""`cohortbot demo --year`: scripted people over the programme, written as a static transcript."""

from __future__ import annotations

import io
import re
from pathlib import Path

from bot.core.settings import Settings
from bot.demo.year import play_year, scripts
from tests.demo.conftest import START

# Long enough for the launch workshop's reminders, declines, the baseline form and digests.
DAYS = 35


def test_scripted_people_reply_decline_or_stay_silent_and_the_transcript_shows_it(
    tmp_path: Path,
) -> None:
    out = io.StringIO()
    index = play_year(Settings(), START, tmp_path / "year", out, days=DAYS)

    assert index == tmp_path / "year" / "index.html"
    page = index.read_text()
    replies = re.search(r'(\d+) replies "I\'ll be there", (\d+) "Can\'t make it"', page)
    assert replies is not None
    coming, declined = (int(n) for n in replies.groups())
    cast = scripts()
    assert coming >= sum(s.replies == "yes" for s in cast)
    assert declined >= sum(s.replies == "declines" for s in cast)
    for chart in ("messages.png", "replies.png"):
        assert (tmp_path / "year" / chart).read_bytes().startswith(b"\x89PNG")
        assert f'src="{chart}"' in page

    declining = next(s for s in cast if s.replies == "declines")
    their_page = (tmp_path / "year" / "people" / f"{declining.person.handle}.html").read_text()
    assert "You said you can't make it" in their_page or "can&#39;t make it" in their_page
    silent = next(s for s in cast if s.replies == "silent")
    silent_page = (tmp_path / "year" / "people" / f"{silent.person.handle}.html").read_text()
    assert "haven&#39;t had your reply" in silent_page  # the follow-up only a non-replier gets
    assert "Their Home tab at the end of the year" in silent_page
    steering = (tmp_path / "year" / "channels" / "steering-group.html").read_text()
    assert "Download" in steering  # the digest's workbook, served from the transcript
    assert list((tmp_path / "year" / "files").glob("*.png"))
    # The transcript's controls are for show: no forms, nothing to post back to.
    assert "<form" not in their_page and "<button" not in their_page
