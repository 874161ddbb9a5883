"""The planner's plain-dict reminder payload is the Block Kit message, key for key."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from bot.core.outbox import render_payload
from bot.reminders.messages import ReminderView, SessionReminder
from bot.slack import rendering
from bot.slack.blocks.reminders import reminder_message, reminder_payload

views = st.builds(
    ReminderView,
    invitation_id=st.integers(min_value=1, max_value=10**9),
    title=st.text(min_size=1, max_size=40),
    lead=st.sampled_from(["today", "tomorrow", "in 14 days"]),
    when=st.just("Tue 4 Jul, 10:00"),
    ends=st.sampled_from([None, "12:00", "Wed 5 Jul, 16:00"]),
    location=st.one_of(st.none(), st.text(max_size=30)),
    video_url=st.one_of(st.none(), st.just("https://meet.example.org/x")),
    compulsory=st.booleans(),
    rsvp=st.sampled_from(["pending", "attending", "not_attending"]),
    rsvp_reason=st.one_of(st.none(), st.text(max_size=30)),
    alternative=st.one_of(st.none(), st.just("Thu 6 Jul, 10:00")),
)


@given(views)
def test_plain_payload_matches_the_block_kit_message(view: ReminderView) -> None:
    built = reminder_message(view).as_kwargs()

    # Compared as JSON, which is how the outbox stores it.
    assert json.loads(json.dumps(reminder_payload(view))) == json.loads(json.dumps(built))


def test_the_outbox_stores_the_plain_payload_with_each_persons_own_buttons() -> None:
    rendering.install()
    first = ReminderView(
        1, "Workshop", "tomorrow", "Tue 4 Jul, 10:00", "12:00", "Leeds", None, True, "pending"
    )
    second = ReminderView(
        2, "Workshop", "tomorrow", "Tue 4 Jul, 10:00", "12:00", "Leeds", None, True, "pending"
    )

    one, two = render_payload(SessionReminder(first)), render_payload(SessionReminder(second))

    assert one["text"] == two["text"]
    assert [button["value"] for button in one["blocks"][2]["elements"]] == ["1", "1", "1"]
    assert [button["value"] for button in two["blocks"][2]["elements"]] == ["2", "2", "2"]
    assert one == reminder_message(first).as_kwargs()
