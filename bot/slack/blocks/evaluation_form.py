"""Block Kit for filling in an evaluation: the form's pages, and what the modal turns into after."""

from __future__ import annotations

import json
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    ContextBlock,
    HeaderBlock,
    InputBlock,
    InputInteractiveElement,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    RadioButtonsElement,
    StaticMultiSelectElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.core.mrkdwn import escape
from bot.core.render import render
from bot.evaluations.answers import FormPage, Question, Sent
from bot.evaluations.pages import needs_heading
from bot.slack.blocks import MAX_VIEW_BLOCKS, section, sections
from bot.slack.ids.evaluations import ANSWER_INPUT, CallbackId
from db.enums import QuestionType

# Slack's limits on the pieces of a modal.
MAX_TITLE = 24
MAX_LABEL = 2000
MAX_HEADER = 150
MAX_OPTION_TEXT = 75
# Radio buttons and checkboxes hold at most 10 options; longer lists become menus.
MAX_BUTTON_OPTIONS = 10
DEFAULT_TITLE = "Evaluation"


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _plain(text: str, limit: int) -> PlainTextObject:
    return PlainTextObject(text=_cut(text, limit))


def _title(title: str) -> PlainTextObject:
    return _plain(title or DEFAULT_TITLE, MAX_TITLE)


def _context(mrkdwn: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=mrkdwn)])


def page_metadata(request_id: int, page: int) -> str:
    """What a page's view remembers: the request and the page number, nothing else."""
    return json.dumps({"request": request_id, "page": page})


def read_metadata(private_metadata: str | None) -> tuple[int, int]:
    """The request id and page number of a submitted page; ValueError if it is not ours."""
    data: Any = json.loads(private_metadata or "{}")
    return int(data["request"]), int(data["page"])


def _options(question: Question) -> list[Option]:
    return [
        Option(value=value, label=_cut(label, MAX_OPTION_TEXT))
        for value, label in zip(question.values, question.labels, strict=True)
    ]


def _element(question: Question, page: FormPage) -> InputInteractiveElement:
    """The input for one question, pre-filled with the answer already given, if any."""
    answer = page.given.get(question.key)
    if question.type == QuestionType.FREE_TEXT:
        return PlainTextInputElement(
            action_id=ANSWER_INPUT,
            multiline=True,
            max_length=question.text_limit,
            initial_value=answer.text if answer is not None else None,
        )
    options = _options(question)
    picked = [o for o in options if o.value in question.selected(answer)]
    many = len(options) > MAX_BUTTON_OPTIONS
    if question.type == QuestionType.MULTIPLE_CHOICE:
        if many:
            return StaticMultiSelectElement(
                action_id=ANSWER_INPUT,
                placeholder="Choose any that apply",
                options=options,
                initial_options=picked or None,
            )
        return CheckboxesElement(
            action_id=ANSWER_INPUT, options=options, initial_options=picked or None
        )
    initial = picked[0] if picked else None
    if many:
        return StaticSelectElement(
            action_id=ANSWER_INPUT,
            placeholder="Choose one",
            options=options,
            initial_option=initial,
        )
    return RadioButtonsElement(action_id=ANSWER_INPUT, options=options, initial_option=initial)


def _question_block(question: Question, page: FormPage) -> InputBlock:
    return InputBlock(
        block_id=question.block_id,
        label=_plain(question.text, MAX_LABEL),
        element=_element(question, page),
        optional=not question.required,
    )


def form_page_view(page: FormPage) -> View:
    """One page of a form as a modal: 'Next' until the last page, which says 'Send'."""
    blocks: list[Block] = []
    if page.number == 1:
        if page.intro:
            blocks.extend(sections(escape(page.intro)))
        blocks.append(_context(render("evaluations/privacy.j2", anonymous=page.anonymous)))
    if page.notice:
        blocks.append(_context(escape(page.notice)))
    previous: Question | None = None
    for question in page.questions:
        if needs_heading(previous, question):
            blocks.append(HeaderBlock(text=_plain(question.section or "", MAX_HEADER)))
        blocks.append(_question_block(question, page))
        previous = question
    if page.count > 1:
        blocks.append(_context(f"Page {page.number} of {page.count}"))
    if len(blocks) > MAX_VIEW_BLOCKS:
        # split_pages counts blocks the same way; reaching this is a bug, not bad input.
        raise ValueError(f"page {page.number} has {len(blocks)} blocks")
    return View(
        type="modal",
        callback_id=CallbackId.FORM_PAGE,
        title=_title(page.title),
        submit=PlainTextObject(text="Send" if page.is_last else "Next"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=page_metadata(page.request_id, page.number),
        blocks=blocks,
    )


def _notice_view(title: str, mrkdwn: str) -> View:
    return View(
        type="modal",
        title=_title(title),
        close=PlainTextObject(text="Close"),
        blocks=[section(mrkdwn)],
    )


def thanks_view(sent: Sent) -> View:
    """What the modal becomes once the answers are stored."""
    text = render(
        "evaluations/form_thanks.j2",
        title=sent.title,
        commitment_follow_up=sent.commitment_follow_up,
    )
    return _notice_view("Thank you", text)


def closed_view(closed_on: str | None, *, late: bool) -> View:
    """The form has closed; `late` when answers were submitted after it did and not kept."""
    return _notice_view(
        "Evaluation closed", render("evaluations/form_closed.j2", closed_on=closed_on, late=late)
    )


def sent_already_view() -> View:
    """The person already sent this evaluation (a second click, or a second open modal)."""
    return _notice_view("Evaluation", render("evaluations/form_sent_already.j2"))


def notice_view(plain_text: str) -> View:
    """A modal that only says something (where there is no message to reply under)."""
    return _notice_view("Evaluation", escape(plain_text))
