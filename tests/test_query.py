"""awsQuery flatten/unflatten over the SES model, clause by clause (docs/spec.md#param-flattening,
SMITHY-Q).

Expected values are worked by hand from the quoted rules, or taken from the starting document.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from sesspec._shapes import DEFER_BLOB
from sesspec.encoding import MAX_PAIRS, form_decode, form_encode
from sesspec.errors import ParamError
from sesspec.model import load_model
from sesspec.query import (
    Unflattened,
    flatten,
    flatten_for_body,
    unflatten,
    validate_pairs,
    validate_params,
)

V = [("Action", "SendEmail"), ("Version", "2010-12-01")]

SEND_EMAIL: dict[str, Any] = {
    "Source": "user@example.com",
    "Destination": {"ToAddresses": ["allan@example.com"]},
    "Message": {
        "Subject": {"Data": "This is the subject line."},
        "Body": {"Text": {"Data": "Hello. I hope you are having a good day."}},
    },
}


def _problems(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(e.param, e.message) for e in validate_pairs(pairs)]


def _send(*pairs: tuple[str, str]) -> list[tuple[str, str]]:
    base = [("Source", "a@x"), ("Message.Subject.Data", "s"), ("Message.Body.Text.Data", "t")]
    return [*V, *base, *pairs]


class TestStartingDocument:
    """GUIDE-REQ: "Action=SendEmail &Source=user%40example.com &Destination.ToAddresses.member.1=
    allan%40example.com &Message.Subject.Data=This%20is%20the%20subject%20line.
    &Message.Body.Text.Data=Hello.%20I%20hope%20you%20are%20having%20a%20good%20day."
    with ``Content-Length: 230`` (docs/spec.md#seed-content-length: the %20 body is exactly 230
    bytes)."""

    BODY = (
        "Action=SendEmail&Source=user%40example.com&Destination.ToAddresses.member.1="
        "allan%40example.com&Message.Subject.Data=This%20is%20the%20subject%20line."
        "&Message.Body.Text.Data=Hello.%20I%20hope%20you%20are%20having%20a%20good%20day."
    )

    def test_body_reproduced(self) -> None:
        pairs = flatten("SendEmail", SEND_EMAIL)
        assert pairs[:2] == V
        # The document sends no Version (docs/spec.md#param-version); everything else is byte for
        # byte.
        without_version = [p for p in pairs if p[0] != "Version"]
        assert form_encode(without_version) == self.BODY
        assert len(self.BODY.encode()) == 230

    def test_body_unflattened(self) -> None:
        assert unflatten(form_decode(self.BODY)) == Unflattened("SendEmail", None, SEND_EMAIL)

    def test_dot_n_without_member_is_reported(self) -> None:
        """Section 0: the prose's ``Destination.ToAddresses.1`` is not what the model reads."""
        pairs = _send(("Destination.ToAddresses.1", "allan@example.com"))
        assert _problems(pairs) == [
            (
                "Destination.ToAddresses.1",
                "list element without '.member' (awsQuery lists are Name.member.N)",
            )
        ]


class TestStructures:
    """c4: "structure: ``Message.Subject.Data`` ... member names, ``.``-joined"."""

    def test_members_in_model_order(self) -> None:
        params = dict(reversed(list(SEND_EMAIL.items())))
        assert [name for name, _ in flatten("SendEmail", params)] == [
            "Action",
            "Version",
            "Source",
            "Destination.ToAddresses.member.1",
            "Message.Subject.Data",
            "Message.Body.Text.Data",
        ]

    def test_none_is_absent(self) -> None:
        assert flatten("SendEmail", {**SEND_EMAIL, "ReturnPath": None}) == flatten(
            "SendEmail", SEND_EMAIL
        )

    def test_empty_string(self) -> None:
        """SMITHY-Q / c4: "empty string ``Foo=``"."""
        pairs = flatten("SendEmail", {**SEND_EMAIL, "ReturnPath": ""})
        assert ("ReturnPath", "") in pairs
        assert unflatten(pairs).params["ReturnPath"] == ""


class TestLists:
    """c4: "``Destination.ToAddresses.member.1``, ``.member.2`` ... (1-based)"; "empty list
    ``Destination.CcAddresses=``"; "lists of structures ``Tags.member.1.Name``"."""

    def test_member_n(self) -> None:
        params = {**SEND_EMAIL, "Destination": {"ToAddresses": ["a@x", "b@x"], "CcAddresses": []}}
        pairs = flatten("SendEmail", params)
        assert pairs[3:6] == [
            ("Destination.ToAddresses.member.1", "a@x"),
            ("Destination.ToAddresses.member.2", "b@x"),
            ("Destination.CcAddresses", ""),
        ]
        assert unflatten(pairs).params == params

    def test_list_of_structures(self) -> None:
        params = {
            **SEND_EMAIL,
            "Tags": [{"Name": "n1", "Value": "v1"}, {"Name": "n2", "Value": ""}],
        }
        pairs = flatten("SendEmail", params)
        assert pairs[-4:] == [
            ("Tags.member.1.Name", "n1"),
            ("Tags.member.1.Value", "v1"),
            ("Tags.member.2.Name", "n2"),
            ("Tags.member.2.Value", ""),
        ]

    def test_nested_lists(self) -> None:
        """c4/d: ``Destinations.member.N.Destination.ToAddresses.member.M``."""
        params = {
            "Source": "s@x",
            "Template": "t",
            "DefaultTemplateData": "{}",
            "Destinations": [
                {"Destination": {"ToAddresses": ["a@x", "b@x"]}},
                {
                    "Destination": {"BccAddresses": ["c@x"]},
                    "ReplacementTags": [{"Name": "k", "Value": "v"}],
                },
            ],
        }
        pairs = flatten("SendBulkTemplatedEmail", params)
        assert ("Destinations.member.1.Destination.ToAddresses.member.2", "b@x") in pairs
        assert ("Destinations.member.2.Destination.BccAddresses.member.1", "c@x") in pairs
        assert ("Destinations.member.2.ReplacementTags.member.1.Value", "v") in pairs
        assert unflatten(pairs).params == params


class TestScalars:
    def test_booleans(self) -> None:
        """c4: "boolean ``true`` / ``false``"."""
        pairs = flatten("SetIdentityDkimEnabled", {"Identity": "x.com", "DkimEnabled": False})
        assert pairs[2:] == [("Identity", "x.com"), ("DkimEnabled", "false")]
        assert unflatten(pairs).params["DkimEnabled"] is False

    def test_integers(self) -> None:
        """c4: "integer decimal text ``MaxItems``"."""
        pairs = flatten("ListIdentities", {"MaxItems": 50})
        assert pairs[2:] == [("MaxItems", "50")]
        assert unflatten(pairs).params == {"MaxItems": 50}

    def test_blob_base64(self) -> None:
        """c4: "blob base64 then form-encoded (``=``->``%3D``...)"; str blobs are UTF-8 encoded."""
        for data in (b"\xffhi=", "\xffhi="):
            pairs = flatten("SendRawEmail", {"RawMessage": {"Data": data}})
            expected = "/2hpPQ==" if isinstance(data, bytes) else "w79oaT0="
            assert pairs[2:] == [("RawMessage.Data", expected)]
        assert unflatten(flatten("SendRawEmail", {"RawMessage": {"Data": b"x"}})).params == {
            "RawMessage": {"Data": b"x"}
        }

    def test_blob_memoryview(self) -> None:
        pairs = flatten("SendRawEmail", {"RawMessage": {"Data": memoryview(b"abc")}})
        assert pairs[2:] == [("RawMessage.Data", "YWJj")]

    def test_timestamps(self) -> None:
        """c4: "timestamp ISO 8601 ``2015-01-25T08%3A00%3A00Z``" (botocore's ISO8601 format)."""
        base = {"OriginalMessageId": "m", "BounceSender": "b@x", "BouncedRecipientInfoList": []}
        cases = [
            (datetime(2015, 1, 25, 8, tzinfo=UTC), "2015-01-25T08:00:00Z"),
            (datetime(2015, 1, 25, 8), "2015-01-25T08:00:00Z"),  # naive is taken as UTC
            (datetime(2015, 1, 25, 9, tzinfo=timezone(timedelta(hours=1))), "2015-01-25T08:00:00Z"),
            ("2015-01-25T08:00:00Z", "2015-01-25T08:00:00Z"),
            (1422172800, "2015-01-25T08:00:00Z"),
            (datetime(2015, 1, 25, 8, 0, 0, 5, tzinfo=UTC), "2015-01-25T08:00:00.000005Z"),
        ]
        for value, text in cases:
            params = {**base, "MessageDsn": {"ReportingMta": "r", "ArrivalDate": value}}
            pairs = flatten("SendBounce", params)
            assert ("MessageDsn.ArrivalDate", text) in pairs
            back = unflatten(pairs).params["MessageDsn"]["ArrivalDate"]
            assert back == datetime.fromisoformat(text)
            assert back.tzinfo is UTC

    def test_float_specials(self) -> None:
        """Smithy AwsQuerySupportsNaNFloatInputs etc.: ``NaN``, ``Infinity``, ``-Infinity``."""
        model = load_model(
            {
                "metadata": {"apiVersion": "1"},
                "operations": {"Op": {"name": "Op", "input": {"shape": "In"}}},
                "shapes": {
                    "In": {"type": "structure", "members": {"D": {"shape": "D"}}},
                    "D": {"type": "double"},
                },
            }
        )
        for value, text in ((float("inf"), "Infinity"), (float("-inf"), "-Infinity"), (0.1, "0.1")):
            assert flatten("Op", {"D": value}, model=model)[2:] == [("D", text)]
            assert unflatten([("Action", "Op"), ("D", text)], model=model).params == {"D": value}
        assert flatten("Op", {"D": float("nan")}, model=model)[2:] == [("D", "NaN")]
        assert [
            (e.param, e.message)
            for e in validate_pairs([("Action", "Op"), ("D", "inf")], model=model)
        ] == [("D", "not a number: 'inf'")]


class TestFlattenValidation:
    """Every problem at once, each with the parameter name."""

    def test_all_problems_in_one_group(self) -> None:
        params = {
            "Destination": {"ToAddresses": "a@x"},
            "Message": {"Subject": {"Data": 3}, "Body": {}},
            "Bogus": 1,
            "Tags": [{"Name": "n"}],
        }
        with pytest.raises(ExceptionGroup) as info:
            flatten("SendEmail", params)
        errors = [e for e in info.value.exceptions if isinstance(e, ParamError)]
        assert len(errors) == len(info.value.exceptions)
        assert [(e.param, str(e)) for e in errors] == [
            (
                "Destination.ToAddresses",
                "wrong type: expected list, got str: 'Destination.ToAddresses'",
            ),
            ("Message.Subject.Data", "wrong type: expected str, got int: 'Message.Subject.Data'"),
            ("Tags.member.1.Value", "missing required member: 'Tags.member.1.Value'"),
            ("Bogus", "unknown member: 'Bogus'"),
            ("Source", "missing required member: 'Source'"),
        ]
        assert all(isinstance(e, ParamError) for e in info.value.exceptions)
        assert str(info.value) == "5 problem(s) with the params of SendEmail (5 sub-exceptions)"

    def test_wrong_scalar_types(self) -> None:
        problems = validate_params(
            "SetIdentityDkimEnabled", {"Identity": b"x", "DkimEnabled": "true"}
        )
        assert [(e.param, e.message) for e in problems] == [
            ("Identity", "wrong type: expected str, got bytes"),
            ("DkimEnabled", "wrong type: expected bool, got str"),
        ]
        problems = validate_params("ListIdentities", {"MaxItems": True})
        assert [(e.param, e.message) for e in problems] == [
            ("MaxItems", "wrong type: expected int, got bool")
        ]

    def test_unknown_operation(self) -> None:
        with pytest.raises(ExceptionGroup) as info:
            flatten("SendEmails", {})
        (error,) = info.value.exceptions
        assert isinstance(error, ParamError)
        assert (error.param, error.kind) == ("Action", "action-unknown")
        # what is wrong: the name asked for, not in the model
        assert error.message == "no operation 'SendEmails' in the 2010-12-01 model"

    def test_no_input_operation(self) -> None:
        assert flatten("GetSendQuota") == [("Action", "GetSendQuota"), ("Version", "2010-12-01")]
        assert [
            (e.param, e.kind, e.message) for e in validate_params("GetSendQuota", {"X": 1})
        ] == [("X", "unknown", "unknown member")]

    def test_no_params_is_no_members(self) -> None:
        """params omitted (None) is an input without members: what is required is missing."""
        assert flatten("ListIdentities") == [("Action", "ListIdentities"), *V[1:]]
        assert [(e.param, e.kind) for e in validate_params("SendEmail")] == [
            ("Source", "missing"),
            ("Destination", "missing"),
            ("Message", "missing"),
        ]


class TestUnflattenValidation:
    """docs/spec.md#param-list, docs/spec.md#policy-member-n: 1-based, contiguous ``member.N``;
    every problem reported at once."""

    def test_index_zero_gap_duplicate(self) -> None:
        pairs = _send(
            ("Destination.ToAddresses.member.0", "a"),
            ("Destination.ToAddresses.member.1", "b"),
            ("Destination.ToAddresses.member.3", "c"),
            ("Destination.ToAddresses.member.3", "d"),
            ("Destination.ToAddresses.member.04", "e"),
        )
        assert _problems(pairs) == [
            ("Destination.ToAddresses.member.3", "duplicate parameter"),
            ("Destination.ToAddresses.member.0", "list index must start at 1"),
            (
                "Destination.ToAddresses.member.04",
                "list index is not a positive decimal number without leading zeros",
            ),
            ("Destination.ToAddresses.member.2", "list index gap: this element is missing"),
        ]

    def test_unknown_and_missing(self) -> None:
        pairs = [
            *V,
            ("Destination.ToAddresses.member.1", "a"),
            ("Foo", "x"),
            ("Message.Subject.Dat", "s"),
        ]
        assert _problems(pairs) == [
            ("Foo", "unknown member"),
            ("Message.Subject.Dat", "unknown member"),
            ("Message.Subject.Data", "missing required member"),
            ("Message.Body", "missing required member"),
            ("Source", "missing required member"),
        ]

    def test_bad_scalar_text(self) -> None:
        pairs = [
            ("Action", "SetIdentityDkimEnabled"),
            ("Identity", "x"),
            ("DkimEnabled", "True"),
        ]
        assert _problems(pairs) == [("DkimEnabled", "not a boolean ('true' or 'false'): 'True'")]
        assert _problems([("Action", "ListIdentities"), ("MaxItems", "1.0")]) == [
            ("MaxItems", "not an integer: '1.0'")
        ]
        raw = [("Action", "SendRawEmail"), ("RawMessage.Data", "abc")]
        ((param, message),) = _problems(raw)
        assert param == "RawMessage.Data"
        assert message.startswith("not valid base64")
        bounce = [
            ("Action", "SendBounce"),
            ("OriginalMessageId", "m"),
            ("BounceSender", "b"),
            ("BouncedRecipientInfoList", ""),
            ("MessageDsn.ReportingMta", "r"),
            ("MessageDsn.ArrivalDate", "2015-01-25 08:00:00"),
        ]
        assert _problems(bounce) == [
            (
                "MessageDsn.ArrivalDate",
                "not an ISO 8601 timestamp (YYYY-MM-DDThh:mm:ssZ): '2015-01-25 08:00:00'",
            )
        ]

    def test_shape_mismatches(self) -> None:
        pairs = _send(("Destination", "x"), ("Message.Subject.Data.Deep", "y"))
        assert _problems(pairs) == [
            ("Message.Subject.Data", "expected a single value, got nested parameters"),
            ("Destination", "expected nested parameters, got a single value"),
        ]
        mixed = _send(("Destination.ToAddresses", ""), ("Destination.ToAddresses.member.1", "a"))
        assert _problems(mixed) == [
            ("Destination.ToAddresses", "empty-list marker 'Name=' together with list elements")
        ]

    def test_action_and_version(self) -> None:
        assert _problems([("Source", "x")]) == [("Action", "missing Action")]
        assert _problems([("Action", "Nope")]) == [("Action", "unknown action: 'Nope'")]
        assert _problems([("Action", "GetSendQuota"), ("Version", "2011-01-01")]) == [
            ("Version", "Version is not '2010-12-01': '2011-01-01'")
        ]
        assert _problems([("Action", "GetSendQuota"), ("Action", "GetSendQuota")]) == [
            ("Action", "duplicate parameter")
        ]
        twice = [("Version", "2010-12-01"), ("Action", "GetSendQuota"), ("Version", "x")]
        assert _problems(twice) == [
            ("Version", "duplicate parameter"),
            ("Version", "Version is not '2010-12-01': 'x'"),
        ]

    def test_kinds_of_the_action_and_version_problems(self) -> None:
        """Each problem's kind, the part of it a program reads (docs/spec.md#param-version)."""

        def kinds(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
            return [(e.param, e.kind) for e in validate_pairs(pairs)]

        assert kinds([("Source", "x")]) == [("Action", "action-missing")]
        assert kinds([("Action", "Nope")]) == [("Action", "action-unknown")]
        assert kinds([("Action", "GetSendQuota"), ("Version", "x")]) == [("Version", "version")]
        twice = [("Version", "2010-12-01"), ("Version", "2010-12-01"), ("Action", "GetSendQuota")]
        assert kinds(twice) == [("Version", "duplicate")]
        assert kinds([*V, ("Action", "SendEmail")])[0] == ("Action", "duplicate")
        # an operation without input: every other parameter is unknown, named as sent
        assert kinds([("Action", "GetSendQuota"), ("X", "1"), ("Y.member.1", "2")]) == [
            ("X", "unknown"),
            ("Y.member.1", "unknown"),
        ]
        assert _problems([("Action", "GetSendQuota"), ("X", "1")]) == [("X", "unknown member")]

    def test_what_a_refused_body_still_says(self) -> None:
        """Without Version the version is None (docs/spec.md#param-version: servers default
        it), and a body refused whole still names its action in the problems' group."""
        assert unflatten([("Action", "GetSendQuota")]) == Unflattened("GetSendQuota", None, {})
        assert unflatten([("Action", "GetSendQuota"), ("Version", "2010-12-01")]) == Unflattened(
            "GetSendQuota", "2010-12-01", {}
        )
        too_many = [("MaxItems", "1"), ("Action", "ListIdentities")]
        too_many += [("MaxItems", "1")] * (MAX_PAIRS - 1)
        (error,) = validate_pairs(too_many)
        assert (error.param, error.kind) == ("(form)", "too-many-pairs")
        with pytest.raises(ExceptionGroup) as info:
            unflatten(too_many)
        assert str(info.value).startswith("1 problem(s) with the parameters of ListIdentities")
        with pytest.raises(ExceptionGroup) as info:
            unflatten([("Action", "Nope")])
        assert str(info.value).startswith("1 problem(s) with the parameters of Nope")
        with pytest.raises(ExceptionGroup) as info:
            unflatten([("Source", "x")])
        assert str(info.value).startswith("1 problem(s) with the parameters of the request")
        # the count of pairs is what the problem says
        assert str(error).startswith(f"{MAX_PAIRS + 1} parameters: more than the {MAX_PAIRS}")
        # too many pairs and no Action among them: a body of no action
        no_action = [("MaxItems", "1")] * (MAX_PAIRS + 1)
        assert [e.kind for e in validate_pairs(no_action)] == ["too-many-pairs"]
        with pytest.raises(ExceptionGroup) as info:
            unflatten(no_action)
        assert str(info.value).startswith("1 problem(s) with the parameters of the request")

    def test_empty_segment(self) -> None:
        assert _problems(_send(("Destination..ToAddresses", "a"))) == [
            ("Destination..ToAddresses", "empty segment in parameter name"),
            ("Destination", "missing required member"),
        ]

    def test_unflatten_raises_group(self) -> None:
        with pytest.raises(ExceptionGroup) as info:
            unflatten([("Action", "SendEmail")])
        params = [e.param for e in info.value.exceptions if isinstance(e, ParamError)]
        assert params == ["Source", "Destination", "Message"]


class TestLargeBlob:
    """A large RawMessage.Data is encoded by C code, with no needless copies."""

    def test_peak_memory_of_flatten(self) -> None:
        import tracemalloc

        data = bytes(range(256)) * (16 * 1024)  # 4 MiB
        flatten("SendRawEmail", {"RawMessage": {"Data": b"warm-up"}})
        tracemalloc.start()
        try:
            pairs = flatten("SendRawEmail", {"RawMessage": {"Data": data}})
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        encoded = pairs[-1][1]
        assert len(encoded) == (len(data) + 2) // 3 * 4
        # the base64 bytes and the str made from them, nothing more
        assert peak < 2.2 * len(encoded)
        assert unflatten(pairs).params["RawMessage"]["Data"] == data


class TestFlattenForBody:
    """The pairs a body writer gets: flatten's pairs, a blob of DEFER_BLOB bytes or more left
    as bytes beside an empty value (sesspec._body encodes it in slices), smaller ones in
    base64 (SMITHY-Q: blobs are base64), problems raised as flatten raises them."""

    def test_small_blob_in_base64_large_one_deferred(self) -> None:
        small = flatten_for_body("SendRawEmail", {"RawMessage": {"Data": b"abc"}})
        assert list(small) == [("Action", "SendRawEmail"), *V[1:], ("RawMessage.Data", "YWJj")]
        assert small.blobs == {}
        data = b"\x00" * DEFER_BLOB
        large = flatten_for_body("SendRawEmail", {"RawMessage": {"Data": data}})
        assert list(large) == [("Action", "SendRawEmail"), *V[1:], ("RawMessage.Data", "")]
        assert large.blobs == {2: data}

    def test_the_model_given(self) -> None:
        model = load_model(
            {
                "metadata": {"apiVersion": "7"},
                "operations": {"Op": {"name": "Op", "input": {"shape": "In"}}},
                "shapes": {
                    "In": {"type": "structure", "members": {"B": {"shape": "B"}}},
                    "B": {"type": "blob"},
                },
            }
        )
        pairs = flatten_for_body("Op", {"B": b"abc"}, model=model)
        assert list(pairs) == [("Action", "Op"), ("Version", "7"), ("B", "YWJj")]

    def test_problems_raised(self) -> None:
        with pytest.raises(ExceptionGroup) as info:
            flatten_for_body("SendRawEmail", None)
        errors = [e for e in info.value.exceptions if isinstance(e, ParamError)]
        assert [(e.param, e.kind) for e in errors] == [("RawMessage", "missing")]
        assert len(errors) == len(info.value.exceptions)
        with pytest.raises(ExceptionGroup, match="SendRawEmails"):
            flatten_for_body("SendRawEmails", {})
