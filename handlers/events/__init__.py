"""Events API listeners, one module per area.

The app manifest subscribes to exactly the events listed here, so none arrives unheard (Bolt would
answer 404 and Slack would keep retrying).
"""

from __future__ import annotations

from collections.abc import Callable

from bot.slack.app import once_per_delivery
from handlers.errors import GuardedApp
from handlers.events import home, imports, people

LISTENERS: dict[str, Callable[..., None]] = {
    **home.LISTENERS,
    **imports.LISTENERS,
    **people.LISTENERS,
}
SUBSCRIBED_EVENTS: tuple[str, ...] = tuple(LISTENERS)


def register(app: GuardedApp) -> None:
    """Register every event listener."""
    for event_type, listener in LISTENERS.items():
        # Each runs once per event, however often Slack delivers it.
        app.event(event_type)(once_per_delivery(listener))
