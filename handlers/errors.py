"""The error boundary: domain errors become a friendly reply, anything else is logged.

Bolt's threaded runner has a race: when a listener raises within a few milliseconds of calling
`ack()`, it resets the acknowledgement and Slack sees a failure. So every listener runs behind
`guard`, which keeps exceptions raised after `ack()` inside the listener and answers them itself;
an exception before `ack()` still goes to Bolt and on to `handle_error`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from slack_bolt import Ack, App, BoltResponse, Respond
from slack_bolt.util.utils import get_arg_names_of_callable
from slack_sdk import WebClient
from slack_sdk.models.views import View

from bot.core.errors import CohortbotError, InvalidInput
from bot.core.logging_setup import exception_outline
from bot.core.mrkdwn import shorten
from bot.slack.acknowledgements_first import ACKNOWLEDGEMENTS_FIRST
from bot.slack.blocks import notice, notice_modal

SOMETHING_WENT_WRONG = (
    "Sorry, something went wrong on our side and nothing was changed. "
    "Please try again; if it keeps happening, tell a programme coordinator."
)

# Names under which Bolt hands a listener the payload of each kind of request.
_PAYLOAD_ALIASES = ("command", "action", "view", "event", "shortcut", "options", "message")

Listener = TypeVar("Listener", bound=Callable[..., Any])


def handle_error(
    error: Exception, body: dict[str, Any], respond: Respond | None, logger: logging.Logger
) -> BoltResponse | None:
    """Reply to the user where Slack gave us a way to, and log what was unexpected."""
    if isinstance(error, CohortbotError):
        message = notice(str(error))
    else:
        # The body and the exception's message can hold personal data, so only their shape is
        # logged: the kind of request, the exception's type and where it was raised.
        logger.error(
            "unhandled error for a %s request: %s",
            body.get("type") or "slash command",
            exception_outline(error),
        )
        message = notice(SOMETHING_WENT_WRONG)
    if respond is not None and (body.get("response_url") or body.get("response_urls")):
        # Said only to the person who acted; a message they clicked in stays as it was.
        respond(replace_original=False, **message.as_kwargs())
    return None


def field_errors(error: CohortbotError, fallback_field: str) -> dict[str, str]:
    """A modal's inline errors for `error`: on its own field, else on `fallback_field`.

    The modal is where the person is looking, so even a refusal is shown on a field there.
    """
    field = error.field if isinstance(error, InvalidInput) and error.field else fallback_field
    return {field: str(error)}


# A modal's inline error sits under one field: a sentence or two. One that echoes what was typed
# is cut here, whatever the listener built, so a long value never makes Slack refuse the answer.
MAX_FIELD_ERROR_CHARACTERS = 300


class _CappedAck:
    """`ack` with every inline field error cut to `MAX_FIELD_ERROR_CHARACTERS`.

    Once it has acknowledged, the listener's further work waits its turn behind the
    acknowledgements of other requests (`bot.slack.acknowledgements_first`).
    """

    def __init__(self, ack: Ack) -> None:
        self._ack = ack
        self.began_work_after_ack = False

    def begin_work_after_ack(self) -> None:
        if not self.began_work_after_ack:
            self.began_work_after_ack = True
            ACKNOWLEDGEMENTS_FIRST.begin_work_after_ack()

    @property
    def response(self) -> BoltResponse | None:
        return self._ack.response

    def __call__(self, *args: Any, **kwargs: Any) -> BoltResponse:
        errors = kwargs.get("errors")
        if isinstance(errors, dict):
            kwargs["errors"] = {
                field: shorten(text, MAX_FIELD_ERROR_CHARACTERS) for field, text in errors.items()
            }
        response = self._ack(*args, **kwargs)
        self.begin_work_after_ack()
        return response


def guard(listener: Callable[..., Any]) -> Callable[..., Any]:
    """Run `listener` so that an error after its `ack()` is answered here, not lost by Bolt."""
    wanted = get_arg_names_of_callable(listener)

    def guarded(
        ack: Ack,
        body: dict[str, Any],
        payload: dict[str, Any],
        respond: Respond,
        context: dict[str, Any],
        logger: logging.Logger,
        client: Any,
        say: Any,
        request: Any,
    ) -> Any:
        capped = _CappedAck(ack)
        if ack.response is not None:
            # Bolt acknowledged it already (events): all of this listener's work comes after.
            capped.begin_work_after_ack()
        available = {
            "ack": capped,
            "body": body,
            "payload": payload,
            "respond": respond,
            "context": context,
            "logger": logger,
            "client": client,
            "say": say,
            "request": request,
            **dict.fromkeys(_PAYLOAD_ALIASES, payload),
        }
        try:
            return listener(**{name: available[name] for name in wanted})
        except Exception as error:
            if ack.response is None:
                raise
            handle_error(error, body, respond, logger)
            return None
        finally:
            if capped.began_work_after_ack:
                ACKNOWLEDGEMENTS_FIRST.end_work_after_ack()

    guarded.__name__ = getattr(listener, "__name__", "listener")
    guarded.__doc__ = listener.__doc__
    return guarded


class GuardedApp:
    """Registers listeners on a Bolt app, each behind `guard`."""

    def __init__(self, app: App) -> None:
        self.app = app

    def command(self, command: str) -> Callable[[Listener], Listener]:
        """Like `App.command`."""
        return self._register(self.app.command(command))

    def action(self, constraints: Any) -> Callable[[Listener], Listener]:
        """Like `App.action`."""
        return self._register(self.app.action(constraints))

    def view(self, constraints: Any) -> Callable[[Listener], Listener]:
        """Like `App.view`."""
        return self._register(self.app.view(constraints))

    def view_closed(self, constraints: Any) -> Callable[[Listener], Listener]:
        """Like `App.view_closed`."""
        return self._register(self.app.view_closed(constraints))

    def event(self, event: Any) -> Callable[[Listener], Listener]:
        """Like `App.event`."""
        return self._register(self.app.event(event))

    def options(self, constraints: Any) -> Callable[[Listener], Listener]:
        """Like `App.options`."""
        return self._register(self.app.options(constraints))

    @staticmethod
    def _register(register: Callable[..., Any]) -> Callable[[Listener], Listener]:
        def decorator(listener: Listener) -> Listener:
            register(guard(listener))
            return listener

        return decorator


def register(app: App) -> None:
    """Install the error handler for errors raised before `ack()`."""
    app.error(handle_error)


def open_modal_or_explain(
    body: dict[str, Any],
    client: WebClient,
    respond: Respond,
    build: Callable[[], View],
    *,
    title: str,
) -> None:
    """Open the modal `build` makes for a button press, or say to the presser why not.

    Under a message the refusal is an ephemeral reply that leaves the message as it was; on the
    App Home there is no message to reply under, so it is a small modal titled `title`.
    """
    try:
        view = build()
    except CohortbotError as error:
        if body.get("response_url"):
            respond(replace_original=False, **notice(str(error)).as_kwargs())
            return
        view = notice_modal(title, str(error))
    client.views_open(trigger_id=body["trigger_id"], view=view.to_dict())
