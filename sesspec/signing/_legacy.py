"""What the legacy schemes (AWS3-HTTPS, SigV2) share: the outcome of a verification."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class VerifyResult:
    """``ok``, or the first ``reason`` verification failed, with the stages it computed."""

    ok: bool
    reason: str
    string_to_sign: str | None = None
    expected_signature: str | None = None
    given_signature: str | None = None
