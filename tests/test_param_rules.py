"""The PARAM rules' words and places where the committed samples do not reach: a member's
enum, length and range limits wherever the member sits (at the top, in a structure, in a list of
scalars or of structures; docs/spec.md#param-string, #param-integer), unknown and SigV2
parameters, recipients counted per destination, tags. The limits expected are read from
botocore's copy of the SES model (the public model, not sesspec's reading of it), and a small
model written here holds what SES's model has none of: a flattened list, a ``long``, a map."""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import quote

import botocore.session
import pytest

from sesspec.check import check
from sesspec.check.rules import param
from sesspec.model import ServiceModel, load_model

SES = botocore.session.get_session().get_service_model("ses", "2010-12-01")


@pytest.fixture(autouse=True)
def _plans_built_anew(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test builds the limits' plan of its action afresh (the cache would hand it one an
    earlier test built, and the walk of the model would go untested here, and unseen by the
    mutation run's record of which test calls what)."""
    monkeypatch.setattr(param, "_PLANS", {})


def _enum(shape: str) -> list[str]:
    return list(SES.shape_for(shape).enum)


def _param(body: str, model: ServiceModel | None = None) -> list[tuple[str, str, str]]:
    """The PARAM findings of a POST carrying ``body`` (unsigned: what else it lacks is beside
    the point)."""
    raw = (
        "POST / HTTP/1.1\r\nHost: email.us-east-1.amazonaws.com\r\n"
        "Content-Type: application/x-www-form-urlencoded; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\n\r\n{body}"
    ).encode()
    found = check(raw, tls=True, model=model)
    return [(f.rule, str(f.location), f.message) for f in found if f.rule.startswith("PARAM")]


def _limits(body: str, model: ServiceModel | None = None) -> list[tuple[str, str, str]]:
    """PARAM015/PARAM016 alone."""
    return [f for f in _param(body, model) if f[0] in {"PARAM015", "PARAM016"}]


EVENT_DESTINATION = (
    "Action=CreateConfigurationSetEventDestination&Version=2010-12-01&ConfigurationSetName=c"
    "&EventDestination.Name=d&EventDestination.Enabled=true"
)


@pytest.mark.parametrize("value", ["send", "bogus", "Send"])
def test_an_enum_in_a_list_in_a_structure(value: str) -> None:
    name = "EventDestination.MatchingEventTypes.member.1"
    found = _limits(f"{EVENT_DESTINATION}&{name}={value}")
    allowed = _enum("EventType")
    assert value == "send" or value not in allowed
    expected = (
        []
        if value in allowed
        else [("PARAM015", f"param {name}", f"{value!r} is not one of {', '.join(allowed)}")]
    )
    assert found == expected


def test_an_enum_in_a_structure_in_a_list() -> None:
    name = "EventDestination.CloudWatchDestination.DimensionConfigurations.member.1"
    body = (
        f"{EVENT_DESTINATION}&EventDestination.MatchingEventTypes.member.1=send"
        f"&{name}.DimensionName=n&{name}.DefaultDimensionValue=v"
        f"&{name}.DimensionValueSource=bogus"
    )
    allowed = ", ".join(_enum("DimensionValueSource"))
    assert _limits(body) == [
        (
            "PARAM015",
            f"param {name}.DimensionValueSource",
            f"'bogus' is not one of {allowed}",
        )
    ]


POLICY = "Action=PutIdentityPolicy&Version=2010-12-01&Identity=a%40example.com&PolicyName=p"


@pytest.mark.parametrize(("length", "bad"), [(0, True), (1, False)])
def test_a_string_with_a_minimum_only(length: int, bad: bool) -> None:
    assert SES.shape_for("Policy").metadata == {"min": 1}
    found = _limits(f"{POLICY}&Policy={'x' * length}")
    below = [("PARAM016", "param Policy", "length 0 is below the minimum 1")]
    assert found == (below if bad else [])


TEMPLATED = (
    "Action=SendTemplatedEmail&Version=2010-12-01&Source=a%40example.com"
    "&Destination.ToAddresses.member.1=b%40example.com&Template=t"
)


@pytest.mark.parametrize(("extra", "bad"), [(0, False), (1, True)])
def test_a_string_with_a_maximum_only(extra: int, bad: bool) -> None:
    most = SES.shape_for("TemplateData").metadata["max"]
    assert most == 262144
    found = _limits(f"{TEMPLATED}&TemplateData={'x' * (most + extra)}")
    above = [("PARAM016", "param TemplateData", f"length {most + 1} is above the maximum {most}")]
    assert found == (above if bad else [])


def _model(shapes: dict[str, Any]) -> ServiceModel:
    return load_model(
        {
            "metadata": {"apiVersion": "1", "protocol": "query"},
            "operations": {"Op": {"name": "Op", "input": {"shape": "In"}}},
            "shapes": shapes,
        }
    )


SMALL = _model(
    {
        "In": {
            "type": "structure",
            "members": {
                "Flat": {"shape": "FlatList"},
                "Count": {"shape": "Count"},
                "Named": {"shape": "NamedMap"},
                "Grid": {"shape": "Grid"},
            },
        },
        "Grid": {"type": "list", "member": {"shape": "Row"}},
        "Row": {"type": "list", "member": {"shape": "Colour"}},
        "FlatList": {"type": "list", "member": {"shape": "Colour"}, "flattened": True},
        "Colour": {"type": "string", "enum": ["red", "green"]},
        "Count": {"type": "long", "min": 1, "max": 10},
        "NamedMap": {"type": "map", "key": {"shape": "Colour"}, "value": {"shape": "Colour"}},
    }
)


def test_a_flattened_list_numbers_its_items_without_member() -> None:
    found = _limits("Action=Op&Version=1&Flat.1=red&Flat.2=blue", SMALL)
    assert found == [("PARAM015", "param Flat.2", "'blue' is not one of red, green")]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "value 0 is below the minimum 1"),
        ("1", None),
        ("10", None),
        ("11", "value 11 is above the maximum 10"),
        ("ten", None),  # not a number: PARAM009's, not a range
    ],
)
def test_a_long_with_a_range(value: str, message: str | None) -> None:
    found = _limits(f"Action=Op&Version=1&Count={value}", SMALL)
    assert found == ([] if message is None else [("PARAM016", "param Count", message)])


def test_a_map_is_not_walked_for_limits() -> None:
    """A map's entries are key and value pairs (Named.entry.N.key/value), judged as a map by
    PARAM rules of their own, not by the member limits of this walk."""
    body = "Action=Op&Version=1&Named.entry.1.key=blue&Named.entry.1.value=blue"
    assert _limits(body, SMALL) == []


def test_base64_in_mime_lines_is_a_warning_that_says_why() -> None:
    """RawMessage.Data in RFC 2045 lines of 76 (docs/spec.md#param-blob): read, but warned."""
    message = b"From: a@example.com\r\nTo: b@example.com\r\nSubject: s\r\n\r\n" + b"x" * 100
    data = quote(base64.encodebytes(message).decode(), safe="")
    raw_body = f"Action=SendRawEmail&Version=2010-12-01&RawMessage.Data={data}"
    raw = (
        "POST / HTTP/1.1\r\nHost: email.us-east-1.amazonaws.com\r\n"
        "Content-Type: application/x-www-form-urlencoded; charset=utf-8\r\n"
        f"Content-Length: {len(raw_body)}\r\n\r\n{raw_body}"
    ).encode()
    found = [(f.rule, f.severity, f.message) for f in check(raw, tls=True) if f.rule == "PARAM012"]
    assert found == [
        (
            "PARAM012",
            "warning",
            "base64 broken into lines (MIME style); the SDKs send it as one line, and a strict "
            "base64 decoder refuses the line breaks",
        )
    ]


def test_a_small_model_judges_its_own_operation() -> None:
    """The model given is the one the names are checked against: Op is no SES operation."""
    assert _param("Action=Op&Version=1&Count=5", SMALL) == []
    # the SES model: no such operation (PARAM002), nor such a version (PARAM003)
    assert {r for r, _, _ in _param("Action=Op&Version=1&Count=5")} == {"PARAM002", "PARAM003"}


def test_an_unknown_parameter_says_its_value_is_lost() -> None:
    assert _param("Action=GetSendQuota&Version=2010-12-01&Bogus=1") == [
        (
            "PARAM004",
            "param Bogus",
            "unknown parameter: SES ignores it without a word, so its value is lost",
        )
    ]


def test_other_parameter_errors_keep_their_own_words() -> None:
    found = _param("Action=ListIdentities&Version=2010-12-01&MaxItems=ten")
    assert [(r, where) for r, where, _ in found] == [("PARAM009", "param MaxItems")]
    assert "unknown parameter" not in found[0][2]


def test_raw_message_data_not_base64_does_not_hide_what_follows() -> None:
    body = "Action=SendRawEmail&Version=2010-12-01&RawMessage.Data=%25%25%25&Bogus=1"
    assert [(r, where) for r, where, _ in _param(body)] == [
        ("PARAM004", "param Bogus"),
        ("PARAM012", "param RawMessage.Data"),
    ]


def test_sigv2_parameters_named_together_at_the_first() -> None:
    body = "Action=GetSendQuota&Version=2010-12-01&Timestamp=t&AWSAccessKeyId=AKIDEXAMPLE"
    assert _param(body) == [
        (
            "PARAM014",
            "param AWSAccessKeyId",
            "SigV2 parameters AWSAccessKeyId, Timestamp: SES authenticates with SigV4 only",
        )
    ]


def _bulk(*counts: int) -> str:
    body = (
        "Action=SendBulkTemplatedEmail&Version=2010-12-01&Source=a%40example.com&Template=t"
        "&DefaultTemplateData=%7B%7D"
    )
    for d, count in enumerate(counts, 1):
        for r in range(1, count + 1):
            body += (
                f"&Destinations.member.{d}.Destination.ToAddresses.member.{r}=r{r}%40example.com"
            )
    return body


@pytest.mark.parametrize(
    ("counts", "over"),
    [((50, 50), None), ((30, 30), None), ((51, 1), 1), ((1, 51), 2)],
)
def test_recipients_are_counted_per_destination(counts: tuple[int, int], over: int | None) -> None:
    """At most 50 recipients a message (docs/spec.md#limit-recipients): in a bulk send, each
    destination is its own message."""
    found = [f for f in _param(_bulk(*counts)) if f[0] == "PARAM011"]
    expected = (
        []
        if over is None
        else [
            (
                "PARAM011",
                f"param Destinations.member.{over}.Destination",
                "51 recipients; at most 50",
            )
        ]
    )
    assert found == expected


@pytest.mark.parametrize("length", [60, 61])
def test_a_bad_tag_value_is_shown_to_60_characters(length: int) -> None:
    value = "!" * length
    body = (
        "Action=SendRawEmail&Version=2010-12-01&Tags.member.1.Name=n"
        f"&Tags.member.1.Value={quote(value)}&RawMessage.Data="
        + quote(base64.b64encode(b"From: a@example.com\r\nTo: b@example.com\r\n\r\nx").decode())
    )
    found = [f for f in _param(body) if f[0] == "PARAM013"]
    assert found == [
        (
            "PARAM013",
            "param Tags.member.1.Value",
            f"tag value {value[:60]!r}: only ASCII letters, digits, '_' and '-', 1 to 256 of them",
        )
    ]


def test_a_list_of_lists_is_walked_to_its_items() -> None:
    found = _limits("Action=Op&Version=1&Grid.member.1.member.2=blue", SMALL)
    assert found == [
        ("PARAM015", "param Grid.member.1.member.2", "'blue' is not one of red, green")
    ]
