"""The Request URL end to end: signed requests in over HTTP, replies out through the Slack stand-in."""

from __future__ import annotations

import time
from typing import Any

from bot.core.slack_limits import MAX_MESSAGE_CHARACTERS
from bot.slack.blocks.general import help_messages
from bot.slack.web import RunningServer
from bot.standin import SlackStandin
from bot.standin.inbound import FORM, SlackSender
from handlers.commands import CATALOGUE
from tests.fixtures.bot import COORDINATOR, PARTICIPANT


def reply_text(result_json: dict[str, object]) -> str:
    text = result_json["text"]
    assert isinstance(text, str)
    return text


def message_characters(message: dict[str, Any]) -> tuple[int, int]:
    """A message's fallback text length and the length of all its blocks' text."""
    in_blocks = 0
    for block in message["blocks"]:
        texts = [block.get("text"), *block.get("elements", [])]
        in_blocks += sum(len(t["text"]) for t in texts if isinstance(t, dict) and "text" in t)
    return len(message["text"]), in_blocks


def test_help_lists_every_subcommand_in_messages_within_slacks_advice(
    slack: SlackSender, standin: SlackStandin
) -> None:
    result = slack.slash_command(PARTICIPANT, "help")

    assert result.status == 200
    first = result.json()
    assert first["blocks"][0]["type"] == "header"
    assert "/cohort status" in first["blocks"][1]["text"]["text"]
    # The rest follows through the response_url, in order.
    expected = len(help_messages(CATALOGUE))
    standin.wait_for(lambda: len(standin.responses) >= expected - 1)
    later = [payload for url, payload in standin.responses if url == result.response_url]
    parts = [first, *later]
    assert len(parts) >= 2
    for part in parts:
        text_length, blocks_length = message_characters(part)
        assert text_length <= MAX_MESSAGE_CHARACTERS
        assert blocks_length <= MAX_MESSAGE_CHARACTERS
    listed = "\n".join(part["text"] for part in parts)
    for sub in CATALOGUE:
        assert f"`/cohort {sub.name}" in listed
    assert listed.index("/cohort help") < listed.index("/cohort roles")
    assert "only visible to you" in str(parts[-1]["blocks"][-1])


def test_empty_command_shows_help(slack: SlackSender, standin: SlackStandin) -> None:
    result = slack.slash_command(PARTICIPANT, "")

    assert "/cohort help" in reply_text(result.json())


def test_unknown_subcommand_names_the_closest_match(
    slack: SlackSender, standin: SlackStandin
) -> None:
    result = slack.slash_command(PARTICIPANT, "stauts")

    assert result.status == 200
    text = reply_text(result.json())
    assert "I don't know `/cohort stauts`" in text
    assert "Did you mean `/cohort status`?" in text


def test_unknown_subcommand_with_no_close_match_points_to_help(
    slack: SlackSender, standin: SlackStandin
) -> None:
    result = slack.slash_command(PARTICIPANT, "photosynthesis")

    assert "Try `/cohort help`" in reply_text(result.json())


def test_user_text_is_escaped_so_it_cannot_mention_everyone(
    slack: SlackSender, standin: SlackStandin
) -> None:
    result = slack.slash_command(PARTICIPANT, "<!channel>")

    text = reply_text(result.json())
    assert "<!channel>" not in text
    assert "&lt;!channel&gt;" in text


def test_unbalanced_quote_gets_a_specific_message(
    slack: SlackSender, standin: SlackStandin
) -> None:
    result = slack.slash_command(PARTICIPANT, 'status "unfinished')

    assert "quotation mark is not closed" in reply_text(result.json())


def test_status_answers_through_the_response_url(slack: SlackSender, standin: SlackStandin) -> None:
    result = slack.slash_command(COORDINATOR, "status")

    assert result.status == 200
    standin.wait_for(lambda: standin.responses)
    url, payload = standin.responses[0]
    assert url == result.response_url
    assert "*Your roles:* coordinator" in payload["text"]
    assert "*Database:*" in payload["text"]


def test_workspace_admins_are_coordinators(slack: SlackSender, standin: SlackStandin) -> None:
    standin.add_user("UADMIN01", name="Ada Admin", is_admin=True)

    slack.slash_command("UADMIN01", "status")

    standin.wait_for(lambda: standin.responses)
    assert "*Your roles:* coordinator" in standin.responses[0][1]["text"]


def test_slow_work_happens_after_the_acknowledgement(
    slack: SlackSender, standin: SlackStandin
) -> None:
    # Slack gives up on a command not acknowledged within 3 seconds.
    standin.delay("users.info", 3.5)

    result = slack.slash_command(PARTICIPANT, "status")

    assert result.status == 200
    assert result.seconds < 3.0
    assert not standin.responses
    standin.wait_for(lambda: standin.responses, timeout=10)


def test_rate_limited_call_waits_for_retry_after_then_succeeds(
    slack: SlackSender, standin: SlackStandin
) -> None:
    standin.fail_next("users.info", status=429, retry_after=1)
    started = time.monotonic()

    slack.slash_command(PARTICIPANT, "status")

    standin.wait_for(lambda: standin.responses, timeout=10)
    assert time.monotonic() - started >= 1.0
    assert [call.status for call in standin.calls_to("users.info")] == [429, 200]
    assert "*Your roles:*" in standin.responses[0][1]["text"]


def test_failure_after_acknowledgement_is_reported_to_the_user(
    slack: SlackSender, standin: SlackStandin
) -> None:
    standin.fail_next("users.info", status=200, error="user_not_found")

    slack.slash_command(PARTICIPANT, "status")

    standin.wait_for(lambda: standin.responses)
    assert "something went wrong on our side" in standin.responses[0][1]["text"]


def test_app_home_is_published_when_opened(slack: SlackSender, standin: SlackStandin) -> None:
    result = slack.event({"type": "app_home_opened", "user": PARTICIPANT, "tab": "home"})

    assert result.status == 200
    call = standin.wait_for("views.publish")
    assert call.args["user_id"] == PARTICIPANT


def test_repeated_event_delivery_is_ignored(slack: SlackSender, standin: SlackStandin) -> None:
    event = {"type": "app_home_opened", "user": PARTICIPANT, "tab": "home"}

    first = slack.event(event, event_id="Ev0DUPLICATE")
    standin.wait_for("views.publish")
    retry = slack.event(event, event_id="Ev0DUPLICATE", retry_num=1)
    other = slack.event(event, event_id="Ev0DIFFERENT")
    standin.wait_for(lambda: len(standin.calls_to("views.publish")) >= 2)
    time.sleep(0.3)  # give a wrongly processed retry the chance to show up

    assert (first.status, retry.status, other.status) == (200, 200, 200)
    assert len(standin.calls_to("views.publish")) == 2


def test_bad_signature_is_rejected(slack: SlackSender) -> None:
    result = slack.post(b"command=%2Fcohort&text=help", FORM, signature_value="v0=" + "0" * 64)

    assert result.status == 401


def test_missing_signature_is_rejected(slack: SlackSender) -> None:
    result = slack.post(b"command=%2Fcohort&text=help", FORM, signed=False)

    assert result.status == 401


def test_request_older_than_five_minutes_is_rejected(slack: SlackSender) -> None:
    stale = str(int(time.time()) - 301)

    result = slack.post(b"command=%2Fcohort&text=help", FORM, timestamp=stale)

    assert result.status == 401


def test_signature_by_another_secret_is_rejected(
    bot_server: RunningServer, standin: SlackStandin
) -> None:
    impostor = SlackSender(bot_server.url + "/slack/events", "0123456789abcdef" * 2, standin)

    result = impostor.slash_command(PARTICIPANT, "help")

    assert result.status == 401


def test_dropped_connection_to_slack_is_retried(slack: SlackSender, standin: SlackStandin) -> None:
    standin.drop_connection_next("users.info")

    slack.slash_command(PARTICIPANT, "status")

    standin.wait_for(lambda: standin.responses, timeout=10)
    assert "*Your roles:*" in standin.responses[0][1]["text"]
    assert len(standin.calls_to("users.info")) == 2
