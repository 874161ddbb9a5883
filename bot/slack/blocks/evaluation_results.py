"""Block Kit for `/cohort evaluations`: response rates, results, and replies to open, close and export."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from bot.core.anonymity import MIN_GROUP, TOO_FEW
from bot.core.labels import COMMITMENT_PROGRESS_LABELS
from bot.core.render import render
from bot.evaluations.admin import Closed, CohortResults, Export, Opened, SessionResults
from bot.evaluations.commitments import FOLLOW_UP_DAYS
from bot.evaluations.free_text import STILL_OPEN
from bot.slack.blocks import MAX_MESSAGE_BLOCKS, Message, mrkdwn_notice, section, sections

SHORTENED = (
    "_Shortened to fit one message: `/cohort evaluations export` sends every response as CSV._"
)


def _message(mrkdwn: str) -> Message:
    """`mrkdwn` in sections, shortened to Slack's block limit when it is longer."""
    blocks: list[Block] = list(sections(mrkdwn))
    if len(blocks) > MAX_MESSAGE_BLOCKS:
        blocks = [*blocks[: MAX_MESSAGE_BLOCKS - 1], section(SHORTENED)]
    return Message(text=mrkdwn.splitlines()[0], blocks=blocks)


def cohort_results_message(results: CohortResults) -> Message:
    """A cohort's live response rates and headline figures."""
    return _message(
        render(
            "evaluations/results_overview.j2",
            c=results,
            rates=results.rates,
            tz=results.timezone,
            too_few=TOO_FEW,
            min_group=MIN_GROUP,
            follow_up_days=FOLLOW_UP_DAYS,
            progress_labels=[(p.value, label) for p, label in COMMITMENT_PROGRESS_LABELS.items()],
            answer_labels=COMMITMENT_PROGRESS_LABELS,
        )
    )


def session_results_message(results: SessionResults) -> Message:
    """A session's forms: rate, a distribution per question and, once closed, the free text."""
    forms = [
        {
            "rate": form.rate,
            "anonymous": form.anonymous,
            "questions": [
                (q, None if q.counts is None else list(zip(q.labels, q.counts, strict=True)))
                for q in form.questions
            ],
            "free_text": form.free_text,
        }
        for form in results.forms
    ]
    return _message(
        render(
            "evaluations/results_session.j2",
            s=results,
            forms=forms,
            min_group=MIN_GROUP,
            still_open=STILL_OPEN,
        )
    )


def opened_message(opened: Opened) -> Message:
    """What opening a form by hand did."""
    return mrkdwn_notice(render("evaluations/results_opened.j2", o=opened))


def closed_message(closed: Closed) -> Message:
    """What closing a form by hand did."""
    return mrkdwn_notice(render("evaluations/results_closed.j2", c=closed))


def export_message(export: Export) -> Message:
    """The reply to an export: on its way, or nothing to export."""
    return mrkdwn_notice(render("evaluations/results_export.j2", e=export, min_group=MIN_GROUP))
