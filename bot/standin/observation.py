"""Watching what the app under test did: its calls, response_url posts and contract problems."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, TypeVar, cast, overload

from bot.standin.dispatch import Dispatcher
from bot.standin.recording import RecordedCall

CallMatcher = str | Callable[[RecordedCall], bool]
T = TypeVar("T")


def _takes_no_arguments(func: Callable[..., object]) -> bool:
    """True for a zero-argument condition such as `lambda: standin.responses`."""
    try:
        parameters = inspect.signature(func).parameters.values()
    except (TypeError, ValueError):
        return False
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return not any(p.kind in positional and p.default is p.empty for p in parameters)


def _call_matcher(predicate_or_method: CallMatcher) -> Callable[[RecordedCall], bool]:
    """Turn a method name into a predicate on recorded calls."""
    if isinstance(predicate_or_method, str):
        method = predicate_or_method
        return lambda call: call.method == method
    return predicate_or_method


class Observation:
    """The recording half of `SlackStandin`, which supplies the dispatcher."""

    _dispatcher: Dispatcher
    _problems_expected: bool

    @property
    def calls(self) -> list[RecordedCall]:
        """Every Web API call answered so far, in order."""
        return self._dispatcher.recorder.calls

    def calls_to(self, method: str) -> list[RecordedCall]:
        """The recorded calls to one method, in order."""
        return [call for call in self.calls if call.method == method]

    @property
    def responses(self) -> list[tuple[str, dict[str, Any]]]:
        """Accepted posts to response URLs, as (url, payload), in order."""
        return self._dispatcher.recorder.responses

    @property
    def socket_mode_acks(self) -> list[dict[str, Any]]:
        """Acknowledgements received over Socket Mode, in order."""
        return self._dispatcher.recorder.acks

    @property
    def problems(self) -> list[str]:
        """Contract violations by the client, in human-readable form."""
        return self._dispatcher.recorder.problems

    @property
    def problems_expected(self) -> bool:
        """True once the test has said it provokes problems on purpose."""
        return self._problems_expected

    def expect_problems(self) -> None:
        """Declare that this test provokes contract violations, so teardown will not fail it."""
        self._problems_expected = True

    @overload
    def wait_for(
        self, predicate_or_method: CallMatcher, timeout: float = 5.0, *, count: int = 1
    ) -> RecordedCall: ...

    @overload
    def wait_for(
        self, predicate_or_method: Callable[[], T | None], timeout: float = 5.0, *, count: int = 1
    ) -> T: ...

    def wait_for(
        self,
        predicate_or_method: CallMatcher | Callable[[], T | None],
        timeout: float = 5.0,
        *,
        count: int = 1,
    ) -> RecordedCall | T:
        """Wait for `count` matching calls (or a zero-argument condition to be truthy)."""
        # A method name or a predicate on calls returns the count-th matching call; a predicate
        # taking no arguments is polled until truthy and its result returned.
        find: Callable[[], Any]
        if callable(predicate_or_method) and _takes_no_arguments(predicate_or_method):
            condition = cast(Callable[[], T | None], predicate_or_method)

            def find() -> Any:
                result = condition()
                return result if result else None

        else:
            matches = _call_matcher(cast(CallMatcher, predicate_or_method))

            def find() -> Any:
                found = [call for call in self._dispatcher.recorder.calls if matches(call)]
                return found[count - 1] if len(found) >= count else None

        match = self._dispatcher.recorder.wait(find, timeout)
        if match is None:
            raise AssertionError(
                f"nothing matched {predicate_or_method!r} within {timeout} s\n{self._summary()}"
            )
        return cast(RecordedCall | T, match)

    def _summary(self) -> str:
        """What has been recorded so far, for failure messages."""
        calls = "\n".join(f"  {c.method} -> {c.status} {c.error or 'ok'}" for c in self.calls)
        responses = "\n".join(f"  {payload!r:.160}" for _, payload in self.responses)
        problems = "\n".join(f"  {problem}" for problem in self.problems)
        return (
            f"calls:\n{calls or '  (none)'}\nresponse_url posts:\n{responses or '  (none)'}\n"
            f"problems:\n{problems or '  (none)'}"
        )

    def wait_for_response(
        self,
        predicate: Callable[[dict[str, Any]], bool] | None = None,
        timeout: float = 5.0,
    ) -> tuple[str, dict[str, Any]]:
        """Wait until a response_url post (matching `predicate`, if given) arrives; return it."""

        def find() -> tuple[str, dict[str, Any]] | None:
            for url, payload in self._dispatcher.recorder.responses:
                if predicate is None or predicate(payload):
                    return url, payload
            return None

        match = self._dispatcher.recorder.wait(find, timeout)
        if match is None:
            raise AssertionError(
                f"no matching response_url post within {timeout} s; got {self.responses!r}"
            )
        return match
