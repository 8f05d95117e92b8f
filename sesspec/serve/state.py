"""The local SES's account: identities, templates, configuration sets, sending and its counts.

:class:`SesState` answers the SES Classic operations an application uses, from the action and its
params as :func:`sesspec.query.unflatten` gives them, with the time passed in (``now``) and ids
drawn from an injected source of random bytes (``entropy``), so a run can be replayed. It returns a
:class:`Reply`: a result mapping shaped like the operation's output shape (for
:func:`sesspec.serve.responses.result_body`), or an :class:`~sesspec.serve.responses.SesError`, and
the ids of the messages it stored. Every method is thread-safe. The endpoint passes each request's
:class:`Origin` (its sequence number, bytes and the wire checker's findings), which every message
the call stores carries.

Modes. By default every address may send and receive, as on LocalStack (identities are verified
at once). ``sandbox=True`` applies the SES sandbox (QUOTAS; MODEL ``SendEmail`` docs): the sender
must be a verified identity and so must each recipient, except the mailbox simulator's
``@simulator.amazonses.com`` addresses; otherwise ``MessageRejected`` "Email address is not
verified. The following identities failed the check in region US-EAST-1: ..." (the text SES sends:
django-ses#120, LambdAuth#64, fluent-smtp#90, which lists a sender given with a display name both
as written and bare); a sandbox account may send 200 messages in 24 hours (``Throttling`` "Daily
message quota exceeded.") and reports that quota. ``auto_verify=False`` leaves new identities
``Pending`` until :meth:`SesState.set_verification_status` says otherwise. A verified domain covers
its addresses and subdomains; the local part of an address is compared with its case, the domain
without (RFC 5321 2.4; inference for SES).

What every mode checks, as SES does:

* at most 50 recipients across To, Cc and Bcc (MODEL: "The message may not include more than 50
  recipients"), else ``InvalidParameterValue`` "Recipient count exceeds 50."
  (doubleunion/arooo#243); no recipient at all is "Missing required header 'To'."
  (aristidb/aws#73);
* addresses, with JavaMail's ``InternetAddress`` messages that SES returns
  (``InvalidParameterValue``): "Missing final '@domain'" (cloud-custodian#885, boto#351),
  "Missing local name" (aws-lambda-ses-forwarder#103), "Missing domain" (brave/accounts#35),
  "Domain contains illegal character" (lambda-ses-forwarder#2), "Local address contains control
  or whitespace", "Domain ends with dot", "Illegal address" (docs/spec.md#resp-error-codes);
* message tags (LocalStack's snapshot tests recorded against SES on 2024-07-30): "The tag name
  must be specified.", "Tag name cannot exceed 255 characters.", "Invalid tag name <x>: only
  alphanumeric ASCII characters, '_',  '-' are allowed." (values also allow ``.`` and ``@``; the
  ``ses:`` name prefix is allowed);
* the configuration set named must exist: ``ConfigurationSetDoesNotExist`` "Configuration set <x>
  does not exist." (same snapshots); the template must exist: ``TemplateDoesNotExist``;
* a raw message is at most 10 MB (QUOTAS).

Templated sends render with :mod:`sesspec.serve.templates`. A template SES accepts but cannot
render (a missing attribute) is stored with status ``RenderingFailure`` and the reason, and the
call still returns a MessageId, as SES documents for SendTemplatedEmail ("Amazon SES accepts it
and returns a Message ID. However, if Amazon SES can't render the email ... it doesn't send the
email"). TestRenderTemplate answers the same failure with ``MissingRenderingAttribute``.

Counting (GetSendQuota, GetSendStatistics; MODEL): every recipient of an accepted, rendered message
counts once towards ``SentLast24Hours`` and the ``DeliveryAttempts`` of its 15-minute data point;
a rejected call or a rendering failure adds one to ``Rejects``. Data points cover the last 14 days.

Bounds: messages kept (``max_messages`` and ``max_bytes``, oldest dropped and counted:
:class:`Mailbox`), 10,000
identities and 10,000 configuration sets (SES quotas per region), 20,000 templates (SES developer
guide), 100 identities per GetIdentityVerificationAttributes (MODEL), pages of at most 1,000 (100
for ListTemplates, MODEL), and those of :mod:`sesspec.serve.templates`.

Persistence: with ``state_dir``, the account (identities, templates, configuration sets) is one
JSON file, ``account.json``, rewritten atomically after each change; the counts are
``counts.json``, written at most once a second while sending and by :meth:`SesState.flush`
(which the endpoint calls when it stops); each message is one file under ``messages/``
(:class:`~sesspec.serve.mailbox.DirectoryStore`). All are read back when a state is made on the
same folder; a file that cannot be read is named in ``load_notes`` and skipped.
"""

from __future__ import annotations

import base64
import binascii
import contextvars
import json
import os
import re
import threading
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sesspec.serve.mailbox import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_MESSAGES,
    MAX_RAW_BYTES,
    MAX_REQUEST_KEPT,
    DirectoryStore,
    Mailbox,
    Message,
    compose_mime,
    parse_mime,
    write_atomic,
)
from sesspec.serve.responses import SesError, invalid_parameter_value, missing_parameter
from sesspec.serve.templates import (
    MAX_TEMPLATE_DATA,
    MissingAttributeError,
    RenderedParts,
    RenderLimitError,
    TemplateDataError,
    TemplateError,
    TemplateSyntaxError,
    check_parts,
    merge_template_data,
    parse_template_data,
    render_parts,
)

__all__ = [
    "ACTIONS",
    "MAX_CONFIGURATION_SETS",
    "MAX_IDENTITIES",
    "MAX_RECIPIENTS",
    "MAX_TEMPLATES",
    "PRODUCTION_QUOTA",
    "SANDBOX_QUOTA",
    "STORING_ACTIONS",
    "Origin",
    "Reply",
    "SesState",
]


def __dir__() -> list[str]:
    return __all__


#: MODEL: "The message may not include more than 50 recipients"; 50 Destinations per bulk call.
MAX_RECIPIENTS = 50
#: SES quotas per region: verified identities, configuration sets; templates (developer guide).
MAX_IDENTITIES = 10_000
MAX_CONFIGURATION_SETS = 10_000
MAX_TEMPLATES = 20_000
#: QUOTAS: the sandbox sends 200 messages per 24 hours, 1 per second.
SANDBOX_QUOTA = (200.0, 1.0)
#: A production account's usual first quota (50,000 a day, 14 a second; inference).
PRODUCTION_QUOTA = (50000.0, 14.0)
#: The mailbox simulator's domain (SES developer guide): accepted as a sandbox recipient.
_SIMULATOR = "simulator.amazonses.com"
_BUCKET_SECONDS = 15 * 60
_SPAN_SECONDS = 14 * 24 * 3600
_DAY_SECONDS = 24 * 3600
_TAG_NAME = re.compile(r"[A-Za-z0-9_-]*")
_TAG_VALUE = re.compile(r"[A-Za-z0-9_.@-]*")
_CONFIG_SET_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
_DOMAIN = re.compile(
    r"(?=.{1,253}\Z)([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9-]+"
)
_SPECIALS = set('()<>,;:\\"[]@')
#: An address every check below passes (dot-atom local part and domain): the common case.
_PLAIN_ADDRESS = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
)
_VERIFICATION_STATUSES = ("Pending", "Success", "Failed", "TemporaryFailure", "NotStarted")


#: Action -> the :class:`SesState` method that answers it.
_HANDLERS = {
    "VerifyEmailIdentity": "_verify_email_identity",
    "VerifyEmailAddress": "_verify_email_address",
    "VerifyDomainIdentity": "_verify_domain_identity",
    "ListIdentities": "_list_identities",
    "GetIdentityVerificationAttributes": "_get_verification_attributes",
    "DeleteIdentity": "_delete_identity",
    "ListVerifiedEmailAddresses": "_list_verified_email_addresses",
    "DeleteVerifiedEmailAddress": "_delete_verified_email_address",
    "CreateTemplate": "_create_template",
    "UpdateTemplate": "_update_template",
    "GetTemplate": "_get_template",
    "DeleteTemplate": "_delete_template",
    "ListTemplates": "_list_templates",
    "TestRenderTemplate": "_test_render_template",
    "CreateConfigurationSet": "_create_configuration_set",
    "DeleteConfigurationSet": "_delete_configuration_set",
    "DescribeConfigurationSet": "_describe_configuration_set",
    "ListConfigurationSets": "_list_configuration_sets",
    "SendEmail": "_send_email",
    "SendRawEmail": "_send_raw_email",
    "SendTemplatedEmail": "_send_templated_email",
    "SendBulkTemplatedEmail": "_send_bulk_templated_email",
    "GetSendQuota": "_get_send_quota",
    "GetSendStatistics": "_get_send_statistics",
}
#: The actions :class:`SesState` answers.
ACTIONS = frozenset(_HANDLERS)
#: The actions that may store messages (whose :class:`Origin` the messages carry).
STORING_ACTIONS = frozenset(
    ("SendEmail", "SendRawEmail", "SendTemplatedEmail", "SendBulkTemplatedEmail")
)


@dataclass(frozen=True, slots=True)
class Reply:
    """What one call gives back: ``result`` (None for operations without output) or ``error``,
    and the ids of the messages stored (so the endpoint can attach the request's findings)."""

    result: dict[str, Any] | None = None
    error: SesError | None = None
    message_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Origin:
    """The request a call came in: its sequence number in the capture file, its bytes (head and
    body; a message keeps the head and at most :data:`~sesspec.serve.mailbox.MAX_REQUEST_KEPT`
    bytes of the body) and the wire checker's findings on it (``Finding.as_dict()`` each)."""

    seq: int = 0
    head: bytes = b""
    body: bytes = b""
    findings: tuple[Mapping[str, Any], ...] = ()

    def kept(self) -> bytes:
        return self.head + self.body[:MAX_REQUEST_KEPT]


#: The origin of the call being handled on this thread (set by :meth:`SesState.handle`).
_ORIGIN: contextvars.ContextVar[Origin | None] = contextvars.ContextVar(
    "sesspec_origin", default=None
)


class _RejectedError(Exception):
    """Internal: stop handling and answer ``error``."""

    def __init__(self, error: SesError) -> None:
        super().__init__(error.code)
        self.error = error


def _fail(code: str, message: str, status: int = 400) -> _RejectedError:
    return _RejectedError(SesError(code, message, status))


# --- addresses ---------------------------------------------------------------------------------


def _addr_spec(address: str) -> tuple[str, str | None]:
    """The bare address of ``address`` (``Name <a@b>`` or ``a@b``) and a JavaMail-style error."""
    if _PLAIN_ADDRESS.fullmatch(address):
        return address, None
    text = address.strip()
    if "<" in text or ">" in text:
        if text.count("<") != 1 or text.count(">") != 1 or not text.endswith(">"):
            return text, "Illegal address"
        text = text[text.index("<") + 1 : -1].strip()
    if not text.isascii():
        return text, "Illegal address"
    at = text.rfind("@")
    if at < 0:
        return text, "Missing final '@domain'"
    if at == 0:
        return text, "Missing local name"
    if at == len(text) - 1:
        return text, "Missing domain"
    local, domain = text[:at], text[at + 1 :]
    quoted = local.startswith('"') and local.endswith('"') and len(local) > 1
    problem = None if quoted else _part_problem(local, "Local address")
    if problem is None and not (domain.startswith("[") and domain.endswith("]")):
        problem = _part_problem(domain, "Domain")
    return text, problem


def _part_problem(part: str, label: str) -> str | None:
    """JavaMail's checks of a local part or a domain, in its order and words."""
    if any(ord(c) <= 0x20 or ord(c) == 0x7F for c in part):
        return f"{label} contains control or whitespace"
    if any(c in _SPECIALS for c in part):
        return f"{label} contains illegal character"
    if part.startswith("."):
        return f"{label} starts with dot"
    if part.endswith("."):
        return f"{label} ends with dot"
    if ".." in part:
        return f"{label} contains dot-dot"
    return None


def _checked_address(address: str) -> str:
    bare, problem = _addr_spec(address)
    if problem is not None:
        raise _RejectedError(invalid_parameter_value(problem))
    return bare


def _identity_key(identity: str) -> str:
    """Domains compare without case; an address keeps its local part's case (RFC 5321 2.4)."""
    local, at, domain = identity.rpartition("@")
    return f"{local}@{domain.lower()}" if at else identity.lower()


# --- parameters --------------------------------------------------------------------------------


def _text(params: Mapping[str, Any], name: str, *, required: bool = True) -> str | None:
    value = params.get(name)
    if value is None or value == "":
        if required:
            raise _RejectedError(missing_parameter(name))
        return None
    if not isinstance(value, str):
        raise _RejectedError(invalid_parameter_value(f"{name} must be a string"))
    return value


def _list(params: Mapping[str, Any], name: str) -> list[Any]:
    value = params.get(name)
    if value is None:
        return []
    if not isinstance(value, list):
        raise _RejectedError(invalid_parameter_value(f"{name} must be a list"))
    return value


def _mapping(params: Mapping[str, Any], name: str, *, required: bool = True) -> Mapping[str, Any]:
    value = params.get(name)
    if value is None:
        if required:
            raise _RejectedError(missing_parameter(name))
        return {}
    if not isinstance(value, Mapping):
        raise _RejectedError(invalid_parameter_value(f"{name} must be a structure"))
    return value


def _tags(items: Sequence[Any]) -> tuple[tuple[str, str], ...]:
    """Message tags, checked as SES checks them (LocalStack's SES-recorded snapshots)."""
    tags = []
    for item in items:
        name = item.get("Name") if isinstance(item, Mapping) else None
        value = item.get("Value") if isinstance(item, Mapping) else None
        if not name:
            raise _RejectedError(invalid_parameter_value("The tag name must be specified."))
        if value is None or value == "":
            raise _RejectedError(invalid_parameter_value("The tag value must be specified."))
        name, value = str(name), str(value)
        if len(name) > 255:
            raise _RejectedError(invalid_parameter_value("Tag name cannot exceed 255 characters."))
        if not _TAG_NAME.fullmatch(name.removeprefix("ses:")):
            raise _RejectedError(
                invalid_parameter_value(
                    f"Invalid tag name <{name}>: only alphanumeric ASCII characters, '_',  '-' "
                    "are allowed."
                )
            )
        if len(value) > 255:
            raise _RejectedError(invalid_parameter_value("Tag value cannot exceed 255 characters."))
        if not _TAG_VALUE.fullmatch(value):
            raise _RejectedError(
                invalid_parameter_value(
                    f"Invalid tag value <{value}>: only alphanumeric ASCII characters, '_',  '-' "
                    ", '.', '@' are allowed."
                )
            )
        tags.append((name, value))
    return tuple(tags)


def _page(
    names: Sequence[str], params: Mapping[str, Any], *, kind: str, default: int, most: int
) -> tuple[list[str], str | None]:
    """One page of ``names`` by ``MaxItems``/``NextToken`` (an opaque offset for ``kind``)."""
    size = params.get("MaxItems")
    if size is None:
        size = default
    if not isinstance(size, int) or size < 1:
        raise _RejectedError(invalid_parameter_value(f"MaxItems must be at least 1: {size!r}"))
    size = min(size, most)
    start = 0
    token = params.get("NextToken")
    if token:
        try:
            tag, _, offset = base64.b64decode(str(token), validate=True).decode().partition(":")
            start = int(offset)
        except (binascii.Error, UnicodeDecodeError, ValueError):
            tag, start = "", -1
        if tag != kind or start < 0:
            raise _RejectedError(invalid_parameter_value("Invalid NextToken."))
    page = list(names[start : start + size])
    more = start + size < len(names)
    next_token = base64.b64encode(f"{kind}:{start + size}".encode()).decode() if more else None
    return page, next_token


def _paged(result: dict[str, Any], token: str | None) -> dict[str, Any]:
    if token is not None:
        result["NextToken"] = token
    return result


# --- records -----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Identity:
    name: str
    kind: str  # EmailAddress | Domain
    status: str
    token: str | None = None


@dataclass(frozen=True, slots=True)
class _Template:
    name: str
    subject: str | None
    text: str | None
    html: str | None
    created: datetime

    def as_output(self) -> dict[str, Any]:
        out: dict[str, Any] = {"TemplateName": self.name}
        for key, value in (
            ("SubjectPart", self.subject),
            ("TextPart", self.text),
            ("HtmlPart", self.html),
        ):
            if value is not None:
                out[key] = value
        return out


@dataclass(slots=True)
class _Counts:
    """Sending counts: 15-minute data points (keyed by their start in epoch seconds) and a
    per-second window for the last 24 hours."""

    points: dict[int, list[int]] = field(default_factory=dict)
    recent: deque[tuple[int, int]] = field(default_factory=deque)

    @staticmethod
    def _seconds(now: datetime) -> int:
        return int(now.timestamp())

    def _point(self, second: int) -> list[int]:
        start = second - second % _BUCKET_SECONDS
        point = self.points.get(start)
        if point is None:
            point = self.points[start] = [0, 0, 0, 0]
        return point

    def sent(self, now: datetime, recipients: int) -> None:
        second = self._seconds(now)
        self._point(second)[0] += recipients
        if self.recent and self.recent[-1][0] == second:
            self.recent[-1] = (second, self.recent[-1][1] + recipients)
        else:
            self.recent.append((second, recipients))
        self._prune(second)

    def rejected(self, now: datetime) -> None:
        second = self._seconds(now)
        self._point(second)[3] += 1
        self._prune(second)

    def _prune(self, second: int, *, full: bool = False) -> None:
        """Drop what fell out of the windows; on a send, only when the first data point is
        old (points are made in time order), else (``full``) by looking at every point."""
        while self.recent and self.recent[0][0] <= second - _DAY_SECONDS:
            self.recent.popleft()
        cutoff = second - _SPAN_SECONDS - _BUCKET_SECONDS
        oldest = next(iter(self.points), None)
        if full or (oldest is not None and oldest <= cutoff):
            for start in [s for s in self.points if s <= cutoff]:
                del self.points[start]

    def prune(self, now: datetime) -> None:
        self._prune(self._seconds(now), full=True)

    def last_24_hours(self, now: datetime) -> int:
        second = self._seconds(now)
        return sum(n for when, n in self.recent if second - _DAY_SECONDS < when <= second)


# --- the state ---------------------------------------------------------------------------------


class SesState:
    """One SES account in one region (see the module docstring)."""

    def __init__(
        self,
        *,
        sandbox: bool = False,
        auto_verify: bool = True,
        region: str = "us-east-1",
        max_messages: int = DEFAULT_MAX_MESSAGES,
        max_bytes: int = DEFAULT_MAX_BYTES,
        state_dir: str | os.PathLike[str] | None = None,
        entropy: Callable[[int], bytes] = os.urandom,
        escape_html: bool = False,
    ) -> None:
        self.sandbox = sandbox
        self.auto_verify = auto_verify
        self.region = region
        self.escape_html = escape_html
        self._entropy = entropy
        self._lock = threading.RLock()
        self._identities: dict[str, _Identity] = {}
        self._templates: dict[str, _Template] = {}
        self._config_sets: dict[str, datetime] = {}
        self._counts = _Counts()
        self._counts_written = -1
        self._counts_dirty = False
        self._state_dir = None if state_dir is None else Path(state_dir)
        store = None
        if self._state_dir is not None:
            self._state_dir.mkdir(parents=True, exist_ok=True)
            store = DirectoryStore(self._state_dir / "messages")
        self.mailbox = Mailbox(max_messages=max_messages, max_bytes=max_bytes, store=store)
        #: Notes on files under ``state_dir`` that could not be read back.
        self.load_notes: list[str] = []
        if self._state_dir is not None:
            self._load()
            self.load_notes += self.mailbox.load()
        self._handlers: dict[str, Callable[[Mapping[str, Any], datetime], Reply]] = {
            action: getattr(self, method) for action, method in _HANDLERS.items()
        }

    # -- entry point ---------------------------------------------------------------------------

    def handles(self, action: str) -> bool:
        """Whether ``action`` is one this state answers (others keep the canned answer)."""
        return action in self._handlers

    def handle(
        self,
        action: str,
        params: Mapping[str, Any],
        *,
        now: datetime,
        origin: Origin | None = None,
    ) -> Reply:
        """Answer ``action`` with ``params`` (as :func:`sesspec.query.unflatten` gives them).

        ``now`` must be timezone-aware; ``origin``, when given, is the request the call came in,
        which every message stored by the call carries. ``KeyError`` for an action
        :meth:`handles` refuses.
        """
        handler = self._handlers[action]
        if now.tzinfo is None:
            msg = "now must be timezone-aware"
            raise ValueError(msg)
        token = _ORIGIN.set(origin)
        try:
            return handler(params, now.astimezone(UTC))
        except _RejectedError as rejected:
            if action.startswith("Send"):
                with self._lock:
                    self._counts.rejected(now.astimezone(UTC))
                    self._save_counts(now)
            return Reply(error=rejected.error)
        finally:
            _ORIGIN.reset(token)

    # -- Python side (fixture, UI) -------------------------------------------------------------

    def set_verification_status(self, identity: str, status: str = "Success") -> None:
        """Set an identity's verification status, adding it when new (for tests and the UI)."""
        if status not in _VERIFICATION_STATUSES:
            msg = f"not a verification status: {status!r}"
            raise ValueError(msg)
        with self._lock:
            key = _identity_key(identity)
            record = self._identities.get(key)
            if record is None:
                kind = "EmailAddress" if "@" in identity else "Domain"
                token = self._token() if kind == "Domain" else None
                name = identity if kind == "EmailAddress" else identity.lower()
                record = self._identities[key] = _Identity(name, kind, status, token)
            record.status = status
            self._save()

    def reset(self) -> None:
        """Forget everything: identities, templates, configuration sets, counts and messages."""
        with self._lock:
            self._identities.clear()
            self._templates.clear()
            self._config_sets.clear()
            self._counts = _Counts()
            self._save()
            self._save_counts(None)
        self.mailbox.clear()

    def flush(self) -> None:
        """Write the counts now (they are written at most once a second while sending); the
        endpoint calls this when it stops. Nothing to do without ``state_dir``."""
        with self._lock:
            if self._counts_dirty:
                self._save_counts(None)

    # -- ids -----------------------------------------------------------------------------------

    def _token(self) -> str:
        """A domain verification token: 32 random bytes in base64, 44 characters, as SES's."""
        return base64.b64encode(self._entropy(32)).decode("ascii")

    def _message_id(self, now: datetime) -> str:
        """SES's form: 0100 + 12 hex digits of epoch milliseconds, a UUID, ``-000000``."""
        raw = self._entropy(16).hex()
        millis = int(now.timestamp() * 1000)
        uuid = f"{raw[:8]}-{raw[8:12]}-{raw[12:16]}-{raw[16:20]}-{raw[20:32]}"
        return f"0100{millis:012x}-{uuid}-000000"

    def _boundary(self, text: str | None, html: str | None) -> str:
        """A multipart boundary when the message has both parts (none is needed otherwise)."""
        if text is None or html is None:
            return ""
        return f"----=_Part_{self._entropy(8).hex()}"

    # -- persistence ---------------------------------------------------------------------------

    def _save(self) -> None:
        """Rewrite ``account.json`` (called with the lock held)."""
        if self._state_dir is None:
            return
        data = {
            "version": 1,
            "identities": [
                {"name": i.name, "kind": i.kind, "status": i.status, "token": i.token}
                for i in self._identities.values()
            ],
            "templates": [
                {
                    "name": t.name,
                    "subject": t.subject,
                    "text": t.text,
                    "html": t.html,
                    "created": t.created.isoformat(),
                }
                for t in self._templates.values()
            ],
            "configuration_sets": [
                {"name": n, "created": c.isoformat()} for n, c in self._config_sets.items()
            ],
        }
        write_atomic(self._state_dir / "account.json", json.dumps(data).encode("utf-8"))

    def _save_counts(self, now: datetime | None) -> None:
        """Rewrite ``counts.json`` (lock held): at once when ``now`` is None, else only when the
        second changed since the last write, so that a burst of sends writes it once a second."""
        if self._state_dir is None:
            return
        if now is not None:
            second = int(now.timestamp())
            if second == self._counts_written:
                self._counts_dirty = True
                return
            self._counts_written = second
        self._counts_dirty = False
        data = {
            "version": 1,
            "points": [[s, *c] for s, c in self._counts.points.items()],
            "recent": [[s, n] for s, n in self._counts.recent],
            "dropped": self.mailbox.dropped,
        }
        write_atomic(self._state_dir / "counts.json", json.dumps(data).encode("utf-8"))

    def _load(self) -> None:
        assert self._state_dir is not None
        self._load_counts()
        path = self._state_dir / "account.json"
        if not path.exists():
            return
        try:
            data = json.loads(path.read_bytes())
            for i in data["identities"]:
                identity = _Identity(str(i["name"]), str(i["kind"]), str(i["status"]), i["token"])
                self._identities[_identity_key(identity.name)] = identity
            for t in data["templates"]:
                created = datetime.fromisoformat(t["created"])
                self._templates[t["name"]] = _Template(
                    t["name"], t["subject"], t["text"], t["html"], created
                )
            for c in data["configuration_sets"]:
                self._config_sets[str(c["name"])] = datetime.fromisoformat(c["created"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            self.load_notes.append(f"account.json: {type(exc).__name__}: {exc}")

    def _load_counts(self) -> None:
        assert self._state_dir is not None
        path = self._state_dir / "counts.json"
        if not path.exists():
            return
        try:
            data = json.loads(path.read_bytes())
            for start, *counts in data["points"]:
                self._counts.points[int(start)] = [int(n) for n in counts]
            for when, n in data["recent"]:
                self._counts.recent.append((int(when), int(n)))
            self.mailbox.dropped = int(data["dropped"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            self.load_notes.append(f"counts.json: {type(exc).__name__}: {exc}")

    # -- identities ----------------------------------------------------------------------------

    def _add_identity(self, name: str, kind: str) -> _Identity:
        key = _identity_key(name)
        with self._lock:
            record = self._identities.get(key)
            if record is None:
                if len(self._identities) >= MAX_IDENTITIES:
                    raise _fail(
                        "LimitExceeded", f"Maximum number of identities ({MAX_IDENTITIES}) reached."
                    )
                status = "Success" if self.auto_verify else "Pending"
                token = self._token() if kind == "Domain" else None
                record = self._identities[key] = _Identity(name, kind, status, token)
                self._save()
            return record

    def _email_identity(self, params: Mapping[str, Any]) -> str:
        address = _text(params, "EmailAddress")
        assert address is not None
        bare, problem = _addr_spec(address)
        if problem is not None or bare != address.strip():
            raise _RejectedError(invalid_parameter_value(f"Invalid email address <{address}>."))
        return bare

    def _verify_email_identity(self, params: Mapping[str, Any], now: datetime) -> Reply:  # noqa: ARG002
        self._add_identity(self._email_identity(params), "EmailAddress")
        return Reply(result={})

    def _verify_email_address(self, params: Mapping[str, Any], now: datetime) -> Reply:  # noqa: ARG002
        self._add_identity(self._email_identity(params), "EmailAddress")
        return Reply(result=None)

    def _verify_domain_identity(self, params: Mapping[str, Any], now: datetime) -> Reply:  # noqa: ARG002
        domain = _text(params, "Domain")
        assert domain is not None
        if not _DOMAIN.fullmatch(domain) or "." not in domain.strip("."):
            raise _RejectedError(invalid_parameter_value(f"Invalid domain name <{domain}>."))
        record = self._add_identity(domain.lower(), "Domain")
        return Reply(result={"VerificationToken": record.token})

    def _list_identities(self, params: Mapping[str, Any], now: datetime) -> Reply:  # noqa: ARG002
        kind = params.get("IdentityType")
        if kind is not None and kind not in ("EmailAddress", "Domain"):
            raise _fail(
                "ValidationError",
                f"1 validation error detected: Value '{kind}' at 'identityType' failed to satisfy "
                "constraint: Member must satisfy enum value set: [Domain, EmailAddress]",
            )
        with self._lock:
            names = [i.name for i in self._identities.values() if kind in (None, i.kind)]
        page, token = _page(names, params, kind=f"identities/{kind}", default=1000, most=1000)
        return Reply(result=_paged({"Identities": page}, token))

    def _get_verification_attributes(self, params: Mapping[str, Any], now: datetime) -> Reply:  # noqa: ARG002
        identities = _list(params, "Identities")
        if len(identities) > 100:
            raise _RejectedError(
                invalid_parameter_value("At most 100 identities can be asked for at a time.")
            )
        found: dict[str, Any] = {}
        with self._lock:
            for identity in identities:
                record = self._identities.get(_identity_key(str(identity)))
                if record is not None:
                    attributes: dict[str, Any] = {"VerificationStatus": record.status}
                    if record.token is not None:
                        attributes["VerificationToken"] = record.token
                    found[str(identity)] = attributes
        return Reply(result={"VerificationAttributes": found})

    def _remove_identity(self, name: str) -> None:
        with self._lock:
            if self._identities.pop(_identity_key(name), None) is not None:
                self._save()

    def _delete_identity(self, params: Mapping[str, Any], now: datetime) -> Reply:  # noqa: ARG002
        identity = _text(params, "Identity")
        assert identity is not None
        self._remove_identity(identity)
        return Reply(result={})

    def _list_verified_email_addresses(self, params: Mapping[str, Any], now: datetime) -> Reply:  # noqa: ARG002
        with self._lock:
            addresses = [
                i.name
                for i in self._identities.values()
                if i.kind == "EmailAddress" and i.status == "Success"
            ]
        return Reply(result={"VerifiedEmailAddresses": addresses})

    def _delete_verified_email_address(self, params: Mapping[str, Any], now: datetime) -> Reply:  # noqa: ARG002
        address = _text(params, "EmailAddress")
        assert address is not None
        self._remove_identity(address)
        return Reply(result=None)

    def _verified(self, address: str) -> bool:
        """Whether ``address`` (bare) may send or receive: its own identity or a domain above it."""
        record = self._identities.get(_identity_key(address))
        if record is not None and record.status == "Success":
            return True
        domain = address.rpartition("@")[2].lower()
        labels = domain.split(".")
        for i in range(len(labels) - 1):
            record = self._identities.get(".".join(labels[i:]))
            if record is not None and record.kind == "Domain" and record.status == "Success":
                return True
        return False

    # -- templates -----------------------------------------------------------------------------

    def _template_input(
        self, params: Mapping[str, Any]
    ) -> tuple[str, str | None, str | None, str | None]:
        template = _mapping(params, "Template")
        name = _text(template, "TemplateName")
        assert name is not None
        parts = [template.get(k) for k in ("SubjectPart", "TextPart", "HtmlPart")]
        if any(p is not None and not isinstance(p, str) for p in parts):
            raise _RejectedError(invalid_parameter_value("Template parts must be strings"))
        subject, text, html = parts
        try:
            check_parts(subject, text, html)
        except TemplateSyntaxError as exc:
            raise _fail("InvalidTemplate", f"Invalid template {name}: {exc}") from None
        return name, subject, text, html

    def _create_template(self, params: Mapping[str, Any], now: datetime) -> Reply:
        name, subject, text, html = self._template_input(params)
        with self._lock:
            if name in self._templates:
                raise _fail("AlreadyExists", f"Template {name} already exists.")
            if len(self._templates) >= MAX_TEMPLATES:
                raise _fail("LimitExceeded", f"Maximum number of templates ({MAX_TEMPLATES}).")
            self._templates[name] = _Template(name, subject, text, html, now)
            self._save()
        return Reply(result={})

    def _update_template(self, params: Mapping[str, Any], now: datetime) -> Reply:  # noqa: ARG002
        name, subject, text, html = self._template_input(params)
        with self._lock:
            old = self._templates.get(name)
            if old is None:
                raise _fail("TemplateDoesNotExist", f"Template {name} does not exist.")
            self._templates[name] = _Template(name, subject, text, html, old.created)
            self._save()
        return Reply(result={})

    def _template(self, name: str | None) -> _Template:
        with self._lock:
            template = self._templates.get(name or "")
        if template is None:
            raise _fail("TemplateDoesNotExist", f"Template {name} does not exist.")
        return template

    def _get_template(self, params: Mapping[str, Any], now: datetime) -> Reply:  # noqa: ARG002
        template = self._template(_text(params, "TemplateName"))
        return Reply(result={"Template": template.as_output()})

    def _delete_template(self, params: Mapping[str, Any], now: datetime) -> Reply:  # noqa: ARG002
        name = _text(params, "TemplateName")
        with self._lock:
            if self._templates.pop(name or "", None) is not None:
                self._save()
        return Reply(result={})

    def _list_templates(self, params: Mapping[str, Any], now: datetime) -> Reply:  # noqa: ARG002
        with self._lock:
            created = {t.name: t.created for t in self._templates.values()}
        page, token = _page(list(created), params, kind="templates", default=10, most=100)
        metadata = [{"Name": n, "CreatedTimestamp": created[n]} for n in page]
        return Reply(result=_paged({"TemplatesMetadata": metadata}, token))

    def _render(self, template: _Template, data: Mapping[str, Any]) -> RenderedParts:
        return render_parts(
            template.subject, template.text, template.html, data, escape_html=self.escape_html
        )

    def _test_render_template(self, params: Mapping[str, Any], now: datetime) -> Reply:
        template = self._template(_text(params, "TemplateName"))
        raw_data = _text(params, "TemplateData")
        assert raw_data is not None
        try:
            parts = self._render(template, parse_template_data(raw_data))
        except MissingAttributeError as exc:
            raise _fail("MissingRenderingAttribute", exc.message) from None
        except (TemplateDataError, RenderLimitError) as exc:
            raise _fail("InvalidRenderingParameter", exc.message) from None
        except TemplateError as exc:
            raise _fail("InvalidTemplate", exc.message) from None
        mime, _ = compose_mime(
            subject=parts.subject,
            text=parts.text,
            html=parts.html,
            date=now,
            boundary=self._boundary(parts.text, parts.html),
        )
        return Reply(result={"RenderedTemplate": mime.decode("utf-8")})

    # -- configuration sets --------------------------------------------------------------------

    def _create_configuration_set(self, params: Mapping[str, Any], now: datetime) -> Reply:
        name = _text(_mapping(params, "ConfigurationSet"), "Name")
        assert name is not None
        if not _CONFIG_SET_NAME.fullmatch(name):
            raise _fail(
                "InvalidConfigurationSet",
                f"Configuration set name <{name}> is invalid: use at most 64 letters, numbers, "
                "underscores or dashes.",
            )
        with self._lock:
            if name in self._config_sets:
                raise _fail(
                    "ConfigurationSetAlreadyExists", f"Configuration set <{name}> already exists."
                )
            if len(self._config_sets) >= MAX_CONFIGURATION_SETS:
                raise _fail(
                    "LimitExceeded",
                    f"Maximum number of configuration sets ({MAX_CONFIGURATION_SETS}).",
                )
            self._config_sets[name] = now
            self._save()
        return Reply(result={})

    def _config_set(self, name: str | None) -> None:
        with self._lock:
            known = name in self._config_sets
        if not known:
            raise _fail(
                "ConfigurationSetDoesNotExist", f"Configuration set <{name}> does not exist."
            )

    def _delete_configuration_set(self, params: Mapping[str, Any], now: datetime) -> Reply:  # noqa: ARG002
        name = _text(params, "ConfigurationSetName")
        with self._lock:
            self._config_set(name)
            del self._config_sets[name or ""]
            self._save()
        return Reply(result={})

    def _describe_configuration_set(self, params: Mapping[str, Any], now: datetime) -> Reply:  # noqa: ARG002
        name = _text(params, "ConfigurationSetName")
        self._config_set(name)
        result: dict[str, Any] = {"ConfigurationSet": {"Name": name}}
        attributes = _list(params, "ConfigurationSetAttributeNames")
        if "eventDestinations" in attributes:
            result["EventDestinations"] = []
        if "deliveryOptions" in attributes:
            result["DeliveryOptions"] = {"TlsPolicy": "Optional"}
        if "reputationOptions" in attributes:
            result["ReputationOptions"] = {
                "SendingEnabled": True,
                "ReputationMetricsEnabled": False,
            }
        return Reply(result=result)

    def _list_configuration_sets(self, params: Mapping[str, Any], now: datetime) -> Reply:  # noqa: ARG002
        with self._lock:
            names = list(self._config_sets)
        page, token = _page(names, params, kind="configuration-sets", default=1000, most=1000)
        return Reply(result=_paged({"ConfigurationSets": [{"Name": n} for n in page]}, token))

    # -- sending -------------------------------------------------------------------------------

    def _quota(self) -> tuple[float, float]:
        return SANDBOX_QUOTA if self.sandbox else PRODUCTION_QUOTA

    def _destination(self, destination: Mapping[str, Any]) -> tuple[list[str], ...]:
        return tuple(
            [str(a) for a in _list(destination, key)]
            for key in ("ToAddresses", "CcAddresses", "BccAddresses")
        )

    def _check_recipients(self, recipients: Sequence[str]) -> list[str]:
        """Bare recipient addresses, after the syntax and count checks every mode makes."""
        bare = [_checked_address(r) for r in recipients]
        if not bare:
            raise _RejectedError(invalid_parameter_value("Missing required header 'To'."))
        if len(bare) > MAX_RECIPIENTS:
            raise _RejectedError(
                invalid_parameter_value(f"Recipient count exceeds {MAX_RECIPIENTS}.")
            )
        return bare

    def _sandbox_check(self, source: str | None, recipients: Sequence[str]) -> None:
        """``MessageRejected`` naming every unverified identity (sandbox only; lock held)."""
        if not self.sandbox:
            return
        failed: list[str] = []
        if source is not None:
            bare = _addr_spec(source)[0]
            if not self._verified(bare):
                failed.append(source.strip())
                if bare != source.strip():
                    failed.append(bare)
        for recipient in recipients:
            domain = recipient.rpartition("@")[2].lower()
            if domain != _SIMULATOR and not self._verified(recipient) and recipient not in failed:
                failed.append(recipient)
        if failed:
            raise _fail(
                "MessageRejected",
                "Email address is not verified. The following identities failed the check in "
                f"region {self.region.upper()}: {', '.join(failed)}",
            )

    def _quota_check(self, now: datetime, recipients: int) -> None:
        """The sandbox's 24-hour quota (lock held)."""
        if self.sandbox:
            limit = int(self._quota()[0])
            if self._counts.last_24_hours(now) + recipients > limit:
                raise _fail("Throttling", "Daily message quota exceeded.")

    def _sender(self, params: Mapping[str, Any]) -> tuple[str, list[str]]:
        """The checked Source and ReplyToAddresses of a send."""
        source = _text(params, "Source")
        assert source is not None
        _checked_address(source)
        reply_to = [str(a) for a in _list(params, "ReplyToAddresses")]
        for address in reply_to:
            _checked_address(address)
        return source, reply_to

    def _common(self, params: Mapping[str, Any]) -> tuple[tuple[tuple[str, str], ...], str | None]:
        tags = _tags(_list(params, "Tags"))
        config_set = _text(params, "ConfigurationSetName", required=False)
        if config_set is not None:
            self._config_set(config_set)
        return tags, config_set

    def _store(self, message: Message, now: datetime, recipients: int) -> None:
        """Count and keep one accepted message; the quota is checked again with the count, under
        one lock, so that concurrent sends cannot pass it together."""
        origin = _ORIGIN.get()
        if origin is not None:
            message.findings = [dict(f) for f in origin.findings]
            message.request = origin.kept()
            message.request_seq = origin.seq
        with self._lock:
            if message.status == "Sent":
                self._quota_check(now, recipients)
                self._counts.sent(now, recipients)
            else:
                self._counts.rejected(now)
            self._save_counts(now)
        self.mailbox.add(message)

    def _send_email(self, params: Mapping[str, Any], now: datetime) -> Reply:
        tags, config_set = self._common(params)
        source, reply_to = self._sender(params)
        to, cc, bcc = self._destination(_mapping(params, "Destination"))
        return_path = _text(params, "ReturnPath", required=False)
        if return_path is not None:
            _checked_address(return_path)
        recipients = self._check_recipients(to + cc + bcc)
        message_in = _mapping(params, "Message")
        subject = _mapping(message_in, "Subject")
        body = _mapping(message_in, "Body")
        text_part = _mapping(body, "Text", required=False)
        html_part = _mapping(body, "Html", required=False)
        with self._lock:
            self._sandbox_check(source, recipients)
            self._quota_check(now, len(recipients))
        message_id = self._message_id(now)
        subject_text = _text(subject, "Data", required=False) or ""
        text = (_text(text_part, "Data", required=False) or "") if text_part else None
        html = (_text(html_part, "Data", required=False) or "") if html_part else None
        raw, headers = compose_mime(
            subject=subject_text,
            text=text,
            html=html,
            date=now,
            message_id=message_id,
            boundary=self._boundary(text, html),
            source=source,
            to=to,
            cc=cc,
            reply_to=reply_to,
            subject_charset=_text(subject, "Charset", required=False),
            text_charset=_text(text_part, "Charset", required=False),
            html_charset=_text(html_part, "Charset", required=False),
        )
        message = Message(
            id=message_id,
            timestamp=now,
            action="SendEmail",
            region=self.region,
            source=source,
            to=tuple(to),
            cc=tuple(cc),
            bcc=tuple(bcc),
            raw=raw,
            subject=subject_text,
            text=text,
            html=html,
            reply_to=tuple(reply_to),
            headers=headers,
            tags=tags,
            configuration_set=config_set,
        )
        self._store(message, now, len(recipients))
        return Reply(result={"MessageId": message_id}, message_ids=(message_id,))

    def _send_raw_email(self, params: Mapping[str, Any], now: datetime) -> Reply:
        raw_message = _mapping(params, "RawMessage")
        data = raw_message.get("Data")
        if not isinstance(data, bytes | bytearray) or not data:
            raise _RejectedError(missing_parameter("RawMessage.Data"))
        raw = bytes(data)
        if len(raw) > MAX_RAW_BYTES:
            raise _RejectedError(
                invalid_parameter_value(
                    f"Message length is more than {MAX_RAW_BYTES} bytes long: '{len(raw)}'."
                )
            )
        tags, config_set = self._common(params)
        parsed = parse_mime(raw)
        if config_set is None:
            header_set = parsed.header("X-SES-CONFIGURATION-SET")
            if header_set:
                config_set = header_set.strip()
                self._config_set(config_set)
        source = _text(params, "Source", required=False)
        if source is None:
            source = parsed.header("From")
        if not source:
            raise _RejectedError(invalid_parameter_value("Missing final '@domain'"))
        _checked_address(source)
        destinations = [str(a) for a in _list(params, "Destinations")]
        if destinations:
            bare = {_addr_spec(d)[0].lower(): d for d in destinations}
            to = [bare.pop(a.lower()) for a in parsed.to if a.lower() in bare]
            cc = [bare.pop(a.lower()) for a in parsed.cc if a.lower() in bare]
            bcc = list(bare.values())
        else:
            to, cc, bcc = list(parsed.to), list(parsed.cc), list(parsed.bcc)
        recipients = self._check_recipients(to + cc + bcc)
        with self._lock:
            self._sandbox_check(source, recipients)
            self._quota_check(now, len(recipients))
        message_id = self._message_id(now)
        message = Message(
            id=message_id,
            timestamp=now,
            action="SendRawEmail",
            region=self.region,
            source=source,
            to=tuple(to),
            cc=tuple(cc),
            bcc=tuple(bcc),
            raw=raw,
            subject=parsed.subject,
            text=parsed.text,
            html=parsed.html,
            reply_to=parsed.reply_to,
            headers=parsed.headers,
            attachments=parsed.attachments,
            tags=tags,
            configuration_set=config_set,
            notes=parsed.notes,
        )
        self._store(message, now, len(recipients))
        return Reply(result={"MessageId": message_id}, message_ids=(message_id,))

    def _template_data(self, params: Mapping[str, Any], name: str) -> tuple[str, dict[str, Any]]:
        text = _text(params, name)
        assert text is not None
        if len(text) > MAX_TEMPLATE_DATA:
            raise _fail(
                "ValidationError",
                f"1 validation error detected: Value at '{name[0].lower() + name[1:]}' failed to "
                f"satisfy constraint: Member must have length less than or equal to "
                f"{MAX_TEMPLATE_DATA}",
            )
        try:
            return text, parse_template_data(text)
        except TemplateDataError as exc:
            raise _RejectedError(invalid_parameter_value(exc.message)) from None

    def _deliver_templated(
        self,
        *,
        template: _Template,
        data: tuple[str, Mapping[str, Any]],
        sender: tuple[str, Sequence[str]],
        destination: tuple[list[str], ...],
        recipients: Sequence[str],
        tags: tuple[tuple[str, str], ...],
        config_set: str | None,
        now: datetime,
        action: str,
        check_source: bool = True,
    ) -> Message:
        """Check the sandbox and quota, render and compose one templated message, keep it
        (status RenderingFailure when it cannot be rendered)."""
        source, reply_to = sender
        data_text, values = data
        with self._lock:
            self._sandbox_check(source if check_source else None, recipients)
            self._quota_check(now, len(recipients))
        to, cc, bcc = destination
        message_id = self._message_id(now)
        status, failure = "Sent", None
        try:
            parts = self._render(template, values)
        except TemplateError as exc:
            status, failure = "RenderingFailure", exc.message
            parts = RenderedParts("", None, None)
        raw, headers = compose_mime(
            subject=parts.subject,
            text=parts.text,
            html=parts.html,
            date=now,
            message_id=message_id,
            boundary=self._boundary(parts.text, parts.html),
            source=source,
            to=to,
            cc=cc,
            reply_to=reply_to,
        )
        message = Message(
            id=message_id,
            timestamp=now,
            action=action,
            region=self.region,
            source=source,
            to=tuple(to),
            cc=tuple(cc),
            bcc=tuple(bcc),
            raw=raw,
            subject=parts.subject if status == "Sent" else None,
            text=parts.text,
            html=parts.html,
            reply_to=tuple(reply_to),
            headers=headers,
            template=template.name,
            template_data=data_text,
            tags=tags,
            configuration_set=config_set,
            status=status,
            failure=failure,
        )
        self._store(message, now, len(recipients))
        return message

    def _send_templated_email(self, params: Mapping[str, Any], now: datetime) -> Reply:
        tags, config_set = self._common(params)
        source, reply_to = self._sender(params)
        destination = self._destination(_mapping(params, "Destination"))
        recipients = self._check_recipients([a for group in destination for a in group])
        template = self._template(_text(params, "Template"))
        data_text, data = self._template_data(params, "TemplateData")
        message = self._deliver_templated(
            template=template,
            data=(data_text, data),
            sender=(source, reply_to),
            destination=destination,
            recipients=recipients,
            tags=tags,
            config_set=config_set,
            now=now,
            action="SendTemplatedEmail",
        )
        return Reply(result={"MessageId": message.id}, message_ids=(message.id,))

    def _send_bulk_templated_email(self, params: Mapping[str, Any], now: datetime) -> Reply:
        default_tags = _tags(_list(params, "DefaultTags"))
        config_set = _text(params, "ConfigurationSetName", required=False)
        if config_set is not None:
            self._config_set(config_set)
        source, reply_to = self._sender(params)
        destinations = _list(params, "Destinations")
        if not destinations:
            raise _RejectedError(missing_parameter("Destinations"))
        if len(destinations) > MAX_RECIPIENTS:
            raise _RejectedError(
                invalid_parameter_value(
                    f"Too many destinations: {len(destinations)}; at most {MAX_RECIPIENTS}."
                )
            )
        template = self._template(_text(params, "Template"))
        default_text, default_data = self._template_data(params, "DefaultTemplateData")
        with self._lock:
            self._sandbox_check(source, [])
        statuses: list[dict[str, Any]] = []
        stored: list[str] = []
        for entry in destinations:
            try:
                entry_map = entry if isinstance(entry, Mapping) else {}
                destination = self._destination(_mapping(entry_map, "Destination"))
                recipients = self._check_recipients([a for group in destination for a in group])
                replacement = _text(entry_map, "ReplacementTemplateData", required=False)
                data_text, data = default_text, default_data
                if replacement is not None:
                    _, extra = self._template_data(entry_map, "ReplacementTemplateData")
                    data = merge_template_data(default_data, extra)
                    data_text = json.dumps(data)
                own_tags = _tags(_list(entry_map, "ReplacementTags"))
                names = {n for n, _ in own_tags}
                tags = tuple(t for t in default_tags if t[0] not in names) + own_tags
                message = self._deliver_templated(
                    template=template,
                    data=(data_text, data),
                    sender=(source, reply_to),
                    destination=destination,
                    recipients=recipients,
                    tags=tags,
                    config_set=config_set,
                    now=now,
                    action="SendBulkTemplatedEmail",
                    check_source=False,
                )
            except _RejectedError as rejected:
                status = rejected.error.code
                if status == "Throttling":
                    status = "AccountDailyQuotaExceeded"
                statuses.append({"Status": status, "Error": rejected.error.message})
                with self._lock:
                    self._counts.rejected(now)
                continue
            statuses.append({"Status": "Success", "MessageId": message.id})
            stored.append(message.id)
        return Reply(result={"Status": statuses}, message_ids=tuple(stored))

    # -- counts --------------------------------------------------------------------------------

    def _get_send_quota(self, params: Mapping[str, Any], now: datetime) -> Reply:  # noqa: ARG002
        most, rate = self._quota()
        with self._lock:
            sent = self._counts.last_24_hours(now)
        return Reply(
            result={"Max24HourSend": most, "MaxSendRate": rate, "SentLast24Hours": float(sent)}
        )

    def _get_send_statistics(self, params: Mapping[str, Any], now: datetime) -> Reply:  # noqa: ARG002
        with self._lock:
            self._counts.prune(now)
            points = sorted(self._counts.points.items())
        return Reply(
            result={
                "SendDataPoints": [
                    {
                        "Timestamp": datetime.fromtimestamp(start, UTC),
                        "DeliveryAttempts": counts[0],
                        "Bounces": counts[1],
                        "Complaints": counts[2],
                        "Rejects": counts[3],
                    }
                    for start, counts in points
                ]
            }
        )
