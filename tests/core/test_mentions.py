"""Mentions arrive escaped from Slack; plain names are refused."""

from __future__ import annotations

import pytest

from bot.core.errors import InvalidInput
from bot.core.mentions import parse_mention


@pytest.mark.parametrize(
    ("text", "user_id"),
    [("<@U123ABC|pat>", "U123ABC"), ("<@U123ABC>", "U123ABC"), (" <@W0ENT1|a b> ", "W0ENT1")],
)
def test_mentions_give_the_user_id(text: str, user_id: str) -> None:
    assert parse_mention(text) == user_id


@pytest.mark.parametrize("text", ["pat", "@pat", "<#C123|general>", "<@U1|x", "<!channel>"])
def test_anything_else_is_refused_naming_the_field(text: str) -> None:
    with pytest.raises(InvalidInput, match="not a mention") as caught:
        parse_mention(text, field="person")
    assert caught.value.field == "person"
