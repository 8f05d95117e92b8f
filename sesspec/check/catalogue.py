"""The checker's rule catalogue, built from the rules' declarations.

Each rule is declared once, beside the code that finds it, in the module of its family
(:mod:`sesspec.check.rules.http`, ``.enc``, ``.param``, ``.auth``, and ``.fid``, the fidelity
rules the report judges against what each client was asked); this module only gathers them, in
catalogue order: HTTP, ENC, PARAM, AUTH, FID, each by number. Ids are stable, never
renumbered or reused; a retired rule keeps its id, marked ``deprecated``.
"""

from __future__ import annotations

from sesspec.check.rules import Rule, SesAnswer, Severity, auth, enc, fid, http, param

__all__ = ["RULES", "Rule", "SesAnswer", "Severity", "rule"]


def __dir__() -> list[str]:
    return __all__


#: Every rule by id, in catalogue order.
RULES: dict[str, Rule] = {
    r.id: r for r in (*http.RULES, *enc.RULES, *param.RULES, *auth.RULES, *fid.RULES)
}


def rule(rule_id: str) -> Rule:
    """The rule with id ``rule_id`` (``KeyError`` for an unknown id)."""
    return RULES[rule_id]
