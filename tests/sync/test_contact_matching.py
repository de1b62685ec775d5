"""Matching a customer to Xero's contacts: a contact numbered for another of our customers is never taken."""

from __future__ import annotations

from tui.domain.customer import Customer
from tui.sync.contacts import index_contacts, match_contact

SHARED = "accounts@example.com"  # two customers of one family or firm often share the accounts email


def _contact(contact_id: str, name: str, number: str = "") -> dict:
    return {"ContactID": contact_id, "Name": name, "EmailAddress": SHARED, "ContactNumber": number,
            "ContactStatus": "ACTIVE"}


def test_a_shared_email_does_not_link_a_customer_to_another_customers_contact():
    index = index_contacts([_contact("c1", "Customer One", "TC-1")])
    assert match_contact(Customer(id=2, name="Customer Two", email=SHARED), index) == (None, "")


def test_a_shared_email_still_links_a_contact_that_is_nobody_elses():
    index = index_contacts([_contact("c1", "Customer One", "TC-1"), _contact("x9", "Customer Two")])
    contact, clash = match_contact(Customer(id=2, name="Customer Two", email=SHARED), index)
    assert contact["ContactID"] == "x9" and clash == ""


def test_the_customers_own_number_is_matched_first():
    index = index_contacts([_contact("c1", "Customer One", "TC-1"), _contact("c2", "Customer Two", "TC-2")])
    contact, _ = match_contact(Customer(id=2, name="Customer Two", email=SHARED), index)
    assert contact["ContactID"] == "c2"


def test_a_same_named_contact_numbered_for_another_customer_is_a_clash_not_a_link():
    index = index_contacts([_contact("c1", "Same Name", "TC-1")])
    contact, clash = match_contact(Customer(id=2, name="Same Name", email=SHARED), index)
    assert contact is None and 'Xero already has a different contact named "Same Name"' in clash
