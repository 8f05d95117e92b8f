"""The ``ses_endpoint`` fixture as an application's test suite uses it.

The user's test file runs in a pytest subprocess with the plugin loaded as the entry point loads
it; boto3 (botocore 1.44.8) is the application's client.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests._wire import run_pytest

pytest.importorskip("boto3")

USER_TESTS = """
import re

import boto3
import pytest
from botocore.exceptions import ClientError


def _send(ses, to, subject, source="shop@example.com"):
    return ses.send_email(
        Source=source,
        Destination={"ToAddresses": [to]},
        Message={"Subject": {"Data": subject}, "Body": {"Text": {"Data": f"Hi {to}"}}},
    )["MessageId"]


def test_messages_filter_and_clear(ses_endpoint):
    ses = boto3.client("ses", **ses_endpoint.boto3_kwargs())
    first = _send(ses, "ana@example.com", "Your order #1")
    _send(ses, "bo@example.com", "Your order #2")
    assert [m.id for m in ses_endpoint.messages(to="Ana <ANA@example.com>")] == [first]
    assert len(ses_endpoint.messages(subject=re.compile(r"order #\\d"))) == 2
    assert len(ses_endpoint.messages(email="shop@example.com")) == 2
    assert ses_endpoint.messages(body="Hi bo@example.com")[0].to == ("bo@example.com",)
    assert ses_endpoint.clear() == 2
    assert ses_endpoint.messages() == []
    ses_endpoint.assert_not_sent(to="ana@example.com")
    ses_endpoint.assert_conformant()


def test_assert_sent(ses_endpoint):
    ses = boto3.client("ses", **ses_endpoint.boto3_kwargs())
    ses.create_template(
        Template={"TemplateName": "welcome", "SubjectPart": "Welcome, {{name}}",
                  "TextPart": "Start at {{url}}"}
    )
    ses.send_templated_email(
        Source="shop@example.com", Destination={"ToAddresses": ["ana@example.com"]},
        Template="welcome", TemplateData='{"name": "Ana", "url": "https://example.com/start"}',
    )
    message = ses_endpoint.assert_sent(to="ana@example.com", template="welcome")
    assert message.subject == "Welcome, Ana"
    assert message.text == "Start at https://example.com/start"
    ses_endpoint.assert_sent(subject="Welcome, Ana", count=1)
    with pytest.raises(AssertionError) as missed:
        ses_endpoint.assert_sent(to="ana@example.com", subject="Welcome, Bo")
    text = str(missed.value)
    assert "no message sent with to='ana@example.com', subject='Welcome, Bo'; 1 stored" in text
    assert "nearest:" in text
    assert "subject 'Welcome, Ana' template 'welcome' (differs in: subject)" in text
    with pytest.raises(AssertionError, match="expected 2 messages with"):
        ses_endpoint.assert_sent(to="ana@example.com", count=2)
    with pytest.raises(AssertionError, match="1 messages sent with template='welcome'"):
        ses_endpoint.assert_not_sent(template="welcome")


def test_sandbox_and_verify(ses_endpoint):
    ses = boto3.client("ses", **ses_endpoint.boto3_kwargs())
    assert not ses_endpoint.sandbox
    ses_endpoint.sandbox = True
    with pytest.raises(ClientError) as rejected:
        _send(ses, "ana@example.com", "Hi")
    assert rejected.value.response["Error"]["Code"] == "MessageRejected"
    ses_endpoint.verify("shop@example.com", "example.com")
    _send(ses, "ana@example.com", "Hi")
    ses_endpoint.assert_sent(to="ana@example.com")


def test_reset_and_wire_views(ses_endpoint):
    ses = boto3.client("ses", **ses_endpoint.boto3_kwargs())
    ses.verify_email_identity(EmailAddress="shop@example.com")
    _send(ses, "ana@example.com", "Hi")
    ses_endpoint.reset()
    assert ses.list_identities()["Identities"] == []
    assert ses_endpoint.messages() == []
    actions = [c.action for c in ses_endpoint.captures()]
    assert actions == ["VerifyEmailIdentity", "SendEmail", "ListIdentities"]
    rules = [[f.rule for f in found] for _, found in ses_endpoint.findings()]
    assert all("AUTH019" in r for r in rules)
    assert ses_endpoint.inbox_url == ses_endpoint.url + "_sesspec/"
"""


def test_fixture_in_a_users_suite(tmp_path: Path) -> None:
    test_file = tmp_path / "test_app_mail.py"
    test_file.write_text(USER_TESTS, encoding="utf-8")
    result = run_pytest(test_file)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 passed" in result.stdout


def test_ses_endpoint_needs_a_state(tmp_path: Path) -> None:
    from sesspec.serve import Endpoint
    from sesspec.serve.pytest_plugin import SesEndpoint

    with pytest.raises(ValueError, match="needs an endpoint with a state"):
        SesEndpoint(Endpoint(tmp_path / "c.jsonl", tls=False))


class TestEndpointOutsidePytest:
    """``Endpoint(path, state=True)`` has the fixture's helpers: the same functions."""

    def test_the_helpers_are_one_implementation(self) -> None:
        from sesspec.serve import Endpoint
        from sesspec.serve.helpers import EndpointHelpers
        from sesspec.serve.pytest_plugin import SesEndpoint

        for name in ("boto3_kwargs", "messages", "assert_sent", "assert_not_sent", "findings"):
            assert getattr(Endpoint, name) is getattr(EndpointHelpers, name)
            assert getattr(SesEndpoint, name) is getattr(EndpointHelpers, name)

    @pytest.mark.parametrize("tls", [True, False])
    def test_boto3_sends_and_the_mail_is_read_back(self, tmp_path: Path, tls: bool) -> None:
        boto3 = pytest.importorskip("boto3")
        from sesspec.serve import Endpoint

        with Endpoint(tmp_path / "c.jsonl", tls=tls, state=True) as ep:
            kwargs = ep.boto3_kwargs()
            ses = boto3.client("ses", **kwargs)
            ses.send_email(
                Source="shop@example.com",
                Destination={"ToAddresses": ["ana@example.com"]},
                Message={"Subject": {"Data": "Welcome, Ana"}, "Body": {"Text": {"Data": "Hi"}}},
            )
            message = ep.assert_sent(to="ana@example.com", subject="Welcome, Ana", count=1)
            ep.assert_not_sent(to="bob@example.com")
            with pytest.raises(AssertionError, match=r"no message sent with to='bob@example\.com'"):
                ep.assert_sent(to="bob@example.com")
            listed = ep.messages(email="shop@example.com")
            captured = [c.action for c in ep.captures()]
            inbox_url = ep.inbox_url
            cleared = ep.clear()
        assert message.text == "Hi"
        assert [m.id for m in listed] == [message.id]
        assert captured == ["SendEmail"]
        assert cleared == 1
        assert inbox_url == f"{ep.url}_sesspec/"
        assert kwargs["endpoint_url"] == ep.url
        assert kwargs["aws_access_key_id"] == "AKIDEXAMPLE"
        assert ("verify" in kwargs) == tls

    def test_without_a_state_the_helpers_say_so(self, tmp_path: Path) -> None:
        from sesspec.serve import Endpoint

        ep = Endpoint(tmp_path / "c.jsonl", tls=False)
        with pytest.raises(ValueError, match=r"keeps no state .*Endpoint\(\.\.\., state=True\)"):
            ep.messages()
