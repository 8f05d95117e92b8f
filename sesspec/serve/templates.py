"""SES's Handlebars subset: stored templates rendered the way SES renders them.

Sources (abbreviations as in docs/spec.md#spec-sources):

* **SES-ADV**: SES developer guide, "Advanced email personalization"
  (https://docs.aws.amazon.com/ses/latest/dg/send-personalized-email-advanced.html): templates are
  Handlebars; nested attributes (``{{contact.firstName}}``), ``{{#each}}``, ``{{#if}}`` /
  ``{{else}}``, inline partials (``{{#*inline "name"}}...{{/inline}}`` used as ``{{> name}}``),
  and "SES doesn't escape HTML content when rendering the HTML template for a message".
* **HBS**: handlebarsjs.com, built-in helpers and expressions, which SES-ADV points to: ``if``,
  ``unless``, ``each`` (``@index``, ``@key``, ``@first``, ``@last``, ``{{else}}``), ``with``,
  ``this`` / ``.``, ``../``, ``@root``, comments ``{{! }}`` / ``{{!-- --}}``, whitespace control
  ``{{~ ~}}``, ``{{{raw}}}`` and ``{{&raw}}``, ``\\{{`` for a literal ``{{``, and "standalone" block
  tags (a block tag alone on its line takes the line with it).
* **MODEL** (``TestRenderTemplate``; ``MissingRenderingAttribute``, ``InvalidRenderingParameter``,
  ``InvalidTemplate``) and the Rendering Failure event's ``errorMessage``: "Attribute
  'attributeName' is not present in the rendering data." (SES developer guide, event publishing
  contents; moto's AWS-verified ``test_render_template``).
* **QUOTAS**: a template is at most 500 KB including text and HTML parts; ``TemplateData`` is at
  most 262144 characters (MODEL ``TemplateData.max``).

Missing data (SES behaviour, re-posted in AWS knowledge center "ses-sendtemplatedemail-delivery-
failure"): every ``{{name}}`` must have a case-sensitive counterpart in the data, extra data is
ignored. A name used as a helper argument (``{{#if name}}``, ``{{#each name}}``) may be absent:
it is then false (Handlebars' strict mode, which moto's AWS-verified ``{{#if best}}`` test and
SES-ADV's "format the email differently if a certain attribute is present" rely on). A present
``null`` renders as the empty string. The missing attribute is named by its whole path as written
(inference: SES's message names one attribute; a path says which one).

Values print as Handlebars (JavaScript) prints them: ``true``/``false``, integral numbers without a
fraction, arrays joined by ``,``, objects as ``[object Object]``. ``escape_html=True`` applies
Handlebars' default escaping to ``{{x}}`` (not ``{{{x}}}``); SES does not escape (SES-ADV), so it is
off by default.

Not supported (a template using them is :class:`TemplateSyntaxError`, which SES answers with
``InvalidTemplate``): block parameters (``as |x|``), helpers other than the built-ins above,
sub-expressions, ``[segment literals]``, hash arguments.

Bounds, each with a typed error raised before the work it guards: template size
(:data:`MAX_TEMPLATE_BYTES`), data length (:data:`MAX_TEMPLATE_DATA`) and depth
(:data:`MAX_DATA_DEPTH`), block nesting (:data:`MAX_NESTING`, also across partials), rendered
size (:data:`MAX_OUTPUT`) and work (:data:`MAX_STEPS` node evaluations, so that nested loops over
large arrays stop).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sesspec.errors import SesSpecError

__all__ = [
    "MAX_DATA_DEPTH",
    "MAX_NESTING",
    "MAX_OUTPUT",
    "MAX_STEPS",
    "MAX_TEMPLATE_BYTES",
    "MAX_TEMPLATE_DATA",
    "MissingAttributeError",
    "RenderLimitError",
    "RenderedParts",
    "Template",
    "TemplateDataError",
    "TemplateError",
    "TemplateSyntaxError",
    "check_parts",
    "compile_template",
    "merge_template_data",
    "parse_template_data",
    "render_parts",
]


def __dir__() -> list[str]:
    return __all__


#: QUOTAS: "Each template can be up to 500 KB in size, including both the text and HTML parts."
MAX_TEMPLATE_BYTES = 500 * 1024
#: MODEL ``TemplateData`` ``max``.
MAX_TEMPLATE_DATA = 262144
#: Deepest JSON nesting accepted in template data (ours; real data is a few levels deep).
MAX_DATA_DEPTH = 64
#: Deepest block nesting, counted through partials (ours).
MAX_NESTING = 32
#: Largest rendered part, in characters: SES's message size limit, 10 MB (QUOTAS).
MAX_OUTPUT = 10 * 1024 * 1024
#: Most node evaluations one render may make (ours).
MAX_STEPS = 1_000_000


class TemplateError(SesSpecError, ValueError):
    """A template that cannot be compiled or rendered; ``part`` names the template part
    (``subject``, ``text``, ``html``) and ``offset`` the character where it went wrong (or -1)."""

    def __init__(self, message: str, *, part: str = "template", offset: int = -1) -> None:
        if type(self) is TemplateError:
            msg = "TemplateError is abstract: raise one of its subclasses"
            raise TypeError(msg)
        super().__init__(message)
        self.part = part
        self.offset = offset

    def __str__(self) -> str:
        where = f" at offset {self.offset}" if self.offset >= 0 else ""
        return f"{self.part}{where}: {self.message}"


class TemplateSyntaxError(TemplateError):
    """Not a template of SES's Handlebars subset (SES answers ``InvalidTemplate``)."""


class MissingAttributeError(TemplateError):
    """``{{name}}`` with no ``name`` in the data (SES: ``MissingRenderingAttribute``)."""

    def __init__(self, attribute: str, *, part: str = "template", offset: int = -1) -> None:
        super().__init__(
            f"Attribute '{attribute}' is not present in the rendering data.",
            part=part,
            offset=offset,
        )
        self.attribute = attribute


class TemplateDataError(TemplateError):
    """Template data that is not a JSON object within the limits (``InvalidRenderingParameter``)."""


class RenderLimitError(TemplateError):
    """Rendering would pass one of the module's bounds (output size, work, nesting)."""


# --- tokens and tree ---------------------------------------------------------------------------

_BLOCK_HELPERS = frozenset({"if", "unless", "each", "with"})
_PATH_SEGMENT = re.compile(r"[^\s.\/\[\]{}()\"'=|~!#^>&]+")
_STRING_LITERAL = re.compile(r'"([^"]*)"|\'([^\']*)\'')


@dataclass(frozen=True, slots=True)
class _Path:
    """``../a.b``: ``up`` context levels, then segments; ``data`` for ``@index`` etc."""

    text: str
    up: int
    segments: tuple[str, ...]
    data: bool = False


@dataclass(slots=True)
class _Text:
    text: str


@dataclass(slots=True)
class _Var:
    path: _Path
    raw: bool
    offset: int
    args: tuple[str, ...] = ()


@dataclass(slots=True)
class _Block:
    kind: str  # if | unless | each | with | section | inverse
    path: _Path | None
    offset: int
    body: list[_Node] = field(default_factory=list)
    inverse: list[_Node] = field(default_factory=list)
    in_inverse: bool = False
    name: str = ""


@dataclass(slots=True)
class _Partial:
    name: str
    path: _Path | None
    offset: int


_Node = _Text | _Var | _Block | _Partial


@dataclass(slots=True)
class _Tag:
    """One ``{{...}}`` before it becomes a node: its kind and text, trimming flags, offset."""

    kind: str  # comment | var | raw | open | close | else | partial | inline
    body: str
    offset: int
    strip_before: bool
    strip_after: bool


def _find_close(source: str, start: int, closing: str, part: str, offset: int) -> int:
    end = source.find(closing, start)
    if end < 0:
        msg = f"unclosed tag: no {closing!r}"
        raise TemplateSyntaxError(msg, part=part, offset=offset)
    return end


def _tokenize(source: str, part: str) -> list[_Text | _Tag]:
    """Text and tags in order, with ``~`` whitespace control applied (HBS)."""
    out: list[_Text | _Tag] = []
    pos = 0
    length = len(source)
    while pos < length:
        start = source.find("{{", pos)
        if start < 0:
            out.append(_Text(source[pos:]))
            break
        if start > 0 and source[start - 1] == "\\":
            # ``\{{`` is a literal ``{{`` (HBS "escaping Handlebars expressions").
            out.append(_Text(source[pos : start - 1] + "{{"))
            pos = start + 2
            continue
        if start > pos:
            out.append(_Text(source[pos:start]))
        if source.startswith("{{{", start):
            inner = start + 3
            end = _find_close(source, inner, "}}}", part, start)
            content, after = source[inner:end], end + 3
            kind = "raw"
        else:
            inner = start + 2
            strip = source.startswith("~", inner)
            probe = inner + (1 if strip else 0)
            if source.startswith("!--", probe):
                plain = source.find("--}}", probe + 3)
                tilde = source.find("--~}}", probe + 3)
                if tilde >= 0 and (plain < 0 or tilde < plain):
                    content, after = source[inner:tilde] + "--~", tilde + 5
                else:
                    end = _find_close(source, probe + 3, "--}}", part, start)
                    content, after = source[inner : end + 2], end + 4
            else:
                end = _find_close(source, inner, "}}", part, start)
                content, after = source[inner:end], end + 2
            kind = "var"
        strip_before = content.startswith("~")
        strip_after = content.endswith("~")
        content = content[1 if strip_before else 0 : len(content) - (1 if strip_after else 0)]
        content = content.strip()
        if kind == "var":
            kind, content = _classify(content)
        out.append(_Tag(kind, content, start, strip_before, strip_after))
        pos = after
    _apply_whitespace_control(out)
    return out


def _classify(content: str) -> tuple[str, str]:
    if content.startswith("!"):
        return "comment", content
    if content.startswith("#*"):
        return "inline", content[2:].strip()
    if content.startswith("#"):
        return "open", content[1:].strip()
    if content.startswith("^"):
        rest = content[1:].strip()
        return ("else", "") if not rest else ("open", "^" + rest)
    if content.startswith("/"):
        return "close", content[1:].strip()
    if content.startswith(">"):
        return "partial", content[1:].strip()
    if content.startswith("&"):
        return "raw", content[1:].strip()
    if content == "else" or content.startswith("else "):
        return "else", content[4:].strip()
    return "var", content


_STANDALONE = frozenset({"comment", "inline", "open", "close", "else"})
_LEADING_SPACE = re.compile(r"[ \t]*\Z")
_TRAILING_LINE = re.compile(r"\A[ \t]*(\r?\n|\Z)")


def _apply_whitespace_control(items: list[_Text | _Tag]) -> None:
    """``~`` trims whitespace beside a tag; a block tag alone on its line takes the line (HBS)."""
    for i, item in enumerate(items):
        if not isinstance(item, _Tag):
            continue
        before = items[i - 1] if i > 0 else None
        after = items[i + 1] if i + 1 < len(items) else None
        if item.strip_before and isinstance(before, _Text):
            before.text = before.text.rstrip()
        if item.strip_after and isinstance(after, _Text):
            after.text = after.text.lstrip()
        if item.kind not in _STANDALONE:
            continue
        prev_text = before.text if isinstance(before, _Text) else ("" if before is None else None)
        next_text = after.text if isinstance(after, _Text) else ("" if after is None else None)
        if prev_text is None or next_text is None:
            continue
        line_start = prev_text.rfind("\n") + 1
        starts_line = _LEADING_SPACE.match(prev_text, line_start) is not None and (
            line_start > 0 or i <= 1
        )
        ends_line = _TRAILING_LINE.match(next_text)
        if ends_line is not None and not ends_line.group(1) and i + 2 < len(items):
            ends_line = None  # only the template's end, not the next tag, ends a line
        if starts_line and ends_line is not None:
            if isinstance(before, _Text):
                before.text = before.text[:line_start]
            if isinstance(after, _Text):
                after.text = after.text[ends_line.end() :]


def _parse_path(text: str, part: str, offset: int) -> _Path:
    if text in ("this", "."):
        return _Path(text, 0, ())
    data = text.startswith("@")
    rest = text[1:] if data else text
    up = 0
    while rest.startswith("../"):
        up += 1
        rest = rest[3:]
    if rest.startswith(("this.", "this/", "./")):
        rest = rest[5:] if rest.startswith("this") else rest[2:]
    segments = tuple(re.split(r"[./]", rest)) if rest else ()
    if (not segments and not up) or any(not _PATH_SEGMENT.fullmatch(s) for s in segments):
        msg = f"not a path: {text!r}"
        raise TemplateSyntaxError(msg, part=part, offset=offset)
    return _Path(text, up, segments, data)


def _words(content: str, part: str, offset: int) -> list[str]:
    words = content.split()
    for i, word in enumerate(words):
        if (word == "as" and i) or word.startswith(("(", "|")) or "=" in word:
            msg = f"unsupported expression: {content!r}"
            raise TemplateSyntaxError(msg, part=part, offset=offset)
    return words


def _partial_name(word: str, part: str, offset: int) -> str:
    literal = _STRING_LITERAL.fullmatch(word)
    if literal:
        return literal.group(1) if literal.group(1) is not None else literal.group(2)
    if _PATH_SEGMENT.fullmatch(word):
        return word
    msg = f"not a partial name: {word!r}"
    raise TemplateSyntaxError(msg, part=part, offset=offset)


def _parse(source: str, part: str) -> tuple[list[_Node], dict[str, list[_Node]]]:
    """The node tree and the inline partials (``{{#*inline}}``), with an explicit stack."""
    root: list[_Node] = []
    stack: list[_Block] = []
    inlines: dict[str, list[_Node]] = {}
    inline_open: list[tuple[str, _Block]] = []

    def target() -> list[_Node]:
        if not stack:
            return root
        top = stack[-1]
        return top.inverse if top.in_inverse else top.body

    for item in _tokenize(source, part):
        if isinstance(item, _Text):
            if item.text:
                target().append(item)
            continue
        kind, body, offset = item.kind, item.body, item.offset
        if kind == "comment":
            continue
        if kind in ("var", "raw"):
            words = _words(body, part, offset)
            if not words:
                raise TemplateSyntaxError("empty expression", part=part, offset=offset)
            if words[0] in _BLOCK_HELPERS:
                msg = f"'{words[0]}' is a block helper: write {{{{#{words[0]} ...}}}}"
                raise TemplateSyntaxError(msg, part=part, offset=offset)
            path = _parse_path(words[0], part, offset)
            target().append(_Var(path, kind == "raw", offset, tuple(words[1:])))
            continue
        if kind == "partial":
            words = _words(body, part, offset)
            if not words or len(words) > 2:
                raise TemplateSyntaxError("a partial takes a name", part=part, offset=offset)
            context = _parse_path(words[1], part, offset) if len(words) == 2 else None
            target().append(_Partial(_partial_name(words[0], part, offset), context, offset))
            continue
        if kind in ("open", "inline"):
            if len(stack) >= MAX_NESTING:
                msg = f"blocks nested deeper than {MAX_NESTING}"
                raise TemplateSyntaxError(msg, part=part, offset=offset)
            words = _words(body, part, offset)
            if kind == "inline":
                if len(words) != 2 or words[0] != "inline":
                    raise TemplateSyntaxError('write {{#*inline "name"}}', part=part, offset=offset)
                block = _Block("inline", None, offset, name=_partial_name(words[1], part, offset))
                inline_open.append((block.name, block))
                stack.append(block)
                continue
            if not words:
                raise TemplateSyntaxError("empty block", part=part, offset=offset)
            name = words[0]
            if name.startswith("^"):
                block = _Block("inverse", _parse_path(name[1:], part, offset), offset, name=name)
            elif name in _BLOCK_HELPERS:
                if len(words) != 2:
                    msg = f"'{name}' takes one argument"
                    raise TemplateSyntaxError(msg, part=part, offset=offset)
                block = _Block(name, _parse_path(words[1], part, offset), offset, name=name)
            elif len(words) == 1:
                block = _Block("section", _parse_path(name, part, offset), offset, name=name)
            else:
                msg = f"unknown helper: {name!r}"
                raise TemplateSyntaxError(msg, part=part, offset=offset)
            target().append(block)
            stack.append(block)
            continue
        if kind == "else":
            if not stack or stack[-1].kind in ("inline",) or stack[-1].in_inverse:
                raise TemplateSyntaxError("{{else}} outside a block", part=part, offset=offset)
            top = stack[-1]
            top.in_inverse = True
            if body:  # ``{{else if x}}``: an ``if`` inside the inverse, closed with the outer block
                words = _words(body, part, offset)
                if len(words) != 2 or words[0] not in ("if", "unless"):
                    msg = f"unsupported else chain: {body!r}"
                    raise TemplateSyntaxError(msg, part=part, offset=offset)
                if len(stack) >= MAX_NESTING:
                    msg = f"blocks nested deeper than {MAX_NESTING}"
                    raise TemplateSyntaxError(msg, part=part, offset=offset)
                chained = _Block(
                    words[0], _parse_path(words[1], part, offset), offset, name=top.name
                )
                top.inverse.append(chained)
                chained_marker = _Block("chain", None, offset, name=top.name)
                stack.append(chained_marker)  # popped with the chained block at the close
                stack.append(chained)
            continue
        # close
        if not stack:
            msg = f"{{{{/{body}}}}} without an open block"
            raise TemplateSyntaxError(msg, part=part, offset=offset)
        top = stack.pop()
        while stack and stack[-1].kind == "chain":
            stack.pop()
            top = stack.pop()
        expected = "inline" if top.kind == "inline" else top.name.lstrip("^")
        if body != expected:
            msg = f"{{{{/{body}}}}} closes {{{{#{expected}}}}}"
            raise TemplateSyntaxError(msg, part=part, offset=offset)
        if top.kind == "inline":
            inline_name, _ = inline_open.pop()
            inlines[inline_name] = top.body
    if stack:
        open_block = next(b for b in reversed(stack) if b.kind != "chain")
        msg = f"unclosed block {{{{#{open_block.name or 'inline'}}}}}"
        raise TemplateSyntaxError(msg, part=part, offset=open_block.offset)
    return root, inlines


# --- rendering ---------------------------------------------------------------------------------

_MISSING = object()
_ESCAPES = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        "'": "&#x27;",
        "`": "&#x60;",
        "=": "&#x3D;",
    }
)


def _js_number(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == int(value) and abs(value) < 1e21:
        return str(int(value))
    return repr(value)


def _to_text(value: Any) -> str:
    """How Handlebars (JavaScript's String()) prints a JSON value, iteratively for arrays."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _js_number(value)
    if isinstance(value, Mapping):
        return "[object Object]"
    if isinstance(value, list):
        return ",".join("" if v is None else _to_text(v) for v in value)
    return str(value)


def _is_empty(value: Any) -> bool:
    """Handlebars' ``if``: false, null, absent, "", 0, NaN and [] are false; {} is true."""
    if value is _MISSING or value is None or value is False or value == "":
        return True
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value == 0 or (isinstance(value, float) and math.isnan(value))
    return isinstance(value, list) and not value


@dataclass(slots=True)
class _Frame:
    context: Any
    data: dict[str, Any]


@dataclass(slots=True)
class _Run:
    part: str
    escape: bool
    root: Any
    inlines: Mapping[str, list[_Node]]
    out: list[str] = field(default_factory=list)
    size: int = 0
    steps: int = 0

    def step(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            msg = f"rendering took more than {MAX_STEPS} steps"
            raise RenderLimitError(msg, part=self.part)

    def emit(self, text: str) -> None:
        self.size += len(text)
        if self.size > MAX_OUTPUT:
            msg = f"rendered text longer than {MAX_OUTPUT} characters"
            raise RenderLimitError(msg, part=self.part)
        self.out.append(text)


def _lookup(path: _Path, frames: list[_Frame], run: _Run, *, strict: bool, offset: int) -> Any:
    if path.data:
        name = path.segments[0]
        if name == "root":
            value: Any = run.root
        else:
            level = len(frames) - 1 - path.up
            value = frames[level].data.get(name, _MISSING) if level >= 0 else _MISSING
            if value is _MISSING:
                if strict:
                    raise MissingAttributeError(path.text, part=run.part, offset=offset)
                return _MISSING
        segments = path.segments[1:]
    else:
        level = len(frames) - 1 - path.up
        if level < 0:
            if strict:
                raise MissingAttributeError(path.text, part=run.part, offset=offset)
            return _MISSING
        value = frames[level].context
        segments = path.segments
    for segment in segments:
        if isinstance(value, Mapping) and segment in value:
            value = value[segment]
        elif isinstance(value, list) and segment.isdigit() and int(segment) < len(value):
            value = value[int(segment)]
        else:
            if strict:
                raise MissingAttributeError(path.text, part=run.part, offset=offset)
            return _MISSING
    return value


def _render(nodes: Sequence[_Node], frames: list[_Frame], run: _Run, depth: int) -> None:
    if depth > MAX_NESTING:
        msg = f"blocks and partials nested deeper than {MAX_NESTING}"
        raise RenderLimitError(msg, part=run.part)
    for node in nodes:
        run.step()
        if isinstance(node, _Text):
            run.emit(node.text)
        elif isinstance(node, _Var):
            if node.args:
                # A helper SES does not have: SES names it as a missing attribute when the
                # data has no such name ("Attribute 'IF' is not present..." for {{IF x}}).
                _lookup(node.path, frames, run, strict=True, offset=node.offset)
                msg = f"unknown helper: {node.path.text!r}"
                raise TemplateSyntaxError(msg, part=run.part, offset=node.offset)
            value = _lookup(node.path, frames, run, strict=True, offset=node.offset)
            text = _to_text(value)
            run.emit(text.translate(_ESCAPES) if run.escape and not node.raw else text)
        elif isinstance(node, _Block):
            _render_block(node, frames, run, depth)
        else:
            body = run.inlines.get(node.name)
            if body is None:
                msg = f"partial {node.name!r} is not defined"
                raise TemplateSyntaxError(msg, part=run.part, offset=node.offset)
            if node.path is None:
                _render(body, frames, run, depth + 1)
            else:
                value = _lookup(node.path, frames, run, strict=True, offset=node.offset)
                _render(body, [*frames, _Frame(value, {})], run, depth + 1)


def _render_block(block: _Block, frames: list[_Frame], run: _Run, depth: int) -> None:
    assert block.path is not None
    value = _lookup(block.path, frames, run, strict=False, offset=block.offset)
    kind = block.kind
    if kind in ("if", "unless", "inverse"):
        show = not _is_empty(value)
        if kind != "if":
            show = not show
        _render(block.body if show else block.inverse, frames, run, depth + 1)
        return
    if kind == "with":
        if _is_empty(value) and value != 0:
            _render(block.inverse, frames, run, depth + 1)
        else:
            _render(block.body, [*frames, _Frame(value, {})], run, depth + 1)
        return
    if kind == "section" and not isinstance(value, list):
        if _is_empty(value):
            _render(block.inverse, frames, run, depth + 1)
        elif value is True:
            _render(block.body, frames, run, depth + 1)
        else:
            _render(block.body, [*frames, _Frame(value, {})], run, depth + 1)
        return
    # each (and a section over an array)
    items: list[tuple[Any, dict[str, Any]]] = []
    if isinstance(value, list):
        last = len(value) - 1
        items = [(v, {"index": i, "first": i == 0, "last": i == last}) for i, v in enumerate(value)]
    elif isinstance(value, Mapping) and kind == "each":
        last = len(value) - 1
        items = [
            (v, {"key": k, "index": i, "first": i == 0, "last": i == last})
            for i, (k, v) in enumerate(value.items())
        ]
    if not items:
        _render(block.inverse, frames, run, depth + 1)
        return
    for item, data in items:
        run.step()
        _render(block.body, [*frames, _Frame(item, data)], run, depth + 1)


class Template:
    """One compiled template part. ``render(data)`` may be called from several threads."""

    __slots__ = ("_inlines", "_nodes", "part", "source")

    def __init__(self, source: str, *, part: str = "template") -> None:
        self.source = source
        self.part = part
        self._nodes, self._inlines = _parse(source, part)

    def partials_missing(self) -> list[str]:
        """Partials used (``{{> name}}``) that no ``{{#*inline}}`` in this part defines."""
        missing: list[str] = []
        pending: list[Sequence[_Node]] = [self._nodes, *self._inlines.values()]
        while pending:
            for node in pending.pop():
                if isinstance(node, _Partial) and node.name not in self._inlines:
                    missing.append(node.name)
                elif isinstance(node, _Block):
                    pending += [node.body, node.inverse]
        return missing

    def render(self, data: Mapping[str, Any], *, escape_html: bool = False) -> str:
        """The part rendered with ``data`` (parsed template data, a JSON object)."""
        run = _Run(self.part, escape_html, data, self._inlines)
        _render(self._nodes, [_Frame(data, {})], run, 0)
        return "".join(run.out)


def compile_template(source: str, *, part: str = "template") -> Template:
    """Compile one part; :class:`TemplateSyntaxError` (with the offset) when it is not valid."""
    return Template(source, part=part)


# --- template data -----------------------------------------------------------------------------


def _reject_constant(name: str) -> Any:
    msg = f"not a JSON value: {name}"
    raise ValueError(msg)


def _depth_within(value: Any, limit: int) -> bool:
    pending: list[tuple[Any, int]] = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if depth > limit:
            return False
        if isinstance(item, Mapping):
            pending += [(v, depth + 1) for v in item.values()]
        elif isinstance(item, list):
            pending += [(v, depth + 1) for v in item]
    return True


def parse_template_data(text: str) -> dict[str, Any]:
    """``TemplateData`` as a mapping: a JSON object of at most :data:`MAX_TEMPLATE_DATA`
    characters and :data:`MAX_DATA_DEPTH` levels, else :class:`TemplateDataError`."""
    if len(text) > MAX_TEMPLATE_DATA:
        msg = f"template data longer than {MAX_TEMPLATE_DATA} characters: {len(text)}"
        raise TemplateDataError(msg, part="TemplateData")
    try:
        value = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        msg = f"template data is not valid JSON: {exc}"
        raise TemplateDataError(msg, part="TemplateData") from None
    if not isinstance(value, dict):
        msg = f"template data is not a JSON object: {type(value).__name__}"
        raise TemplateDataError(msg, part="TemplateData")
    if not _depth_within(value, MAX_DATA_DEPTH):
        msg = f"template data nested deeper than {MAX_DATA_DEPTH} levels"
        raise TemplateDataError(msg, part="TemplateData")
    return value


def merge_template_data(
    default: Mapping[str, Any], replacement: Mapping[str, Any]
) -> dict[str, Any]:
    """Bulk sending's data for one destination: ``replacement`` over ``default`` key by key,
    objects merged recursively, arrays and scalars replaced (measured against SES by
    domdomegg/aws-ses-v2-local#102/#103; MODEL: defaults apply "when no other data is
    available")."""
    merged: dict[str, Any] = dict(default)
    pending: list[tuple[dict[str, Any], Mapping[str, Any]]] = [(merged, replacement)]
    while pending:
        target, source = pending.pop()
        for key, value in source.items():
            current = target.get(key)
            if isinstance(current, Mapping) and isinstance(value, Mapping):
                copy = dict(current)
                target[key] = copy
                pending.append((copy, value))
            else:
                target[key] = value
    return merged


# --- the three parts ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RenderedParts:
    """A template's subject, text and HTML parts after rendering (None: the part is absent)."""

    subject: str
    text: str | None
    html: str | None


def _compile_parts(
    subject: str | None, text: str | None, html: str | None
) -> list[tuple[str, Template]]:
    size = sum(len(p.encode("utf-8")) for p in (subject, text, html) if p is not None)
    if size > MAX_TEMPLATE_BYTES:
        msg = f"template is {size} bytes, more than {MAX_TEMPLATE_BYTES}"
        raise TemplateSyntaxError(msg)
    compiled: list[tuple[str, Template]] = []
    for name, source in (("subject", subject), ("text", text), ("html", html)):
        if source is not None:
            template = Template(source, part=name)
            missing = template.partials_missing()
            if missing:
                msg = f"partial {missing[0]!r} is not defined"
                raise TemplateSyntaxError(msg, part=name)
            compiled.append((name, template))
    return compiled


def check_parts(subject: str | None, text: str | None, html: str | None) -> None:
    """What CreateTemplate checks: size (QUOTAS), syntax and partials defined (MODEL:
    ``InvalidTemplate`` "may occur when a template refers to a partial that does not exist")."""
    _compile_parts(subject, text, html)


def render_parts(
    subject: str | None,
    text: str | None,
    html: str | None,
    data: Mapping[str, Any],
    *,
    escape_html: bool = False,
) -> RenderedParts:
    """Render the three parts with ``data``; the first error of subject, text, HTML is raised.

    ``escape_html`` escapes ``{{x}}`` in the HTML part only (see the module docstring).
    """
    rendered: dict[str, str] = {}
    for name, template in _compile_parts(subject, text, html):
        rendered[name] = template.render(data, escape_html=escape_html and name == "html")
    return RenderedParts(rendered.get("subject", ""), rendered.get("text"), rendered.get("html"))
