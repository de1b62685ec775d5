"""Email addresses are checked at the field against what Xero accepts for a contact's EmailAddress."""

from __future__ import annotations

import pytest

from tui.domain.business import BusinessDetails
from tui.domain.customer import MAX_EMAIL, Customer, email_problem
from tui.domain.errors import ValidationError


@pytest.mark.parametrize("address", [
    "jo@example.com", " jo.smith+invoices@mail.example.com.au ", "o'brien@obrien.example", "a_b-c@x-y.io",
    "x@xn--bcher-kva.example", f"{'a' * 64}@{'b' * 63}.{'c' * 63}.{'d' * 57}",  # 250 characters
])
def test_plain_addresses_are_accepted(address):
    assert email_problem(address) is None


@pytest.mark.parametrize("address,message", [
    ("a" * 290 + "@example.com", "at most 255 characters (this one has 302)"),
    ("jo@bücher.de", "only plain ASCII"),
    ("zoë@example.com", "only plain ASCII"),
    ("<x>@y.com", "Enter just the address"),
    ("Jo Smith <jo@example.com>", "Enter just the address"),
    ("jo @example.com", "Enter just the address"),
    ('"jo"@example.com', "Enter just the address"),
    ("not an email", "'not an email' is not an email address"),
    ("@example.com", "it needs name@domain"),
    ("jo@", "it needs name@domain"),
    ("jo..smith@example.com", "check the part before the @"),
    ("a@b@example.com", "check the part before the @"),
    ("jo@localhost", "'localhost' is not an email domain"),
    ("jo@example..com", "is not an email domain"),
    ("jo@-example.com", "is not an email domain"),
    ("jo@1.2.3.4", "is not an email domain"),
])
def test_what_xero_refuses_is_refused_with_a_reason(address, message):
    assert message in (email_problem(address) or "")


def test_the_limit_is_xeros():
    assert MAX_EMAIL == 255
    assert email_problem("a" * 243 + "@example.com") is None  # 255 characters
    assert email_problem("a" * 244 + "@example.com") is not None


def test_customer_and_business_emails_name_the_field():
    with pytest.raises(ValidationError) as err:
        Customer(name="Jo", email="<x>@y.com").validated()
    assert err.value.errors == {
        "email": "Enter just the address, like name@example.com (no name, spaces, quotes or < >)"}
    with pytest.raises(ValidationError) as err:
        BusinessDetails(name="Jo's Plumbing", email="accounts@bücher.de").validated()
    assert set(err.value.errors) == {"email"}
