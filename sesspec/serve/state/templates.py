"""Templates: the account's stored templates and the actions that manage and render them.

Rendering is :mod:`sesspec.serve.templates`' (SES's Handlebars subset); this module keeps the
templates (at most :data:`MAX_TEMPLATES`, SES developer guide; ListTemplates pages of at most
100, MODEL) and answers CreateTemplate, UpdateTemplate, GetTemplate, DeleteTemplate,
ListTemplates and TestRenderTemplate. TestRenderTemplate answers a template it cannot render
with ``MissingRenderingAttribute`` (a missing attribute), ``InvalidRenderingParameter`` (data
that is not a JSON object, a render past its budget) or ``InvalidTemplate``.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sesspec.serve.mailbox import compose_mime
from sesspec.serve.responses import invalid_parameter_value
from sesspec.serve.state.calls import (
    Call,
    Handler,
    Rejected,
    Reply,
    fail,
    page,
    paged,
    record_text,
    record_time,
    structure,
    text,
)
from sesspec.serve.templates import (
    MAX_TEMPLATE_DATA,
    Budget,
    CompiledParts,
    MissingAttributeError,
    RenderedParts,
    RenderLimitError,
    TemplateDataError,
    TemplateError,
    TemplateSyntaxError,
    compile_parts,
    parse_template_data,
)

if TYPE_CHECKING:
    from sesspec.serve.state.account import Account

__all__ = [
    "HANDLERS",
    "MAX_TEMPLATES",
    "TEMPLATE_NAME",
    "Template",
    "Templates",
    "render",
    "template_data",
    "template_data_text",
]


def __dir__() -> list[str]:
    return __all__


#: SES developer guide: templates per region.
MAX_TEMPLATES = 20_000
_PART_KEYS = ("subject", "text", "html")
#: A template's name (docs/spec.md#limit-names: AWS::SES::Template's TemplateName pattern).
TEMPLATE_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")

#: A template's subject, text and HTML parts (None: absent).
Parts = tuple[str | None, str | None, str | None]


@dataclass(frozen=True, slots=True)
class Template:
    """One stored template: its name, parts, when made, and the parts compiled once (when it
    was created, updated or read back), which every render uses."""

    name: str
    subject: str | None
    text: str | None
    html: str | None
    created: datetime
    compiled: CompiledParts = field(compare=False, repr=False)

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


class Templates:
    """The account's templates by name; ``changed`` is called after a change (lock held) with
    what undoes it."""

    def __init__(
        self, lock: threading.RLock, *, changed: Callable[[Callable[[], object]], None]
    ) -> None:
        self._lock = lock
        self._changed = changed
        self._records: dict[str, Template] = {}

    def __iter__(self) -> Iterator[Template]:
        return iter(list(self._records.values()))

    def get(self, name: str) -> Template:
        """The template ``name``, or ``TemplateDoesNotExist``."""
        with self._lock:
            template = self._records.get(name)
        if template is None:
            raise fail("TemplateDoesNotExist", f"Template {name} does not exist.")
        return template

    def create(self, template: Template) -> None:
        with self._lock:
            if template.name in self._records:
                raise fail("AlreadyExists", f"Template {template.name} already exists.")
            if len(self._records) >= MAX_TEMPLATES:
                raise fail("LimitExceeded", f"Maximum number of templates ({MAX_TEMPLATES}).")
            self._records[template.name] = template
            self._changed(lambda: self._records.pop(template.name, None))

    def update(self, name: str, parts: Parts, compiled: CompiledParts) -> None:
        with self._lock:
            old = self._records.get(name)
            if old is None:
                raise fail("TemplateDoesNotExist", f"Template {name} does not exist.")
            self._records[name] = Template(name, *parts, old.created, compiled)
            self._changed(lambda: self._records.__setitem__(name, old))

    def delete(self, name: str) -> None:
        with self._lock:
            old = self._records.pop(name, None)
            if old is not None:
                self._changed(lambda: self._records.__setitem__(name, old))

    def clear(self) -> None:
        self._records.clear()

    def snapshot(self) -> dict[str, Any]:
        """The records as they are (for :meth:`restore`)."""
        return dict(self._records)

    def restore(self, records: dict[str, Any]) -> None:
        self._records = records

    def to_json(self) -> list[dict[str, Any]]:
        return [
            {
                "name": t.name,
                "subject": t.subject,
                "text": t.text,
                "html": t.html,
                "created": t.created.isoformat(),
            }
            for t in self._records.values()
        ]

    def load_record(self, record: Any) -> None:
        """Keep one record of :meth:`to_json`'s list; ``TypeError`` or ``ValueError`` naming
        the field when it is not one."""
        name = record_text(record, "name")
        subject, text, html = (record_text(record, k, optional=True) for k in _PART_KEYS)
        created = record_time(record, "created")
        compiled = compile_parts(subject, text, html)  # TemplateSyntaxError is a ValueError
        self._records[name] = Template(name, subject, text, html, created, compiled)


def template_data_text(params: Mapping[str, Any], name: str) -> str:
    """The template data ``name`` (``TemplateData``, ``DefaultTemplateData``, ...), at most
    :data:`~sesspec.serve.templates.MAX_TEMPLATE_DATA` characters (MODEL shape ``TemplateData``),
    else the ``ValidationError`` AWS answers a model constraint with, naming the member as its
    message does (``destinations.1.member.replacementTemplateData``)."""
    data = text(params, name.rpartition(".")[2])
    if len(data) > MAX_TEMPLATE_DATA:
        member = ".".join(part[:1].lower() + part[1:] for part in name.split("."))
        raise fail(
            "ValidationError",
            f"1 validation error detected: Value at '{member}' failed to satisfy constraint: "
            f"Member must have length less than or equal to {MAX_TEMPLATE_DATA}",
        )
    return data


def template_data(
    params: Mapping[str, Any], name: str, member: str | None = None
) -> tuple[str, dict[str, Any]]:
    """The template data ``name`` and its value: ``ValidationError`` past the model's length
    (``member``: its name in the message), ``InvalidParameterValue`` when it is not a JSON
    object within :mod:`sesspec.serve.templates`' bounds."""
    data = template_data_text(params, member or name)
    try:
        return data, parse_template_data(data)
    except TemplateDataError as exc:
        raise Rejected(invalid_parameter_value(exc.message)) from None


def render(
    account: Account, template: Template, data: Mapping[str, Any], budget: Budget
) -> RenderedParts:
    """``template`` rendered with ``data`` from its compiled form (the account's
    ``escape_html`` setting), drawing on the request's ``budget``."""
    return template.compiled.render(data, escape_html=account.escape_html, budget=budget)


# --- the actions ---------------------------------------------------------------------------------


def _template_input(params: Mapping[str, Any]) -> tuple[str, Parts, CompiledParts]:
    """The template's name, parts and their compiled form (compiled here, once)."""
    template = structure(params, "Template")
    name = text(template, "TemplateName")
    if not TEMPLATE_NAME.fullmatch(name):
        raise Rejected(
            invalid_parameter_value(
                f"Template name <{name[:80]}> is invalid: use 1 to 64 letters, numbers, "
                "underscores or dashes."
            )
        )
    subject, body_text, html = (template.get(k) for k in ("SubjectPart", "TextPart", "HtmlPart"))
    parts = (subject, body_text, html)
    if any(p is not None and not isinstance(p, str) for p in parts):
        raise Rejected(invalid_parameter_value("Template parts must be strings"))
    try:
        compiled = compile_parts(subject, body_text, html)
    except TemplateSyntaxError as exc:
        raise fail("InvalidTemplate", f"Invalid template {name}: {exc}") from None
    return name, parts, compiled


def create_template(account: Account, call: Call) -> Reply:
    name, parts, compiled = _template_input(call.params)
    account.templates.create(Template(name, *parts, call.now, compiled))
    return Reply(result={})


def update_template(account: Account, call: Call) -> Reply:
    name, parts, compiled = _template_input(call.params)
    account.templates.update(name, parts, compiled)
    return Reply(result={})


def get_template(account: Account, call: Call) -> Reply:
    template = account.templates.get(text(call.params, "TemplateName"))
    return Reply(result={"Template": template.as_output()})


def delete_template(account: Account, call: Call) -> Reply:
    account.templates.delete(text(call.params, "TemplateName"))
    return Reply(result={})


def list_templates(account: Account, call: Call) -> Reply:
    with account.lock:
        created = {t.name: t.created for t in account.templates}
    shown, token = page(list(created), call.params, kind="templates", default=10, most=100)
    metadata = [{"Name": n, "CreatedTimestamp": created[n]} for n in shown]
    return Reply(result=paged({"TemplatesMetadata": metadata}, token))


def test_render_template(account: Account, call: Call) -> Reply:
    template = account.templates.get(text(call.params, "TemplateName"))
    raw_data = template_data_text(call.params, "TemplateData")
    try:
        parts = render(account, template, parse_template_data(raw_data), Budget())
    except MissingAttributeError as exc:
        raise fail("MissingRenderingAttribute", exc.message) from None
    except (TemplateDataError, RenderLimitError) as exc:
        raise fail("InvalidRenderingParameter", exc.message) from None
    except TemplateError as exc:
        raise fail("InvalidTemplate", exc.message) from None
    mime, _ = compose_mime(
        subject=parts.subject,
        text=parts.text,
        html=parts.html,
        date=call.now,
        boundary=account.boundary(parts.text, parts.html),
    )
    return Reply(result={"RenderedTemplate": mime.decode("utf-8")})


HANDLERS: Mapping[str, Handler] = {
    "CreateTemplate": create_template,
    "UpdateTemplate": update_template,
    "GetTemplate": get_template,
    "DeleteTemplate": delete_template,
    "ListTemplates": list_templates,
    "TestRenderTemplate": test_render_template,
}
