"""Run the Slack stand-in in the foreground for a local demo.

    python -m bot.standin --port 8090 --token xoxb-demo [--app-token xapp-demo]

Recorded calls and problems can be read at GET /_standin/calls.
"""

from __future__ import annotations

import argparse
import sys
import threading

from bot.standin.standin import SlackStandin


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bot.standin", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--port", type=int, default=8090, help="port on 127.0.0.1 (default 8090)")
    parser.add_argument("--token", default="xoxb-demo", help="the bot token to accept")
    parser.add_argument("--app-token", default=None, help="an app-level token enabling Socket Mode")
    parser.add_argument("--team-id", default="T0001")
    parser.add_argument("--bot-user-id", default="UBOT")
    parser.add_argument(
        "--no-demo-data",
        action="store_true",
        help="start with no users or channels besides the bot",
    )
    return parser.parse_args(argv)


def seed_demo_workspace(standin: SlackStandin) -> None:
    """A few people and a channel, so a demo has someone to talk to."""
    standin.add_user("U0ADA", name="ada", email="ada@example.org", real_name="Ada Lovelace")
    standin.add_user("U0GRACE", name="grace", email="grace@example.org", tz="America/New_York")
    standin.add_user("U0ALAN", name="alan", email="alan@example.org", is_admin=True)
    standin.add_channel("C0COHORT", name="cohort-demo", members=["U0ADA", "U0GRACE", "U0ALAN"])


def main(argv: list[str] | None = None) -> int:
    """Serve until interrupted, printing problems as they are found."""
    args = _arguments(argv)
    standin = SlackStandin(
        args.token,
        args.team_id,
        args.bot_user_id,
        app_token=args.app_token,
        port=args.port,
        on_problem=lambda problem: print(f"PROBLEM: {problem}", file=sys.stderr, flush=True),
    )
    if not args.no_demo_data:
        seed_demo_workspace(standin)
    with standin:
        print(f"Slack stand-in API URL: {standin.api_url}", flush=True)
        print(f"Recorded calls:         {standin.base_url}/_standin/calls", flush=True)
        print("Press Ctrl+C to stop.", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            print("Stopping.", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
