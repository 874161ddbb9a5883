"""Answering requests: Web API calls, file uploads and response_url posts, with recording."""

from __future__ import annotations

import json
import threading
import time
import traceback
from collections.abc import Callable, Collection, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from bot.standin.block_validation import check_message_blocks
from bot.standin.contract import Violation, check_arguments, check_token
from bot.standin.faults import Fault, FaultPlan
from bot.standin.method_catalogue import MethodSpec, load_catalogue
from bot.standin.methods import HANDLERS, MethodContext, SlackError
from bot.standin.recording import RecordedCall, Recorder
from bot.standin.request_parsing import BodyError, media_type, multipart_fields, parse_arguments
from bot.standin.workspace import RESPONSE_URL_LIFETIME_SECONDS, RESPONSE_URL_USES, Workspace

_SERVER_ERROR_PAGES = {
    500: "<html><body><h1>500 Internal Server Error</h1></body></html>",
    502: "<html><body><h1>502 Bad Gateway</h1></body></html>",
    503: "<html><body><h1>503 Service Unavailable</h1></body></html>",
    504: "<html><body><h1>504 Gateway Time-out</h1></body></html>",
}


@dataclass(frozen=True)
class Answer:
    """An HTTP answer, or an instruction to drop the connection without one."""

    status: int
    body: bytes = b""
    content_type: str = "application/json; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    drop_connection: bool = False

    @classmethod
    def json(
        cls, status: int, data: Mapping[str, Any], headers: dict[str, str] | None = None
    ) -> Answer:
        """An answer with a JSON body."""
        return cls(status, json.dumps(data).encode("utf-8"), headers=headers or {})

    @classmethod
    def text(
        cls, status: int, text: str, content_type: str = "text/plain; charset=utf-8"
    ) -> Answer:
        """An answer with a plain-text (or HTML) body."""
        return cls(status, text.encode("utf-8"), content_type=content_type)


@dataclass(frozen=True)
class Download:
    """A GET of a shared file's private URL, and whether it carried the bot token."""

    file_id: str
    authorised: bool


_LOGIN_PAGE = "<!DOCTYPE html><html><head><title>Slack</title></head><body>Sign in</body></html>"


def _error_body(
    error: str, reason: str = "", extra: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Slack's `ok: false` body; Slack explains some errors in response_metadata.messages."""
    body: dict[str, Any] = {"ok": False, "error": error, **(extra or {})}
    if reason:
        body["response_metadata"] = {"messages": [f"[ERROR] {reason}"]}
    return body


def _bearer(authorization: str | None) -> str | None:
    if authorization and authorization.lower().startswith("bearer "):
        return authorization[7:].strip()
    return None


def _printable(value: Any) -> Any:
    """Make recorded arguments JSON-safe (uploads may carry bytes)."""
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    if isinstance(value, dict):
        return {key: _printable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_printable(item) for item in value]
    return value


class Dispatcher:
    """Owns the stand-in's state and answers each request the HTTP server passes on."""

    def __init__(
        self,
        *,
        workspace: Workspace,
        token_kinds: dict[str, str],
        on_problem: Callable[[str], None] | None = None,
    ) -> None:
        self.workspace = workspace
        self.token_kinds = token_kinds
        self.granted_scopes: Collection[str] | None = None
        self.recorder = Recorder(on_problem)
        self.faults = FaultPlan()
        self.stubs: dict[str, dict[str, Any]] = {}
        self.downloads: list[Download] = []
        self.lock = threading.RLock()
        self.base_url = ""
        self.open_socket_url: Callable[[], str] = self._no_socket_mode

    @staticmethod
    def _no_socket_mode() -> str:
        raise SlackError("invalid_auth", "the stand-in was started without an app-level token")

    def note_problem(self, problem: str) -> None:
        """Record a contract violation by the client under test."""
        self.recorder.add_problem(problem)

    def _record(
        self, method: str, args: dict[str, Any], status: int, response: dict[str, Any]
    ) -> None:
        self.recorder.add_call(RecordedCall(method, args, status, response, time.time()))

    # ----------------------------------------------------------------------------- Web API
    def answer_api(
        self, method: str, headers: Mapping[str, str], query: str, body: bytes
    ) -> Answer:
        """Answer one Web API call (`headers` keyed in lower case), checked against the spec."""
        spec = load_catalogue().get(method)
        try:
            args = parse_arguments(query, headers.get("content-type"), body)
        except BodyError as error:
            self.note_problem(f"{method} → {error.error}: {error.reason}")
            response = _error_body(error.error, error.reason)
            self._record(method, {}, 200, response)
            return Answer.json(200, response)
        token = _bearer(headers.get("authorization")) or args.pop("token", None)
        args.pop("token", None)
        if spec is None:
            self.note_problem(f"{method} → unknown_method: Slack has no Web API method {method!r}")
            response = {"ok": False, "error": "unknown_method", "req_method": method}
            self._record(method, args, 404, response)
            return Answer.json(404, response)
        with self.lock:
            delay = self.faults.delay_for(method)
        if delay:
            time.sleep(delay)
        with self.lock:
            fault = self.faults.take(method, time.monotonic())
        if fault is not None and not fault.after_processing:
            return self._answer_fault(method, args, fault)
        with self.lock:
            response = self._checked_response(spec, token, args)
        if fault is not None:
            return self._answer_fault(method, args, fault)
        self._record(method, args, 200, response)
        return Answer.json(200, response)

    def _answer_fault(self, method: str, args: dict[str, Any], fault: Fault) -> Answer:
        """Answer with an injected failure instead of the real thing."""
        if fault.drop_connection:
            self._record(method, args, 0, {"dropped_connection": True})
            return Answer(0, drop_connection=True)
        if fault.status in _SERVER_ERROR_PAGES:
            page = _SERVER_ERROR_PAGES[fault.status]
            self._record(
                method, args, fault.status, {"ok": False, "error": fault.error, "body": page}
            )
            return Answer.text(fault.status, page, content_type="text/html; charset=utf-8")
        response = {"ok": False, "error": fault.error}
        headers = {}
        if fault.status == 429:
            headers["Retry-After"] = str(fault.retry_after if fault.retry_after is not None else 1)
        self._record(method, args, fault.status, response)
        return Answer.json(fault.status, response, headers)

    def _checked_response(
        self, spec: MethodSpec, token: str | None, args: dict[str, Any]
    ) -> dict[str, Any]:
        """Check token and arguments, then run the method; caller holds the lock."""
        violation: Violation | None = check_token(
            spec, token, self.token_kinds, self.granted_scopes
        )
        if violation is None:
            violation = check_arguments(spec, args)
        if violation is not None:
            self.note_problem(f"{spec.name} → {violation.error}: {violation.reason}")
            return _error_body(violation.error, violation.reason, violation.extra)
        if spec.name in self.stubs:
            return dict(self.stubs[spec.name])
        handler = HANDLERS.get(spec.name)
        if handler is None:
            reason = (
                f"{spec.name} is a real Slack method the stand-in does not simulate; "
                "add a handler in bot/standin/methods or use standin.stub()"
            )
            self.note_problem(reason)
            return _error_body("standin_not_implemented", reason)
        context = MethodContext(
            method=spec.name,
            args=args,
            workspace=self.workspace,
            base_url=self.base_url,
            note_problem=lambda problem: self.note_problem(f"{spec.name}: {problem}"),
            open_socket_url=self.open_socket_url,
            granted_scopes=self.granted_scopes,
        )
        try:
            return handler(context)
        except SlackError as error:
            if error.violation:
                self.note_problem(f"{spec.name} → {error.error}: {error.reason}")
            return _error_body(error.error, error.reason, error.extra)
        except Exception:  # a stand-in bug must fail the test loudly, not hang the client
            self.note_problem(f"stand-in crashed answering {spec.name}:\n{traceback.format_exc()}")
            return _error_body("fatal_error", "the stand-in crashed; see its problems")

    # -------------------------------------------------------------------------- uploads
    def answer_upload(self, file_id: str, content_type: str | None, body: bytes) -> Answer:
        """Accept the bytes of a file at the URL files.getUploadURLExternal handed out."""
        with self.lock:
            file = self.workspace.files.get(file_id)
            if file is None or file.completed:
                self.note_problem(
                    f"upload to {file_id}, which no files.getUploadURLExternal issued"
                )
                return Answer.text(404, "Not Found")
            content = body
            if media_type(content_type) == "multipart/form-data":
                fields = multipart_fields(content_type or "", body)
                raw = fields.get("file", fields.get("filename", b""))
                content = raw if isinstance(raw, bytes) else str(raw).encode("utf-8")
            if len(content) != file.length:
                self.note_problem(
                    f"upload of {file.filename!r} sent {len(content)} bytes but "
                    f"files.getUploadURLExternal announced length {file.length}"
                )
            file.content = content
        return Answer.text(200, f"OK - {len(content)}")

    # ------------------------------------------------------------------------ downloads
    def answer_file_download(self, path: str, authorization: str | None) -> Answer:
        """GET a shared file's url_private(_download): the bytes, only with the bot token.

        `path` is what follows /files-pri/, e.g. "T0001-F0A1B2/download/applicants.csv". Like
        Slack, a request without a valid token gets an HTML login page rather than the file.
        """
        team_and_file = path.split("/", 1)[0]
        file_id = team_and_file.rsplit("-", 1)[-1]
        token = _bearer(authorization)
        with self.lock:
            file = self.workspace.files.get(file_id)
            authorised = token is not None and self.token_kinds.get(token) == "bot"
            self.downloads.append(Download(file_id, authorised))
            if file is None or file.content is None or not file.completed:
                return Answer.text(404, "Not Found")
            if not authorised:
                return Answer.text(403, _LOGIN_PAGE, content_type="text/html; charset=utf-8")
            return Answer(200, file.content, content_type="application/octet-stream")

    # --------------------------------------------------------------------- response_url
    def answer_response_url(self, token: str, content_type: str | None, body: bytes) -> Answer:
        """Accept a post to a response_url: JSON, at most five uses, valid blocks."""
        url = f"{self.base_url}/response/{token}"
        with self.lock:
            entry = self.workspace.response_urls.get(token)
            if entry is None:
                self.note_problem(f"post to {url}, a response_url the stand-in never issued")
                return Answer.text(404, "no_service")
            if time.monotonic() - entry.created_at > RESPONSE_URL_LIFETIME_SECONDS:
                self.note_problem(f"post to {url} after its 30 minutes had passed")
                return Answer.json(404, {"ok": False, "error": "expired_url"})
            if entry.uses >= RESPONSE_URL_USES:
                self.note_problem(
                    f"response_url used a {entry.uses + 1}th time; Slack allows {RESPONSE_URL_USES}"
                )
                return Answer.json(404, {"ok": False, "error": "used_url"})
            try:
                payload = json.loads(body.decode("utf-8"))
            except ValueError:
                payload = None
            if media_type(content_type) != "application/json" or not isinstance(payload, dict):
                self.note_problem(
                    f"post to a response_url that is not a JSON object: {body!r:.200}"
                )
                return Answer.json(400, {"ok": False, "error": "invalid_payload"})
            refusal = self._response_refusal(payload)
            if refusal is not None:
                return refusal
            entry.uses += 1
        self.recorder.add_response(url, payload)
        return Answer.json(200, {"ok": True})

    def _response_refusal(self, payload: dict[str, Any]) -> Answer | None:
        """Check a response_url payload's blocks and text as Slack would."""
        blocks = payload.get("blocks")
        if blocks:
            rejection = check_message_blocks(blocks)
            if rejection is not None:
                self.note_problem(f"response_url → {rejection.error}: {rejection.reason}")
                return Answer.json(400, {"ok": False, "error": rejection.error})
            if not payload.get("text"):
                self.note_problem("response_url post has blocks without a fallback `text`")
        elif not any(payload.get(key) for key in ("text", "attachments", "delete_original")):
            self.note_problem("response_url post has neither text nor blocks")
            return Answer.json(400, {"ok": False, "error": "no_text"})
        return None

    # ---------------------------------------------------------------------- inspection
    def calls_json(self) -> Answer:
        """A read-only JSON view of the recorded calls and problems (GET /_standin/calls)."""
        calls = [_printable(asdict(call)) for call in self.recorder.calls]
        data = {"calls": calls, "problems": self.recorder.problems}
        return Answer(200, json.dumps(data, indent=2).encode("utf-8"))
