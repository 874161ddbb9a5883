"""Message copy from the Jinja2 templates in `templates/`.

Every `{{ value }}` is escaped for Slack mrkdwn on the way out (Jinja's `finalize` hook), so user text
can never become a mention or a link; values we built as trusted `Mrkdwn` pass through unchanged.
HTML auto-escaping is off on purpose: it would show `'` as `&#39;` in Slack.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import jinja2

import templates
from bot.core.mrkdwn import escape, shorten
from bot.core.timefmt import format_day, format_span, format_when

TEMPLATE_DIR = Path(templates.__file__).parent


@cache
def environment() -> jinja2.Environment:
    """The one Jinja2 environment for message copy."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        finalize=escape,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters["when"] = format_when
    env.filters["span"] = format_span
    env.filters["day"] = format_day
    # `{{ text | short }}` echoes a person's own text back without letting it overflow a reply.
    env.filters["short"] = shorten
    return env


def render(template: str, **context: Any) -> str:
    """Render `template` (a file name under templates/) with `context`."""
    return environment().get_template(template).render(**context).strip()
