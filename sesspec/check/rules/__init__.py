"""The checker's rules, one module per family, each rule declared once beside its detector.

:mod:`~sesspec.check.rules.http` (HTTP: transport), :mod:`~sesspec.check.rules.enc` (ENC:
encoding), :mod:`~sesspec.check.rules.param` (PARAM: parameters against the model),
:mod:`~sesspec.check.rules.auth` (AUTH: authentication) and :mod:`~sesspec.check.rules.fid`
(FID: fidelity, what arrived against what the client was asked, judged by the report) each
declare their rules with :func:`declare` and hold the code that finds them. Everything else
about a rule is read from its declaration: the catalogue
(:data:`sesspec.check.catalogue.RULES`), ``sesspec rules``, a finding's severity and citation,
and the error strict mode answers with (:mod:`sesspec.serve.strict`). Ids are never renumbered
or reused; a retired rule keeps its id and is marked ``deprecated``.

Each rule also says what to change in a client that breaks it (``remedy``, an instruction to
the client's author, ``docs/spec.md#policy-remedy``): ``sesspec rules --explain`` prints it, and
the report shows it in every cell the rule makes fail or warn.

Severities (``docs/spec.md#policy-severity``): *error*, SES refuses or misreads the request;
*warning*, accepted today but legacy, non-canonical or fragile; *info*, worth knowing. A rule
declares its default severity and every other one its findings may have, with the condition
that gives it (``severities``); a finding of any other severity cannot be made.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = ["AnswerWording", "Rule", "SesAnswer", "Severity", "declare"]


def __dir__() -> list[str]:
    return __all__


Severity = Literal["error", "warning", "info"]

#: How strict mode words the message of an SES answer: the finding in words (``finding``);
#: SES's ``MissingParameter`` text for the parameter the finding names (``missing-parameter``);
#: SES's ``SignatureDoesNotMatch`` text followed by the finding and its canonical request diff
#: (``signature``).
AnswerWording = Literal["finding", "missing-parameter", "signature"]


@dataclass(frozen=True, slots=True)
class SesAnswer:
    """The error SES answers a request with when it breaks the rule (``docs/spec.md#resp-error``,
    ``#resp-error-codes``): its code, HTTP status, the words SES writes before the finding's
    own (``preamble``), how the message is worded, and ``order``, the stage of a front end's work
    at which it is refused (a query it cannot read 0, authentication 1, the action 2, the
    parameters 3, the rest 4), which decides which of several errors strict mode sends."""

    code: str
    order: int
    status: int = 400
    preamble: str = ""
    wording: AnswerWording = "finding"


@dataclass(frozen=True, slots=True)
class Rule:
    """One checker rule, as declared beside its detector.

    ``citation`` names the clauses of ``docs/spec.md`` the rule enforces (``docs/spec.md#<anchor>``
    joined by ``"; "``); ``reason`` says in a sentence or two why the spec has the rule, and
    ``sources`` where the facts come from outside this project (the documents, issues and code
    the clauses cite). ``severities`` holds every severity a finding may have, each with the
    condition under which it is given; ``ses_error`` the answer strict mode sends for an
    error-severity finding (None for a rule with no error finding, and for plain HTTP, which
    is the endpoint's own choice). ``remedy`` says what to change in a client that breaks the
    rule, as an instruction to its author ("Encode a literal '+' as %2B ..."); every rule has
    one, and a rule whose findings need no change says so.
    """

    id: str
    severity: Severity
    title: str
    anchors: tuple[str, ...]
    reason: str
    sources: tuple[str, ...]
    ses_error: SesAnswer | None
    severities: tuple[tuple[Severity, str], ...] = field(default=())
    deprecated: bool = False
    remedy: str = ""

    @property
    def family(self) -> str:
        """``HTTP``, ``ENC``, ``PARAM``, ``AUTH`` or ``FID``: the module that declares the rule."""
        return self.id.rstrip("0123456789")

    @property
    def citation(self) -> str:
        """The clauses of the spec, as findings and ``sesspec rules`` cite them."""
        return "; ".join(f"docs/spec.md#{anchor}" for anchor in self.anchors)

    @property
    def allowed(self) -> frozenset[Severity]:
        """Every severity a finding of this rule may have."""
        return frozenset((self.severity, *(s for s, _ in self.severities)))


def declare(  # noqa: PLR0917 - the parts of a declaration, in the order they are read
    rule_id: str,
    severity: Severity,
    title: str,
    anchors: tuple[str, ...],
    reason: str,
    sources: tuple[str, ...],
    ses_error: SesAnswer | None,
    *,
    remedy: str,
    severities: tuple[tuple[Severity, str], ...] = (),
) -> Rule:
    """A :class:`Rule`; for a declaration that reads as a table row in its family's module.
    ``remedy`` is required: no rule is declared without what to change in the client."""
    return Rule(
        rule_id, severity, title, anchors, reason, sources, ses_error, severities, remedy=remedy
    )
