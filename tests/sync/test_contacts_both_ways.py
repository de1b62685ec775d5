"""Contacts both ways, through real HTTP against the sandbox: Xero's edits reach the customers here, ours reach
Xero, both-sides edits of one field are a conflict showing both values, and nothing is overwritten or
duplicated."""

from __future__ import annotations

from dataclasses import replace

from tests.fixtures.sync import make_invoice, send

PEOPLE = [("Ava Brooks", "ava@example.com"), ("Ben Carter", "ben@example.com"), ("Cleo Diaz", "cleo@example.com")]


def _synced_customers(c):
    out = {}
    for i, (name, email) in enumerate(PEOPLE):
        inv = send(c.services, make_invoice(c.services, customer_name=name, email=email, number=f"CB-{i:03d}"))
        out[name] = inv.customer_id
    report = c.sync()
    assert report.ok, report.message
    return out


def _phone(contact: dict) -> str:
    return next(p["PhoneNumber"] for p in contact["Phones"] if p["PhoneType"] == "DEFAULT")


def _address(contact: dict, kind: str = "STREET") -> dict:
    return next(a for a in contact["Addresses"] if a["AddressType"] == kind)


def _street(contact: dict) -> str:
    return _address(contact)["AddressLine1"]


def test_created_contacts_carry_our_customer_id(connected):
    c = connected
    ids = _synced_customers(c)
    for name, customer_id in ids.items():
        (contact,) = c.xero_contacts(name)
        assert contact["ContactNumber"] == f"TC-{customer_id}"


# what the bookkeeper sets in Xero for each customer, and how it reads here
XERO_EDITS = {name: {"first_name": first, "last_name": last, "email": f"accounts{i}@xero.example",
                     "phone": f"02 9000 000{i}", "address": f"{i} Xero St, Sydney",
                     "postal_address": f"PO Box {i}0, Sydney, 2001"}
              for i, (name, first, last) in enumerate([("Ava Brooks", "Ava", "Brooks"), ("Ben Carter", "Ben", "Carter"),
                                                       ("Cleo Diaz", "Cleo", "Diaz")])}


def test_xero_edits_come_here_ours_go_there_and_both_sides_are_a_conflict(connected):
    c = connected
    ids = _synced_customers(c)
    sb = c.sb.control
    for i, (name, _) in enumerate(PEOPLE):  # the bookkeeper edits every field we hold but the name in Xero
        sb.edit_contact(name, c.tenant_id, FirstName=XERO_EDITS[name]["first_name"],
                        LastName=XERO_EDITS[name]["last_name"], EmailAddress=f"accounts{i}@xero.example",
                        Phones=[{"PhoneType": "DEFAULT", "PhoneNumber": f"02 9000 000{i}"}],
                        Addresses=[{"AddressType": "STREET", "AddressLine1": f"{i} Xero St", "City": "Sydney"},
                                   {"AddressType": "POBOX", "AddressLine1": f"PO Box {i}0", "City": "Sydney",
                                    "PostalCode": "2001"}])
    s = c.services
    ava = s.customer(ids["Ava Brooks"])  # a different field here
    s.save_customer(replace(ava, name="Ava Brooks-Ng"))
    ben = s.customer(ids["Ben Carter"])  # the same fields here: email and postal address
    s.save_customer(replace(ben, email="ben.carter@here.example", postal_address="PO Box 77, Glebe NSW 2037"))
    cleo = s.customer(ids["Cleo Diaz"])  # the same fields here: first and last name
    s.save_customer(replace(cleo, first_name="Cleopatra", last_name="Diaz-Ruiz"))

    report = c.sync()
    assert report.ok and report.conflicts == 2, report.message

    ava, ben, cleo = (s.customer(ids[n]) for n, _ in PEOPLE)
    assert (ava.name, ava.first_name, ava.last_name, ava.email, ava.phone, ava.address, ava.postal_address) == \
        ("Ava Brooks-Ng", "Ava", "Brooks", "accounts0@xero.example", "02 9000 0000", "0 Xero St, Sydney",
         "PO Box 00, Sydney, 2001")
    assert (cleo.email, cleo.phone, cleo.address, cleo.postal_address) == \
        ("accounts2@xero.example", "02 9000 0002", "2 Xero St, Sydney", "PO Box 20, Sydney, 2001")
    # Ben: Xero's names, phone and street address taken; the email and postal address are conflicts showing both
    # values, nothing sent over Xero's
    assert (ben.first_name, ben.last_name, ben.phone, ben.address) == ("Ben", "Carter", "02 9000 0001",
                                                                       "1 Xero St, Sydney")
    assert [(k.label, k.local, k.remote) for k in s.sync.conflicts(ids["Ben Carter"], "contact")] == \
        [("Email", "ben.carter@here.example", "accounts1@xero.example"),
         ("Postal address", "PO Box 77, Glebe NSW 2037", "PO Box 10, Sydney, 2001")]
    assert [(k.label, k.local, k.remote) for k in s.sync.conflicts(ids["Cleo Diaz"], "contact")] == \
        [("First name", "Cleopatra", "Cleo"), ("Last name", "Diaz-Ruiz", "Diaz")]
    problems = [p for p in s.sync.problems() if p.code == "conflict"]
    assert sorted((p.kind, p.entity_id) for p in problems) == sorted(("contact", ids[n]) for n in
                                                                     ("Ben Carter", "Cleo Diaz"))
    # every value set in Xero is here, or in a conflict showing it
    for name, edits in XERO_EDITS.items():
        here = s.customer(ids[name])
        in_conflict = {k.field: k.remote for k in s.sync.conflicts(ids[name], "contact")}
        for field, value in edits.items():
            assert getattr(here, field) == value or in_conflict.get(field) == value, (name, field)

    (x_ava,) = c.xero_contacts("Ava Brooks-Ng")  # our name went to Xero; Xero's own edits were kept there
    assert (x_ava["FirstName"], x_ava["LastName"], x_ava["EmailAddress"], _phone(x_ava), _street(x_ava)) == \
        ("Ava", "Brooks", "accounts0@xero.example", "02 9000 0000", "0 Xero St")
    assert _address(x_ava)["City"] == "Sydney"
    assert {k: _address(x_ava, "POBOX")[k] for k in ("AddressLine1", "City", "PostalCode")} == \
        {"AddressLine1": "PO Box 00", "City": "Sydney", "PostalCode": "2001"}
    (x_ben,) = c.xero_contacts("Ben Carter")
    assert (x_ben["EmailAddress"], _address(x_ben, "POBOX")["AddressLine1"]) == ("accounts1@xero.example",
                                                                                 "PO Box 10")
    (x_cleo,) = c.xero_contacts("Cleo Diaz")
    assert (x_cleo["FirstName"], x_cleo["LastName"]) == ("Cleo", "Diaz")
    assert len(c.xero_contacts()) == len({x["Name"] for x in c.xero_contacts()})  # 0 duplicates

    # keep ours, or take Xero's: ours goes to Xero; nothing else of Xero's is touched
    s.sync.resolve_conflicts(ids["Ben Carter"], {"email": "local", "postal_address": "remote"}, "contact")
    s.sync.resolve_conflicts(ids["Cleo Diaz"], {"first_name": "local", "last_name": "remote"}, "contact")
    assert c.sync().ok
    (x_ben,) = c.xero_contacts("Ben Carter")
    assert (x_ben["EmailAddress"], _phone(x_ben), _address(x_ben, "POBOX")["AddressLine1"]) == \
        ("ben.carter@here.example", "02 9000 0001", "PO Box 10")
    assert s.customer(ids["Ben Carter"]).postal_address == "PO Box 10, Sydney, 2001"
    (x_cleo,) = c.xero_contacts("Cleo Diaz")
    assert (x_cleo["FirstName"], x_cleo["LastName"], x_cleo["EmailAddress"]) == \
        ("Cleopatra", "Diaz", "accounts2@xero.example")
    cleo = s.customer(ids["Cleo Diaz"])
    assert (cleo.first_name, cleo.last_name) == ("Cleopatra", "Diaz")
    assert not s.sync.conflicts(ids["Ben Carter"], "contact") and not s.sync.conflicts(ids["Cleo Diaz"], "contact")
    assert s.sync.overview().conflicts == 0


def test_take_xeros_value_and_fields_we_do_not_hold_are_never_blanked(connected):
    """Xero's names and postal address come here; its MOBILE phone, which we do not hold, stays as it is."""
    c = connected
    ids = _synced_customers(c)
    c.sb.control.edit_contact("Cleo Diaz", c.tenant_id, FirstName="Cleo", LastName="Diaz",
                              EmailAddress="cleo@xero.example",
                              Phones=[{"PhoneType": "MOBILE", "PhoneNumber": "0400 000 000"}],
                              Addresses=[{"AddressType": "POBOX", "AddressLine1": "PO Box 9"}])
    s = c.services
    s.save_customer(replace(s.customer(ids["Cleo Diaz"]), email="cleo@here.example", phone="02 8000 0000"))
    assert c.sync().conflicts == 1
    s.sync.resolve_conflicts(ids["Cleo Diaz"], {"email": "remote"}, "contact")
    cleo = s.customer(ids["Cleo Diaz"])
    assert (cleo.email, cleo.first_name, cleo.last_name, cleo.postal_address) == \
        ("cleo@xero.example", "Cleo", "Diaz", "PO Box 9")  # changed in Xero only: taken
    assert c.sync().ok
    (x,) = c.xero_contacts("Cleo Diaz")
    assert (x["FirstName"], x["LastName"], x["EmailAddress"]) == ("Cleo", "Diaz", "cleo@xero.example")
    phones = {p["PhoneType"]: p["PhoneNumber"] for p in x["Phones"]}
    assert phones == {"DEFAULT": "02 8000 0000", "MOBILE": "0400 000 000"}
    assert {a["AddressType"] for a in x["Addresses"]} >= {"POBOX"}


def test_an_idle_pass_does_not_write_contacts_and_a_re_push_sends_only_what_changed(connected):
    c = connected
    ids = _synced_customers(c)
    writes = c.writes()
    c.sb.control.edit_contact("Ava Brooks", c.tenant_id, EmailAddress="ava@xero.example")
    s = c.services
    s.save_customer(replace(s.customer(ids["Ava Brooks"]), phone="02 7000 0000", first_name="Ava",
                            postal_address="PO Box 5, Bondi NSW 2026"))
    assert c.sync().ok
    assert c.writes() == writes + 1  # one POST with Ava's phone, first name and postal address
    (x,) = c.xero_contacts("Ava Brooks")
    assert (x["EmailAddress"], _phone(x), x["FirstName"], _address(x, "POBOX")["AddressLine1"]) == \
        ("ava@xero.example", "02 7000 0000", "Ava", "PO Box 5, Bondi NSW 2026")
    assert not [a for a in x["Addresses"] if a["AddressType"] == "STREET" and a["AddressLine1"]]
    assert s.customer(ids["Ava Brooks"]).email == "ava@xero.example"
    assert c.sync().ok and c.writes() == writes + 1


def test_a_contact_synced_before_names_and_postal_addresses_were_held_is_not_blanked(connected):
    """Its last synced copy has no first/last name or postal address, and neither has the customer here (the
    columns were added since): a change made here sends only that change, never a blank over Xero's values."""
    import json

    from tui.store.sync_tables import SyncRecordRow
    from tui.store.tables import CustomerRow

    c = connected
    ids = _synced_customers(c)
    c.sb.control.edit_contact("Ben Carter", c.tenant_id, FirstName="Ben", LastName="Carter",
                              Addresses=[{"AddressType": "POBOX", "AddressLine1": "PO Box 3", "City": "Ryde"}])
    s = c.services
    assert c.sync(now=_later()).ok
    ben_id = ids["Ben Carter"]
    assert s.customer(ben_id).postal_address == "PO Box 3, Ryde"

    def as_before_the_upgrade():
        with s.session() as db:
            row = db.get(CustomerRow, ben_id)
            row.first_name = row.last_name = row.postal_address = ""
            db.add(row)
            rec = db.get(SyncRecordRow, ("contact", ben_id))
            rec.snapshot = json.dumps({k: v for k, v in json.loads(rec.snapshot).items()
                                       if k not in ("first_name", "last_name", "postal_address")})
            db.add(rec)

    as_before_the_upgrade()
    s.save_customer(replace(s.customer(ben_id), phone="02 6111 1111"))
    report = c.sync(now=_later(4))
    assert report.ok and report.conflicts == 0, report.message
    (x,) = c.xero_contacts("Ben Carter")
    assert (x["FirstName"], x["LastName"], _address(x, "POBOX")["AddressLine1"], _phone(x)) == \
        ("Ben", "Carter", "PO Box 3", "02 6111 1111")
    # Xero changes the postal address while the customer is edited here: merged field by field, Xero's taken (a
    # blank here against no known copy is no conflict)
    as_before_the_upgrade()
    c.sb.control.advance_clock(5)
    c.sb.control.edit_contact("Ben Carter", c.tenant_id,
                              Addresses=[{"AddressType": "POBOX", "AddressLine1": "PO Box 4"}])
    s.save_customer(replace(s.customer(ben_id), email="ben@here.example"))
    report = c.sync(now=_later(6))
    assert report.ok and report.conflicts == 0, report.message
    ben = s.customer(ben_id)
    assert (ben.first_name, ben.postal_address, ben.email) == ("Ben", "PO Box 4, Ryde", "ben@here.example")
    assert c.xero_contacts("Ben Carter")[0]["EmailAddress"] == "ben@here.example"


def _later(minutes: float = 2):
    from datetime import datetime, timedelta, timezone

    return lambda: datetime.now(timezone.utc) + timedelta(minutes=minutes)


def test_250_contacts_changed_in_xero_are_read_in_3_pages_in_one_pass(connected):
    c = connected
    assert c.sync().ok  # the first read sets the baseline
    for i in range(250):
        c.sb.control.create_contact(c.tenant_id, Name=f"Xero Customer {i:03d}", EmailAddress=f"x{i}@example.com",
                                    IsCustomer=True)
    c.sb.control.reset_counters()
    report = c.sync(now=_later())
    assert report.ok and report.pulled == 250, report.message
    assert c.requests()["GET /api.xro/2.0/contacts"] == 3
    names = {x.name for x in c.services.customers("Xero Customer", limit=1000)[0]}
    assert len(names) == 250
    c.sb.control.advance_clock(5)
    c.sb.control.edit_contact("Xero Customer 007", c.tenant_id, EmailAddress="seven@example.com")
    assert c.sync(now=_later(4)).pulled == 1
    c.sb.control.reset_counters()
    report = c.sync(now=_later(6))  # nothing changed since: one call for contacts, nothing added
    assert report.ok and report.pulled == 0
    assert c.requests()["GET /api.xro/2.0/contacts"] == 1
    assert c.services.customers("Xero Customer", limit=1000)[1] == 250


def test_contact_made_in_xero_archived_and_merged(connected):
    c = connected
    ids = _synced_customers(c)
    sb = c.sb.control
    sb.create_contact(c.tenant_id, Name="Dana Evans", EmailAddress="dana@example.com", IsCustomer=True,
                      Phones=[{"PhoneType": "DEFAULT", "PhoneNumber": "02 6000 0000"}])
    sb.create_contact(c.tenant_id, Name="Supplies Co", IsSupplier=True)  # a supplier: not a customer here
    assert c.sync(now=_later()).ok
    (dana,) = [x for x in c.services.customers("Dana")[0]]
    assert (dana.email, dana.phone, dana.xero_contact_id is not None) == ("dana@example.com", "02 6000 0000", True)
    assert not c.services.customers("Supplies")[0]

    sb.archive_contact("Ava Brooks", c.tenant_id)
    assert c.sync(now=_later(4)).ok
    ava = c.services.customer(ids["Ava Brooks"])
    assert ava.archived
    with c.services.session() as s:  # kept, with its invoice
        from tui.store.tables import InvoiceRow

        assert s.get(InvoiceRow, _invoice_id(c, "CB-000")).customer_id == ava.id

    # Ben merged into Dana in Xero: Ben's invoices are Dana's now, here as there
    ben_invoice = [i for i in c.xero_invoices() if i["InvoiceNumber"] == "CB-001"][0]
    sb.merge_contacts("Ben Carter", "Dana Evans", c.tenant_id)
    assert c.sync(now=_later(6)).ok
    from tui.store.tables import InvoiceRow

    with c.services.session() as s:
        row = s.get(InvoiceRow, _invoice_id(c, "CB-001"))
        assert row.customer_id == dana.id
    assert c.services.customer(ids["Ben Carter"]).archived
    assert c.sb.control.invoice(ben_invoice["InvoiceID"], c.tenant_id)["Contact"]["Name"] == "Dana Evans"

    # Cleo merged into a contact that is no customer of ours: Cleo follows it
    survivor = sb.create_contact(c.tenant_id, Name="Cleo Diaz Pty Ltd", EmailAddress="office@cleo.example")
    sb.merge_contacts("Cleo Diaz", survivor["ContactID"], c.tenant_id)
    assert c.sync(now=_later(8)).ok
    cleo = c.services.customer(ids["Cleo Diaz"])
    assert (cleo.xero_contact_id, cleo.name, cleo.archived) == (survivor["ContactID"], "Cleo Diaz Pty Ltd", False)
    assert len([x for x in c.services.customers("Cleo")[0]]) == 1


def _invoice_id(c, number: str) -> int:
    from sqlmodel import select

    from tui.store.tables import InvoiceRow

    with c.services.session() as s:
        return s.exec(select(InvoiceRow.id).where(InvoiceRow.number == number)).one()


def test_xero_edits_made_while_a_pass_runs_are_merged_or_kept_as_conflicts(connected):
    """The bookkeeper saves a contact between two requests of a pass: nothing of either side is lost."""
    c = connected
    ids = _synced_customers(c)
    s, sb = c.services, c.sb.control
    s.save_customer(replace(s.customer(ids["Ava Brooks"]), email="ava@here.example"))
    s.save_customer(replace(s.customer(ids["Ben Carter"]), email="ben@here.example"))
    # Ava's email (the field edited here) as the pass reads contacts; Ben's phone as it reads invoices
    sb.edit_contact_during("Ava Brooks", {"EmailAddress": "ava@xero.example"}, path="/contacts", method="GET",
                           tenant_id=c.tenant_id)
    sb.edit_contact_during("Ben Carter", {"Phones": [{"PhoneType": "DEFAULT", "PhoneNumber": "02 9111 1111"}]},
                           path="/invoices", method="GET", tenant_id=c.tenant_id)
    report = c.sync()
    assert report.ok and report.conflicts == 1, report.message
    assert not c.sb.state.hooks.pending()
    (conflict,) = s.sync.conflicts(ids["Ava Brooks"], "contact")
    assert (conflict.local, conflict.remote) == ("ava@here.example", "ava@xero.example")
    assert c.xero_contacts("Ava Brooks")[0]["EmailAddress"] == "ava@xero.example"
    ben = s.customer(ids["Ben Carter"])
    assert (ben.email, ben.phone) == ("ben@here.example", "02 9111 1111")
    (x_ben,) = c.xero_contacts("Ben Carter")
    assert (x_ben["EmailAddress"], _phone(x_ben)) == ("ben@here.example", "02 9111 1111")


def test_a_change_made_here_after_the_pass_read_contacts_waits_for_the_next_read(connected):
    """Edited here while the pass runs, after its contacts read: not sent over a Xero edit the pass never saw."""
    c = connected
    ids = _synced_customers(c)
    s, sb = c.services, c.sb.control
    s.save_customer(replace(s.customer(ids["Cleo Diaz"]), phone="02 8222 2222"))  # so the pass reads contacts
    cleo = ids["Cleo Diaz"]

    def edit_here_and_in_xero():  # after the contacts read: Xero and here change Cleo's email
        sb.edit_contact("Cleo Diaz", c.tenant_id, EmailAddress="cleo@xero.example")
        s.save_customer(replace(s.customer(cleo), email="cleo@here.example"))

    c.sb.state.hooks.add(edit_here_and_in_xero, path="/contacts", method="POST")
    report = c.sync()  # Xero's answer to the phone's update has the new email: both emails kept as a conflict
    assert report.ok and report.conflicts == 1, report.message
    assert c.xero_contacts("Cleo Diaz")[0]["EmailAddress"] == "cleo@xero.example"  # not overwritten unseen
    assert _phone(c.xero_contacts("Cleo Diaz")[0]) == "02 8222 2222"
    assert c.sync().ok
    assert c.xero_contacts("Cleo Diaz")[0]["EmailAddress"] == "cleo@xero.example"  # held for the user's choice
    (conflict,) = s.sync.conflicts(cleo, "contact")
    assert (conflict.local, conflict.remote) == ("cleo@here.example", "cleo@xero.example")


def test_a_contact_made_in_xero_for_a_customer_not_linked_yet_is_linked_not_added(connected):
    c = connected
    assert c.sync().ok  # the baseline
    s = c.services
    inv = make_invoice(s, customer_name="Eve Foster", email="eve@example.com", number="CB-100")
    c.sb.control.create_contact(c.tenant_id, Name="Eve Foster", EmailAddress="eve@example.com", IsCustomer=True,
                                Phones=[{"PhoneType": "DEFAULT", "PhoneNumber": "02 5000 0000"}])
    send(s, inv)
    report = c.sync(now=_later())
    assert report.ok, report.message
    assert [x.name for x in s.customers("Eve")[0]] == ["Eve Foster"]
    eve = s.customer(inv.customer_id)
    (contact,) = c.xero_contacts("Eve Foster")
    assert (eve.xero_contact_id, eve.phone) == (contact["ContactID"], "02 5000 0000")
    assert c.xero_invoices("CB-100")[0]["Contact"]["ContactID"] == contact["ContactID"]


def test_a_customer_linked_by_hand_is_merged_before_its_details_are_sent(connected):
    """Linked to an existing contact (a name clash's fix): its change here does not overwrite Xero's values."""
    c = connected
    s = c.services
    contact = c.sb.control.create_contact(c.tenant_id, Name="Gus Hale", EmailAddress="gus@xero.example",
                                          Phones=[{"PhoneType": "DEFAULT", "PhoneNumber": "02 4000 0000"}])
    from tui.domain.customer import Customer

    gus = s.save_customer(Customer("Gus Hale", "gus@here.example"))
    s.sync.link_customer(gus.id, contact["ContactID"])
    s.save_customer(replace(s.customer(gus.id), address="4 Here St"))
    report = c.sync()
    assert report.ok and report.conflicts == 1, report.message
    (x,) = c.xero_contacts("Gus Hale")
    assert (x["EmailAddress"], _phone(x)) == ("gus@xero.example", "02 4000 0000")  # nothing sent over them
    assert s.customer(gus.id).phone == "02 4000 0000"
    assert [(k.label, k.local, k.remote) for k in s.sync.conflicts(gus.id, "contact")] == \
        [("Email", "gus@here.example", "gus@xero.example")]
    s.sync.resolve_conflicts(gus.id, {"email": "remote"}, "contact")  # the customer's push waited for this
    assert c.sync().ok
    (x,) = c.xero_contacts("Gus Hale")
    assert (x["EmailAddress"], _phone(x), _street(x)) == ("gus@xero.example", "02 4000 0000", "4 Here St")
