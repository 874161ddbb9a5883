"""`cohortbot demo`: the bot and a local Slack stand-in together, in a browser, a terminal or a year.

No Slack workspace is needed: the stand-in plays Slack's Web API, and everything a person does is
sent to the bot as a signed request, exactly as Slack would send it.
"""

from __future__ import annotations

from bot.demo.launcher import DemoOptions, run_demo

__all__ = ["DemoOptions", "run_demo"]
