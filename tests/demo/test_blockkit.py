"""The demo's Block Kit renderer, over every block and element type the bot uses, escaping all."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from typing import Any

import pytest

from bot.demo.blockkit import BlockRenderer, Where
from bot.demo.forms import chosen_from_state, state_values
from bot.slack.blocks.programmes import SessionFormContext, programme_modal, session_modal

NAMES = {"U0ADA": "Ada Okafor"}
PEOPLE = [("U0ADA", "ada", "Ada Okafor"), ("U0SAM", "sam", "Sam Taylor")]
CHANNELS = [("C0STEERING", "steering-group")]
LIVE = Where(interactive=True, people=PEOPLE, conversations=CHANNELS)
SHOWN = Where(interactive=False, people=PEOPLE, conversations=CHANNELS)


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text}


def option(value: str, label: str) -> dict[str, Any]:
    return {"text": plain(label), "value": value}


class Tags(HTMLParser):
    """The start tags of a fragment, with their attributes; fails on a stray `<script>`."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        assert tag != "script", "a script element got through"
        self.tags.append((tag, dict(attrs)))

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]


@pytest.fixture
def renderer() -> BlockRenderer:
    return BlockRenderer(
        lambda user: NAMES.get(user, user),
        lambda channel: "#steering-group",
        lambda file: f"/files/{file['id']}/{file['name']}",
    )


def test_header_section_fields_context_divider_and_image(renderer: BlockRenderer) -> None:
    html = str(
        renderer.blocks(
            [
                {"type": "header", "text": plain("Launch <workshop>")},
                {
                    "type": "section",
                    "text": mrkdwn(
                        "*Hello* <@U0ADA>, see <https://example.org/a?b=1&amp;c=2|the plan>"
                    ),
                    "fields": [mrkdwn("*When:*\nTue 4 Jul, 10:00"), plain("Where: Room 1")],
                },
                {
                    "type": "context",
                    "elements": [
                        mrkdwn("_Sent by cohortbot_"),
                        {
                            "type": "image",
                            "image_url": "https://example.org/i.png",
                            "alt_text": "logo",
                        },
                    ],
                },
                {"type": "divider"},
                {
                    "type": "image",
                    "image_url": "https://example.org/chart.png",
                    "alt_text": "Attendance chart",
                    "title": plain("Attendance"),
                },
            ],
            LIVE,
        )
    )

    assert '<h3 class="bk-header">Launch &lt;workshop&gt;</h3>' in html
    assert "<b>Hello</b>" in html and '<span class="mention">@Ada Okafor</span>' in html
    assert '<a href="https://example.org/a?b=1&amp;c=2"' in html and ">the plan</a>" in html
    assert html.count('class="bk-field"') == 2 and "<b>When:</b><br>Tue 4 Jul, 10:00" in html
    assert "<i>Sent by cohortbot</i>" in html
    assert '<hr class="bk-divider">' in html
    images = Tags(html).all("img")
    assert {"src": "https://example.org/chart.png", "alt": "Attendance chart"}.items() <= images[
        -1
    ].items()
    assert "<figcaption>Attendance</figcaption>" in html


def test_actions_buttons_overflow_and_selects_post_back_which_element_was_used(
    renderer: BlockRenderer,
) -> None:
    blocks: list[dict[str, Any]] = [
        {
            "type": "actions",
            "block_id": "rsvp.actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": "rsvp.attending",
                    "value": "12",
                    "text": plain("I'll be there"),
                    "style": "primary",
                },
                {
                    "type": "button",
                    "action_id": "open",
                    "url": "https://example.org/form",
                    "text": plain("Open"),
                },
                {
                    "type": "overflow",
                    "action_id": "more",
                    "options": [option("edit", "Edit"), option("cancel", "Cancel")],
                },
                {"type": "static_select", "action_id": "pick", "options": [option("a", "Alpha")]},
                {"type": "users_select", "action_id": "who"},
            ],
        },
        {
            "type": "section",
            "block_id": "row",
            "text": mrkdwn("Ada"),
            "accessory": {
                "type": "button",
                "action_id": "confirm",
                "value": "3",
                "text": plain("Confirm"),
            },
        },
    ]

    live = Tags(str(renderer.blocks(blocks, LIVE)))
    values = [json.loads(str(b["value"])) for b in live.all("button")]
    assert {"b": "rsvp.actions", "a": "rsvp.attending", "v": "12", "f": None} in values
    assert {"b": "row", "a": "confirm", "v": "3", "f": None} in values
    # A menu's Go button names the menu whose choice it sends.
    assert {"b": "rsvp.actions", "a": "more", "v": None, "f": "pick-rsvp.actions-more"} in values
    selects = {s["name"] for s in live.all("select")}
    assert {"pick-rsvp.actions-more", "pick-rsvp.actions-pick", "pick-rsvp.actions-who"} <= selects
    assert [a["href"] for a in live.all("a")] == ["https://example.org/form"]
    assert "Sam Taylor (@sam)" in str(renderer.blocks(blocks, LIVE))

    shown = Tags(str(renderer.blocks(blocks, SHOWN)))
    assert shown.all("button") == []  # the transcript's buttons are only pictures of buttons
    assert all("disabled" in s for s in shown.all("select"))


def test_every_input_element_the_bot_uses_becomes_a_form_control(renderer: BlockRenderer) -> None:
    def field(block_id: str, element: dict[str, Any], optional: bool = False) -> dict[str, Any]:
        return {
            "type": "input",
            "block_id": block_id,
            "label": plain(block_id.title()),
            "optional": optional,
            "element": {"action_id": block_id, **element},
        }

    blocks = [
        field("name", {"type": "plain_text_input", "initial_value": "Aspiring Directors"}),
        field("note", {"type": "plain_text_input", "multiline": True, "max_length": 500}),
        field(
            "months",
            {
                "type": "number_input",
                "is_decimal_allowed": False,
                "min_value": "1",
                "initial_value": "12",
            },
        ),
        field("email", {"type": "email_text_input"}),
        field("day", {"type": "datepicker", "initial_date": "2025-01-06"}),
        field("at", {"type": "timepicker", "initial_time": "10:00"}),
        field(
            "kind",
            {
                "type": "static_select",
                "options": [option("workshop", "Workshop"), option("other", "Other")],
                "initial_option": option("other", "Other"),
            },
        ),
        field(
            "topics",
            {"type": "multi_static_select", "options": [option("a", "A"), option("b", "B")]},
        ),
        field(
            "attendance",
            {
                "type": "radio_buttons",
                "options": [option("compulsory", "Compulsory"), option("optional", "Optional")],
            },
        ),
        field(
            "confirm",
            {"type": "checkboxes", "options": [option("yes", "I have checked these")]},
            optional=True,
        ),
        field("facilitator", {"type": "users_select", "initial_user": "U0SAM"}, optional=True),
        field("channel", {"type": "conversations_select"}, optional=True),
    ]

    html = str(renderer.blocks(blocks, LIVE))
    tags = Tags(html)
    inputs = {str(i["name"]): i for i in tags.all("input")}
    assert inputs["f:name"]["type"] == "text" and inputs["f:name"]["value"] == "Aspiring Directors"
    assert tags.all("textarea")[0]["maxlength"] == "500"
    assert inputs["f:months"]["type"] == "number" and inputs["f:months"]["step"] == "1"
    assert inputs["f:months"]["min"] == "1" and inputs["f:months"]["value"] == "12"
    assert inputs["f:email"]["type"] == "email"
    assert inputs["f:day"]["type"] == "date" and inputs["f:day"]["value"] == "2025-01-06"
    assert inputs["f:at"]["type"] == "time" and inputs["f:at"]["value"] == "10:00"
    assert '<option value="other" selected>Other</option>' in html
    assert "multiple" in next(s for s in tags.all("select") if s["name"] == "f:topics")
    radios = [i for i in tags.all("input") if i["type"] == "radio"]
    assert [r["value"] for r in radios] == ["compulsory", "optional"]
    assert [i["value"] for i in tags.all("input") if i["type"] == "checkbox"] == ["yes"]
    assert '<option value="U0SAM" selected>Sam Taylor (@sam)</option>' in html
    assert '<option value="C0STEERING">#steering-group</option>' in html
    assert html.count("(optional)") == 3


def test_the_bots_errors_show_on_their_fields_with_what_was_typed(renderer: BlockRenderer) -> None:
    view = programme_modal({}, metadata="{}", editing=False).to_dict()
    where = Where(
        interactive=True,
        chosen={"name": ['Ward "7" <b>'], "length_months": ["0"]},
        errors={"length_months": "The length must be at least 1 month."},
        conversations=CHANNELS,
    )

    html = str(renderer.blocks(view["blocks"], where))

    assert 'value="Ward &#34;7&#34; &lt;b&gt;"' in html
    assert '<div class="bk-error" role="alert">The length must be at least 1 month.</div>' in html
    assert 'class="bk-input bk-has-error" data-block-id="length_months"' in html
    assert html.count('role="alert"') == 1  # on that field only
    assert "Such as Europe/London" in html  # the hint


def test_the_bots_session_form_renders_every_field(renderer: BlockRenderer) -> None:
    context = SessionFormContext(
        cohort="Aspiring Directors / 2025",
        kinds=[("workshop", "Workshop"), ("action_learning_set", "Action learning set")],
        groups=[("1", "Group 1")],
        editing=False,
    )
    view = session_modal(
        {}, context, metadata="{}", warnings=["Mon 5 May is a bank holiday"]
    ).to_dict()

    html = str(renderer.blocks(view["blocks"], LIVE))
    names = {str(i.get("name")) for i in Tags(html).all("input") + Tags(html).all("select")}

    expected = {"f:kind", "f:title", "f:start_date", "f:start_time", "f:end_date", "f:end_time"}
    assert expected | {"f:compulsory", "f:audience", "f:facilitator", "f:confirm"} <= names
    assert "bank holiday" in html and "I have checked these" in html


def test_nothing_in_a_payload_becomes_markup_or_a_script_link(renderer: BlockRenderer) -> None:
    evil = '<script>alert(1)</script>" onmouseover="x'
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": plain(evil)},
        {
            "type": "section",
            "text": mrkdwn(
                f"&lt;script&gt;alert(1)&lt;/script&gt; <javascript:alert(1)|click> {evil}"
            ),
        },
        {"type": "image", "image_url": "javascript:alert(1)", "alt_text": evil},
        {
            "type": "actions",
            "block_id": evil,
            "elements": [{"type": "button", "action_id": evil, "value": evil, "text": plain(evil)}],
        },
        {
            "type": "input",
            "block_id": "q",
            "label": plain(evil),
            "element": {"type": "static_select", "action_id": "q", "options": [option(evil, evil)]},
        },
    ]

    html = str(renderer.blocks(blocks, LIVE))
    tags = Tags(html)

    assert "<script" not in html and 'onmouseover="x' not in html
    assert all("javascript:" not in str(v) for _t, attrs in tags.tags for v in attrs.values())
    assert [i["src"] for i in tags.all("img")] == [""]
    assert json.loads(str(tags.all("button")[0]["value"]))["v"] == evil  # intact, as data


def test_files_get_a_download_link_and_pictures_show_inline(renderer: BlockRenderer) -> None:
    html = str(
        renderer.files(
            [
                {"id": "F1", "name": "cohortbot-export-2025-01-06.xlsx", "title": "Export"},
                {
                    "id": "F2",
                    "name": "attendance.png",
                    "title": "Attendance",
                    "alt_txt": "Attendance by session",
                },
            ],
            LIVE,
        )
    )
    tags = Tags(html)

    assert [a["href"] for a in tags.all("a")] == [
        "/files/F1/cohortbot-export-2025-01-06.xlsx",
        "/files/F2/attendance.png",
    ]
    assert tags.all("img") == [{"src": "/files/F2/attendance.png", "alt": "Attendance by session"}]


def test_a_message_without_blocks_shows_its_text(renderer: BlockRenderer) -> None:
    html = str(renderer.message_body("Hi <@U0ADA> &amp; all", None, LIVE, NAMES.get, str))  # type: ignore[arg-type]

    assert (
        html == '<div class="bk-text">Hi <span class="mention">@Ada Okafor</span> &amp; all</div>'
    )


@pytest.mark.parametrize(
    ("element", "chosen", "state"),
    [
        ({"type": "plain_text_input"}, ["Ward 7"], {"value": "Ward 7"}),
        ({"type": "plain_text_input"}, [], {"value": None}),
        ({"type": "number_input"}, ["12"], {"value": "12"}),
        ({"type": "email_text_input"}, ["a@example.org"], {"value": "a@example.org"}),
        ({"type": "datepicker"}, ["2025-01-06"], {"selected_date": "2025-01-06"}),
        ({"type": "timepicker"}, ["10:00"], {"selected_time": "10:00"}),
        ({"type": "users_select"}, ["U0ADA"], {"selected_user": "U0ADA"}),
        (
            {"type": "multi_users_select"},
            ["U0ADA", "U0SAM"],
            {"selected_users": ["U0ADA", "U0SAM"]},
        ),
        ({"type": "conversations_select"}, ["C0STEERING"], {"selected_conversation": "C0STEERING"}),
        (
            {"type": "static_select", "options": [option("a", "A")]},
            ["a"],
            {"selected_option": option("a", "A")},
        ),
        ({"type": "static_select", "options": [option("a", "A")]}, [], {"selected_option": None}),
        (
            {"type": "radio_buttons", "options": [option("a", "A")]},
            ["a"],
            {"selected_option": option("a", "A")},
        ),
        (
            {"type": "checkboxes", "options": [option("a", "A"), option("b", "B")]},
            ["b"],
            {"selected_options": [option("b", "B")]},
        ),
        (
            {"type": "multi_static_select", "options": [option("a", "A"), option("b", "B")]},
            ["a", "b"],
            {"selected_options": [option("a", "A"), option("b", "B")]},
        ),
    ],
)
def test_a_submission_reports_each_element_as_slack_does(
    element: dict[str, Any], chosen: list[str], state: dict[str, Any]
) -> None:
    view = {
        "blocks": [{"type": "input", "block_id": "q", "element": {"action_id": "act", **element}}]
    }

    values = state_values(view, {"q": chosen})

    assert values == {"q": {"act": {"type": element["type"], **state}}}
    assert chosen_from_state(values) == {"q": chosen}
