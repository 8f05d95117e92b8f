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
(:data:`MAX_DATA_DEPTH`), block nesting (:data:`MAX_NESTING`, also across partials), and one
:class:`Budget` per request, which every part of every message the request renders draws on (a
bulk send's destinations share it): :data:`MAX_STEPS` steps (a node evaluated, a path's segment
or level followed, an array's element printed, a loop's item) and :data:`MAX_OUTPUT` characters
rendered. Work is linear in what is spent: tokenizing in the template's size (one scan per
comment's end), rendering in the steps and characters of the budget, so that the worst template
at SES's sizes stops within a second (BENCHMARKS.md). A template is compiled once
(:func:`compile_parts`), when it is created or updated, and each render uses that form.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sesspec.errors import SesSpecError
from sesspec.serve.mailbox import without_surrogates

__all__ = [
    "MAX_DATA_DEPTH",
    "MAX_NESTING",
    "MAX_OUTPUT",
    "MAX_STEPS",
    "MAX_TEMPLATE_BYTES",
    "MAX_TEMPLATE_DATA",
    "Budget",
    "CompiledParts",
    "MissingAttributeError",
    "RenderLimitError",
    "RenderedParts",
    "Template",
    "TemplateDataError",
    "TemplateError",
    "TemplateSyntaxError",
    "check_parts",
    "compile_parts",
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
#: Characters one request may render, every part and message together (a :class:`Budget`'s):
#: SES's message size limit, 10 MB (QUOTAS), for the whole request (ours).
MAX_OUTPUT = 10 * 1024 * 1024
#: Steps one request may spend rendering (a :class:`Budget`'s; ours): some 0.35 s of CPU at
#: the cheapest step, a loop's item printed (BENCHMARKS.md).
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
_COMMENT_END = re.compile(r"--(~?)\}\}")


@dataclass(frozen=True, slots=True)
class _Path:
    """``../a.b``: ``up`` context levels, then segments; ``data`` for ``@index`` etc.; ``cost``
    the steps of one lookup (one, and one per level and segment)."""

    text: str
    up: int
    segments: tuple[str, ...]
    data: bool = False
    cost: int = field(init=False)

    #: No level up, not data: read from the innermost context.
    plain: bool = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "cost", 1 + self.up + len(self.segments))
        object.__setattr__(self, "plain", not self.up and not self.data)


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
                # The first "--}}" or "--~}}", found in one scan (two searches, each to the end
                # of the template when one of them is absent, made a run of comments quadratic).
                close = _COMMENT_END.search(source, probe + 3)
                if close is None:
                    msg = "unclosed tag: no '--}}'"
                    raise TemplateSyntaxError(msg, part=part, offset=start)
                if close.group(1):
                    content, after = source[inner : close.start()] + "--~", close.end()
                else:
                    content, after = source[inner : close.start() + 2], close.end()
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
    """The path ``text`` (a text read before is not read again: ``_PATHS``), or
    :class:`TemplateSyntaxError` at ``offset``."""
    known = _PATHS.get(text)
    if known is not None:
        return known
    path = _read_path(text, part, offset)
    if len(_PATHS) < 4096 and len(text) <= 256:
        _PATHS[text] = path
    return path


#: Paths already read, at most 4,096 of at most 256 characters (a path's reading depends on its
#: text alone, and a path is immutable: templates share them).
_PATHS: dict[str, _Path] = {}


def _read_path(text: str, part: str, offset: int) -> _Path:
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


def _scalar_text(value: Any) -> str:
    if value is None:
        return ""
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _js_number(value)
    if isinstance(value, Mapping):
        return "[object Object]"
    return str(value)


def _to_text(value: Any, budget: Budget, part: str) -> str:
    """How Handlebars (JavaScript's String()) prints a JSON value: an array joined by ``,``
    (``null`` empty, nested arrays the same way), each element a step of ``budget``."""
    if isinstance(value, str):
        return value
    if not isinstance(value, list):
        return _scalar_text(value)
    budget.spend(len(value) + 1, part)
    return ",".join(
        v if isinstance(v, str) else "" if v is None else _to_text(v, budget, part) for v in value
    )


def _is_empty(value: Any) -> bool:
    """Handlebars' ``if``: false, null, absent, "", 0, NaN and [] are false; {} is true."""
    if value is _MISSING or value is None or value is False or value == "":
        return True
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value == 0 or (isinstance(value, float) and math.isnan(value))
    return isinstance(value, list) and not value


class Budget:
    """The work one request may spend rendering, every part of every message it renders
    together (ours): ``steps`` node evaluations (a path's segments and the items of an array
    printed count as steps too) and ``output`` characters rendered; past either,
    :class:`RenderLimitError`. One is made per request and handed to each render, so that a
    bulk send's destinations draw on the same budget."""

    __slots__ = ("max_output", "max_steps", "output", "steps")

    def __init__(self, *, steps: int = MAX_STEPS, output: int = MAX_OUTPUT) -> None:
        self.steps = self.max_steps = steps
        self.output = self.max_output = output

    @property
    def spent(self) -> bool:
        """Whether nothing more can be rendered."""
        return self.steps < 0 or self.output < 0

    def spend(self, steps: int, part: str) -> None:
        self.steps -= steps
        if self.steps < 0:
            msg = f"rendering took more than {self.max_steps} steps"
            raise RenderLimitError(msg, part=part)


class _Frame:
    """One context level: its value and, inside ``{{#each}}``, the item's index, the count and
    (over an object) the key, from which ``@index``, ``@first``, ``@last``, ``@key`` are read."""

    __slots__ = ("context", "count", "index", "key")

    def __init__(self, context: Any, index: int = -1, count: int = 0, key: str | None = None):
        self.context = context
        self.index = index
        self.count = count
        self.key = key

    def data(self, name: str) -> Any:
        if self.index < 0:
            return _MISSING
        if name == "index":
            return self.index
        if name == "first":
            return self.index == 0
        if name == "last":
            return self.index == self.count - 1
        if name == "key" and self.key is not None:
            return self.key
        return _MISSING


class _Run:
    """One part's rendering: the part's name, whether to escape, the root data, the inline
    partials, the pieces written, and the request's :class:`Budget`."""

    __slots__ = ("budget", "escape", "inlines", "out", "part", "root")

    def __init__(
        self,
        part: str,
        escape: bool,
        root: Any,
        inlines: Mapping[str, list[_Node]],
        budget: Budget,
    ) -> None:
        self.part = part
        self.escape = escape
        self.root = root
        self.inlines = inlines
        self.budget = budget
        self.out: list[str] = []


def _lookup(path: _Path, frames: list[_Frame], run: _Run, *, strict: bool, offset: int) -> Any:
    """The value ``path`` names (a step for the lookup and one per segment and level up)."""
    run.budget.spend(path.cost, run.part)
    segments = path.segments
    level = len(frames) - 1 - path.up
    if path.data:
        name = segments[0]
        if name == "root":
            value: Any = run.root
        else:
            value = frames[level].data(name) if level >= 0 else _MISSING
            if value is _MISSING:
                if strict:
                    raise MissingAttributeError(path.text, part=run.part, offset=offset)
                return _MISSING
        segments = segments[1:]
    else:
        if level < 0:
            if strict:
                raise MissingAttributeError(path.text, part=run.part, offset=offset)
            return _MISSING
        value = frames[level].context
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
    """Render ``nodes`` (text and variables inline: they are most of the work)."""
    if depth > MAX_NESTING:
        msg = f"blocks and partials nested deeper than {MAX_NESTING}"
        raise RenderLimitError(msg, part=run.part)
    budget = run.budget
    out = run.out
    any_nodes: Sequence[Any] = nodes  # dispatched on their class below, for speed
    for node in any_nodes:
        kind = node.__class__
        if kind is _Text:
            text: str = node.text
            budget.steps -= 1
        elif kind is _Var:
            path: _Path = node.path
            if path.plain:  # ``this``, ``name``, ``a.b``: from the innermost context
                budget.steps -= path.cost
                value = frames[-1].context
                for segment in path.segments:
                    if value.__class__ is dict and segment in value:
                        value = value[segment]
                    else:
                        value = _lookup(path, frames, run, strict=True, offset=node.offset)
                        break
            else:
                value = _lookup(path, frames, run, strict=True, offset=node.offset)
            if node.args:
                # A helper SES does not have: SES names it as a missing attribute when the
                # data has no such name ("Attribute 'IF' is not present..." for {{IF x}}).
                msg = f"unknown helper: {path.text!r}"
                raise TemplateSyntaxError(msg, part=run.part, offset=node.offset)
            cls = value.__class__
            if cls is str:
                text = value
            elif cls is int:
                text = str(value)
            else:
                text = _to_text(value, budget, run.part)
            if run.escape and not node.raw:
                text = text.translate(_ESCAPES)
        elif kind is _Block:
            _render_block(node, frames, run, depth)
            continue
        else:
            _render_partial(node, frames, run, depth)
            continue
        if budget.steps < 0:
            budget.spend(0, run.part)
        budget.output -= len(text)
        if budget.output < 0:
            msg = f"rendered text longer than {budget.max_output} characters"
            raise RenderLimitError(msg, part=run.part)
        out.append(text)


def _render_partial(node: _Partial, frames: list[_Frame], run: _Run, depth: int) -> None:
    run.budget.spend(1, run.part)
    body = run.inlines.get(node.name)
    if body is None:
        msg = f"partial {node.name!r} is not defined"
        raise TemplateSyntaxError(msg, part=run.part, offset=node.offset)
    if node.path is None:
        _render(body, frames, run, depth + 1)
    else:
        frames.append(_Frame(_lookup(node.path, frames, run, strict=True, offset=node.offset)))
        _render(body, frames, run, depth + 1)
        frames.pop()


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
    if kind == "with" or (kind == "section" and not isinstance(value, list)):
        # ``with`` renders 0 (Handlebars' includeZero); a section does not
        if _is_empty(value) and (kind == "section" or value != 0):
            _render(block.inverse, frames, run, depth + 1)
        elif kind == "section" and value is True:
            _render(block.body, frames, run, depth + 1)
        else:
            frames.append(_Frame(value))
            _render(block.body, frames, run, depth + 1)
            frames.pop()
        return
    # each (and a section over an array): one frame per item, made as it is reached
    budget = run.budget
    body = block.body
    if isinstance(value, list) and value:
        count = len(value)
        for index, item in enumerate(value):
            budget.spend(1, run.part)
            frames.append(_Frame(item, index, count))
            _render(body, frames, run, depth + 1)
            frames.pop()
    elif isinstance(value, Mapping) and value and kind == "each":
        count = len(value)
        for index, (key, item) in enumerate(value.items()):
            budget.spend(1, run.part)
            frames.append(_Frame(item, index, count, key))
            _render(body, frames, run, depth + 1)
            frames.pop()
    else:
        _render(block.inverse, frames, run, depth + 1)


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

    def render(
        self, data: Mapping[str, Any], *, escape_html: bool = False, budget: Budget | None = None
    ) -> str:
        """The part rendered with ``data`` (parsed template data, a JSON object), drawing on
        ``budget`` (a fresh :class:`Budget` when None)."""
        run = _Run(self.part, escape_html, data, self._inlines, budget or Budget())
        _render(self._nodes, [_Frame(data)], run, 0)
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
    if _SURROGATE_ESCAPE.search(text) is not None or not _encodable(text):
        return {without_surrogates(k): _without_surrogates(v) for k, v in value.items()}
    return value


#: A JSON escape of a UTF-16 surrogate (``\ud83d``): valid JSON, alone a character no UTF-8
#: message can carry.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _encodable(text: str) -> bool:
    return text.isascii() or _SURROGATE.search(text) is None


def _without_surrogates(value: Any) -> Any:
    """``value`` (parsed JSON) with lone surrogates replaced in every key and string."""
    if isinstance(value, str):
        return without_surrogates(value)
    if isinstance(value, list):
        return [_without_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {without_surrogates(k): _without_surrogates(v) for k, v in value.items()}
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


@dataclass(frozen=True, slots=True)
class CompiledParts:
    """A template's subject, text and HTML parts, compiled once (None: the part is absent);
    :meth:`render` may be called from several threads, as often as needed."""

    subject: Template | None
    text: Template | None
    html: Template | None

    def render(
        self, data: Mapping[str, Any], *, escape_html: bool = False, budget: Budget | None = None
    ) -> RenderedParts:
        """The parts rendered with ``data``, drawing on ``budget`` (the request's: a fresh
        :class:`Budget` when None); the first error of subject, text, HTML is raised.
        ``escape_html`` escapes ``{{x}}`` in the HTML part only (see the module docstring)."""
        budget = Budget() if budget is None else budget
        subject = "" if self.subject is None else self.subject.render(data, budget=budget)
        text = None if self.text is None else self.text.render(data, budget=budget)
        html = (
            None
            if self.html is None
            else self.html.render(data, escape_html=escape_html, budget=budget)
        )
        return RenderedParts(subject, text, html)


def compile_parts(subject: str | None, text: str | None, html: str | None) -> CompiledParts:
    """What CreateTemplate checks, and the parts compiled: size (QUOTAS), syntax and partials
    defined (MODEL: ``InvalidTemplate`` "may occur when a template refers to a partial that does
    not exist"); :class:`TemplateSyntaxError` naming the part."""
    size = sum(len(p.encode("utf-8", "surrogatepass")) for p in (subject, text, html) if p)
    if size > MAX_TEMPLATE_BYTES:
        msg = f"template is {size} bytes, more than {MAX_TEMPLATE_BYTES}"
        raise TemplateSyntaxError(msg)
    compiled: dict[str, Template | None] = {}
    for name, source in (("subject", subject), ("text", text), ("html", html)):
        compiled[name] = None
        if source is not None:
            template = Template(source, part=name)
            missing = template.partials_missing()
            if missing:
                msg = f"partial {missing[0]!r} is not defined"
                raise TemplateSyntaxError(msg, part=name)
            compiled[name] = template
    return CompiledParts(compiled["subject"], compiled["text"], compiled["html"])


def check_parts(subject: str | None, text: str | None, html: str | None) -> None:
    """:func:`compile_parts`, for its checks alone."""
    compile_parts(subject, text, html)


def render_parts(
    subject: str | None,
    text: str | None,
    html: str | None,
    data: Mapping[str, Any],
    *,
    escape_html: bool = False,
) -> RenderedParts:
    """Compile and render the three parts with ``data`` (:meth:`CompiledParts.render`)."""
    return compile_parts(subject, text, html).render(data, escape_html=escape_html)
