"""The `/cohort` command line: words, quoted names, and trailing free text kept as typed."""

from __future__ import annotations

import pytest

from bot.core.errors import InvalidInput
from bot.home.command_catalogue import parse


@pytest.mark.parametrize(
    ("text", "arguments"),
    [
        ("withdraw <@U1> Prog C1 Can't come", ("<@U1>", "Prog", "C1", "Can't", "come")),
        ("defer <@U1> Prog C1 O'Neill's leave", ("<@U1>", "Prog", "C1", "O'Neill's", "leave")),
        ('members "Aspiring Directors" 2017', ("Aspiring Directors", "2017")),
        ("members 'Aspiring Directors' 2017", ("Aspiring Directors", "2017")),
        ("members \u201cAspiring Directors\u201d 2017", ("Aspiring Directors", "2017")),
        ("away 23 Feb", ("23", "Feb")),
        ("cancel 12 'til further notice", ("12", "'til", "further", "notice")),
        ('x "a b"c', ("a bc",)),
    ],
)
def test_words_quotes_and_apostrophes(text: str, arguments: tuple[str, ...]) -> None:
    assert parse(text).arguments == arguments


def test_the_rest_of_the_line_is_kept_as_typed() -> None:
    invocation = parse('withdraw <@U1> "Future Leaders" C1 Can\'t  come:  "family" reasons ')

    assert invocation.rest(3) == 'Can\'t  come:  "family" reasons'
    assert invocation.rest(2) == 'C1 Can\'t  come:  "family" reasons'


def test_one_quoted_reason_loses_its_quotes_and_a_missing_one_is_empty() -> None:
    invocation = parse('cancel 12 "Speaker is ill"')

    assert invocation.rest(1) == "Speaker is ill"
    assert invocation.rest(2) == ""


@pytest.mark.parametrize("text", ['status "unfinished', 'enrol <@U1> "Future Leaders C1'])
def test_an_unclosed_double_quote_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput, match="quotation mark is not closed"):
        parse(text)
