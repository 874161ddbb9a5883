"""Message copy: escaping, dates as people read them, and the command catalogue."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.errors import InvalidInput
from bot.core.mrkdwn import Mrkdwn, escape, mention
from bot.core.render import render
from bot.core.slack_limits import MAX_MESSAGE_CHARACTERS, line_batches
from bot.core.timefmt import format_day, format_when
from bot.home import command_catalogue as catalogue
from bot.slack.blocks import Message, section
from bot.slack.blocks.general import help_messages
from handlers.commands import CATALOGUE, ROUTES

LONDON = ZoneInfo("Europe/London")


def test_escape_neutralises_slack_control_sequences() -> None:
    assert escape("<!channel> & <@U123|boss>") == "&lt;!channel&gt; &amp; &lt;@U123|boss&gt;"


@given(st.text())
def test_escaped_text_never_contains_angle_brackets(text: str) -> None:
    escaped = escape(text)
    assert "<" not in escaped and ">" not in escaped


def test_trusted_mrkdwn_is_left_alone() -> None:
    assert escape(mention("U123")) == "<@U123>"
    assert escape(Mrkdwn("<https://example.org|a link>")) == "<https://example.org|a link>"


def test_templates_escape_every_value() -> None:
    text = render("unknown_subcommand.j2", command="/cohort", name="<!here>", suggestion=None)

    assert "&lt;!here&gt;" in text and "<!here>" not in text


@pytest.mark.parametrize(
    ("instant", "shown"),
    [
        (datetime(2017, 7, 4, 9, 0, tzinfo=UTC), "Tue 4 Jul, 10:00"),  # BST
        (datetime(2017, 2, 1, 9, 0, tzinfo=UTC), "Wed 1 Feb, 09:00"),  # GMT
        (datetime(2017, 3, 26, 1, 30, tzinfo=UTC), "Sun 26 Mar, 02:30"),  # just after the change
    ],
)
def test_dates_read_like_tue_4_jul_10_00(instant: datetime, shown: str) -> None:
    assert format_when(instant, LONDON) == shown


def test_dates_follow_the_readers_time_zone() -> None:
    instant = datetime(2017, 7, 4, 9, 0, tzinfo=UTC)

    assert format_when(instant, ZoneInfo("America/New_York")) == "Tue 4 Jul, 05:00"
    assert format_day(date(2017, 12, 25)) == "Mon 25 Dec"


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        format_when(datetime(2017, 7, 4, 9, 0), LONDON)


def test_every_subcommand_is_listed_once_in_help() -> None:
    names = [sub.name for sub in CATALOGUE]
    assert len(names) == len(set(names))
    assert set(names) == set(ROUTES)


def test_parse_splits_words_and_honours_quotes() -> None:
    assert catalogue.parse('Status "two words" x') == catalogue.Invocation(
        "status", ("two words", "x")
    )
    assert catalogue.parse("   ") == catalogue.Invocation("help", ())
    with pytest.raises(InvalidInput):
        catalogue.parse('"open')


@pytest.mark.parametrize(
    ("typed", "meant"), [("stat", "status"), ("hlep", "help"), ("zzzzzz", None)]
)
def test_closest_subcommand(typed: str, meant: str | None) -> None:
    match = catalogue.closest(typed, CATALOGUE)
    assert (match.name if match else None) == meant


def test_messages_need_fallback_text_and_at_most_fifty_blocks() -> None:
    with pytest.raises(ValueError, match="fallback"):
        Message(text="", blocks=(section("x"),))
    with pytest.raises(ValueError, match="50"):
        Message(text="x", blocks=tuple(section("x") for _ in range(51)))
    assert all(part.as_kwargs()["text"] for part in help_messages(CATALOGUE))


def test_plain_notices_are_escaped_and_rendered_ones_are_not_escaped_twice() -> None:
    from bot.slack.blocks import mrkdwn_notice, notice

    assert notice("No cohort called <!channel>").text == "No cohort called &lt;!channel&gt;"
    assert mrkdwn_notice("Fish &amp; chips").text == "Fish &amp; chips"


def test_long_text_is_split_between_lines_into_sections_slack_accepts() -> None:
    from bot.slack.blocks import sections

    lines = [f"`/cohort command{n}`  " + "x" * 90 for n in range(80)]

    blocks = sections("\n".join(lines))

    assert len(blocks) > 1
    texts = [block.text.text for block in blocks]  # type: ignore[union-attr]
    assert all(len(text) <= 3000 for text in texts)
    assert "\n".join(texts).splitlines() == lines


def test_line_batches_keep_order_and_the_limit() -> None:
    lines = ["a" * 30, "b" * 30, "c" * 30, "d" * 80]

    batches = line_batches(lines, 65)

    assert batches == [["a" * 30, "b" * 30], ["c" * 30], ["d" * 65]]
    assert all(len("\n".join(batch)) <= 65 for batch in batches)


def test_help_is_split_only_when_it_is_too_long_for_one_message() -> None:
    few = CATALOGUE[:3]

    assert len(help_messages(few)) == 1
    parts = help_messages(CATALOGUE)
    assert len(parts) > 1
    assert all(len(part.text) <= MAX_MESSAGE_CHARACTERS for part in parts)
    assert parts[0].blocks[0].type == "header"
    assert all(part.blocks[0].type == "section" for part in parts[1:])
