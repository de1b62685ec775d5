"""What the screens can do with credit notes, for :class:`~tui.services.Services` (mixed in, as ``Sending`` is):
one blocking method per user action, each in its own transaction (see ``/README.md``'s credit notes section).

Sending is as for invoices: the claim is committed before the adjustment note is emailed, then the note is recorded
sent and allocated to its invoice, and queued for Xero. Errors: ValidationError (per field), TransitionError,
ConflictError, SendClaimed, NotSent, NotFound, DuplicateError.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from tui.domain.business import BusinessDetails
from tui.domain.credit import Allocation, LinePick, Refund, allocation_problems, creditable, draft_from_invoice
from tui.domain.credit_note import CreditNote
from tui.domain.customer import Customer
from tui.domain.errors import ValidationError
from tui.domain.invoice import Invoice
from tui.domain.money import format_money
from tui.domain.payment import PaymentMethod


class CreditNoteServices:
    """Mixed into :class:`~tui.services.Services` (which provides session, business, customer, invoice, today,
    now, user, cfg, secrets and the mail helpers of :class:`~tui.sending.Sending`)."""

    # -- drafts ---------------------------------------------------------------------------------------------
    def new_credit_note(self, customer_id: int | None = None) -> CreditNote:
        b = self.business()
        return CreditNote(customer_id=customer_id, issue_date=self.today(b), amounts=b.line_amount_types)

    def credit_note_limit(self, invoice_id: int) -> Decimal:
        """The most a new credit note made from the invoice can credit."""
        from tui.store.invoices import get_invoice

        with self.session() as s:
            return creditable(get_invoice(s, invoice_id), _credited_before(s, invoice_id))

    def credit_note_from_invoice(self, invoice_id: int, picks: list[LinePick] | None = None) -> CreditNote:
        """An unsaved draft for the invoice's customer with the picked lines (all when None)."""
        from tui.store.invoices import get_invoice

        today = self.today()
        with self.session() as s:
            return draft_from_invoice(get_invoice(s, invoice_id), today, picks,
                                      credited_before=_credited_before(s, invoice_id))

    def save_credit_note(self, note: CreditNote) -> CreditNote:
        from tui.store.credit_notes import save_credit_note
        from tui.store.invoices import get_invoice

        tz = self.business().time_zone
        with self.session() as s:
            if note.invoice_id is not None:
                _check_fits_invoice(note, get_invoice(s, note.invoice_id), _credited_before(s, note.invoice_id,
                                                                                             but=note.id))
            return save_credit_note(s, note, self.user, self.now(), tz)

    def credit_note(self, credit_note_id: int) -> CreditNote:
        from tui.store.credit_notes import get_credit_note

        with self.session() as s:
            return get_credit_note(s, credit_note_id)

    def newer_credit_note(self, credit_note_id: int, version: int) -> CreditNote | None:
        from tui.store.credit_notes import newer_credit_note

        with self.session() as s:
            return newer_credit_note(s, credit_note_id, version)

    def delete_credit_note(self, note: CreditNote) -> None:
        from tui.store.credit_notes import delete_credit_note

        tz = self.business().time_zone
        with self.session() as s:
            delete_credit_note(s, note, tz)

    def credit_note_send_error(self, credit_note_id: int) -> str:
        from tui.store.credit_tables import CreditNoteRow

        with self.session() as s:
            row = s.get(CreditNoteRow, credit_note_id)
            return row.send_error if row is not None else ""

    # -- sending --------------------------------------------------------------------------------------------
    def check_credit_note_send(self, note: CreditNote) -> tuple[BusinessDetails, Customer]:
        business = self.business()
        if not business.name:
            raise ValidationError({"from": "Fill in the business details (Settings -> Business details) to send "
                                           "credit notes: an adjustment note shows the business's name"})
        self._from_address(business)
        customer = self.customer(self.credit_note(note.id).customer_id)
        self._check_email(customer)
        return business, customer

    def send_credit_note(self, note: CreditNote) -> str:
        """Email the saved draft once, however many people press Send: claim -> email -> done (allocated to its
        invoice, queued for Xero). SendClaimed to the second sender; NotSent when the email failed."""
        from tui.services.sending import _pause_after_claim
        from tui.store.credit_sends import claim_credit_note_send

        business, customer = self.check_credit_note_send(note)
        with self.session() as s:
            claim = claim_credit_note_send(s, note.id, note.version, customer.email, self.user, self.now(),
                                           business.time_zone)
        _pause_after_claim()
        return self._deliver_credit_note(claim, business)

    def resume_credit_note_sends(self) -> list[str]:
        """Finish credit note sends whose process died between the claim and done (see ``resume_sends``)."""
        from tui.store.credit_sends import abandoned_credit_note_sends, take_over_credit_note_send
        from tui.store.errors import NotSent

        with self.session() as s:
            found = abandoned_credit_note_sends(s, self.now())
        done = []
        for credit_note_id, send_id, holder in found:
            with self.session() as s:
                claim = take_over_credit_note_send(s, credit_note_id, send_id, holder, self.now())
            if claim is None:
                continue
            try:
                where = self._deliver_credit_note(claim, self.business())
            except NotSent as exc:
                done.append(f"{claim.note.number} was not sent: {exc}")
            else:
                done.append(f"{claim.note.number}, claimed by {claim.by}, sent: {where}")
        return done

    def _deliver_credit_note(self, claim, business: BusinessDetails) -> str:
        from dataclasses import replace

        from tui.mail.credit_render import render_credit_note_email
        from tui.mail.transport import MailError, make_mailer
        from tui.store.credit_sends import finish_credit_note_send, release_credit_note_send
        from tui.store.errors import NotSent

        try:
            customer = replace(self.customer(claim.note.customer_id), email=claim.to)
            message = render_credit_note_email(business, customer, claim.note, self._adjusted(claim.note),
                                               from_addr=self._from_address(business), send_id=claim.send_id)
            mailer = make_mailer(self.cfg, self.secrets)
            holds = getattr(mailer, "holds", None)
            if holds is not None and holds(message["Message-ID"]):
                where = f"Already in the outbox for {claim.to}"
            else:
                where = mailer.send(message)
        except Exception as exc:  # nothing went: the draft stays a draft with the reason
            why = "; ".join(exc.errors.values()) if isinstance(exc, ValidationError) else (
                str(exc) if isinstance(exc, MailError) else f"the email could not be made ({type(exc).__name__})")
            with self.session() as s:
                version = release_credit_note_send(s, claim, why, self.now())
            raise NotSent(why, version) from None
        with self.session() as s:
            finish_credit_note_send(s, claim, self.now(), business.time_zone)
        return where

    def _adjusted(self, note: CreditNote) -> Invoice | None:
        """The tax invoice the credit note adjusts (None: made from none)."""
        return self.invoice(note.invoice_id) if note.invoice_id is not None else None

    def credit_note_pdf(self, credit_note_id: int) -> tuple[str, bytes]:
        from tui.mail.credit_render import credit_note_pdf_file

        note = self.credit_note(credit_note_id)
        if note.customer_id is None:
            raise ValidationError({"customer": "Choose a customer first: the PDF is addressed to them"})
        return credit_note_pdf_file(self.business(), self.customer(note.customer_id), note, self._adjusted(note))

    def send_credit_note_again(self, credit_note_id: int) -> str:
        from tui.mail.credit_render import render_credit_note_email
        from tui.mail.transport import make_mailer

        note = self.credit_note(credit_note_id)
        if note.editable:
            raise ValidationError({"status": "This credit note is a draft: send it first"})
        business, customer = self.business(), self.customer(note.customer_id)
        self._check_email(customer)
        message = render_credit_note_email(business, customer, note, self._adjusted(note),
                                           from_addr=self._from_address(business), send_id=uuid.uuid4().hex)
        return make_mailer(self.cfg, self.secrets).send(message)

    # -- using the credit -----------------------------------------------------------------------------------
    def allocate_credit(self, credit_note_id: int, invoice_id: int, amount: Decimal,
                        on: date | None = None) -> CreditNote:
        from tui.domain.credit import new_allocation
        from tui.store.credit_notes import get_credit_note
        from tui.store.credit_use import add_allocation, lock_for_use
        from tui.store.invoices import get_invoice

        tz = self.business().time_zone
        on = on or self.today()
        with self.session() as s:
            lock_for_use(s, credit_note_id, invoice_id)
            note, invoice = get_credit_note(s, credit_note_id), get_invoice(s, invoice_id)
            allocation = new_allocation(note, invoice, amount, on)
            return add_allocation(s, note, invoice, allocation.amount, on, self.user, self.now(), tz)

    def check_allocation(self, credit_note_id: int, invoice_id: int | None = None, amount: Decimal | None = None,
                         on: date | None = None) -> dict[str, str]:
        from tui.store.credit_notes import get_credit_note
        from tui.store.invoices import get_invoice

        with self.session() as s:
            note = get_credit_note(s, credit_note_id)
            if invoice_id is None:
                return {k: v for k, v in allocation_problems(note, _any_invoice(note), amount, on).items()
                        if k != "invoice"}
            return allocation_problems(note, get_invoice(s, invoice_id), amount, on)

    def invoices_to_credit(self, credit_note_id: int) -> list[Invoice]:
        """The customer's sent invoices that still owe something, oldest first."""
        from sqlmodel import col, select

        from tui.store.invoices import get_invoice
        from tui.store.tables import InvoiceRow

        note = self.credit_note(credit_note_id)
        with self.session() as s:
            ids = s.exec(select(InvoiceRow.id).where(InvoiceRow.customer_id == note.customer_id,
                                                     InvoiceRow.status == "SENT")
                         .order_by(col(InvoiceRow.issue_date), col(InvoiceRow.id))).all()
            return [inv for inv in (get_invoice(s, i) for i in ids) if inv.amount_due > 0]

    def refund_credit(self, credit_note_id: int, amount: Decimal, on: date | None, method: PaymentMethod,
                      reference: str = "") -> CreditNote:
        from tui.domain.credit import new_refund
        from tui.store.credit_notes import get_credit_note
        from tui.store.credit_use import add_refund, lock_for_use

        on = on or self.today()
        with self.session() as s:
            lock_for_use(s, credit_note_id)
            refund = new_refund(get_credit_note(s, credit_note_id), amount, on, method, reference)
            return add_refund(s, refund, self.user, self.now())

    def check_refund(self, credit_note_id: int, amount: Decimal | None = None, on: date | None = None,
                     method: PaymentMethod = PaymentMethod.BANK_TRANSFER,
                     reference: str | None = None) -> dict[str, str]:
        from tui.domain.credit import refund_problems

        return refund_problems(self.credit_note(credit_note_id), amount, on, method, reference)

    def remove_allocation(self, allocation_id: int) -> CreditNote:
        from tui.store.credit_use import remove_allocation

        with self.session() as s:
            return remove_allocation(s, allocation_id, self.user, self.now())

    def remove_refund(self, refund_id: int) -> CreditNote:
        from tui.store.credit_use import remove_refund

        with self.session() as s:
            return remove_refund(s, refund_id, self.user, self.now())

    def void_credit_note(self, note: CreditNote) -> CreditNote:
        from tui.store.credit_use import void_credit_note

        tz = self.business().time_zone
        with self.session() as s:
            return void_credit_note(s, note, self.user, self.now(), tz)

    # -- reading --------------------------------------------------------------------------------------------
    def credit_notes(self, customer_id: int | None = None, limit: int = 500) -> list[CreditNote]:
        from tui.store.credit_notes import list_credit_notes

        with self.session() as s:
            return list_credit_notes(s, customer_id, limit)

    def unused_credit(self, customer_id: int) -> Decimal:
        from tui.store.credit_use import unused_credit

        with self.session() as s:
            return unused_credit(s, customer_id)

    def credit_note_allocations(self, credit_note_id: int) -> list[Allocation]:
        from tui.store.credit_use import list_allocations

        with self.session() as s:
            return list_allocations(s, credit_note_id)

    def credit_note_refunds(self, credit_note_id: int) -> list[Refund]:
        from tui.store.credit_use import list_refunds

        with self.session() as s:
            return list_refunds(s, credit_note_id)

    def invoice_credits(self, invoice_id: int) -> list:
        """The credit notes allocated to the invoice (``InvoiceCredit``, ``label``: "Credited $110.00 by CN-0003")."""
        from tui.store.credit_use import invoice_credits

        with self.session() as s:
            return invoice_credits(s, invoice_id)

    def credit_note_prefix(self) -> str:
        from tui.store.credit_notes import credit_note_prefix

        with self.session() as s:
            return credit_note_prefix(s)

    def set_credit_note_prefix(self, prefix: str) -> str:
        from tui.store.credit_notes import set_credit_note_prefix

        with self.session() as s:
            return set_credit_note_prefix(s, prefix)

    def next_credit_note_number(self) -> str:
        from tui.store.credit_notes import next_credit_note_number

        with self.session() as s:
            return next_credit_note_number(s)


def _credited_before(s, invoice_id: int, but: int | None = None) -> Decimal:
    """What earlier credit notes made from the invoice credit beyond what they allocated to it (the rest is in its
    amount due already): see :func:`tui.domain.credit.creditable`."""
    from sqlmodel import col, select

    from tui.domain.money import ZERO
    from tui.store.credit_tables import CreditAllocationRow, CreditNoteRow

    rows = s.exec(select(CreditNoteRow.id, CreditNoteRow.total).where(
        CreditNoteRow.invoice_id == invoice_id, col(CreditNoteRow.status).not_in(("DRAFT", "VOIDED")))).all()
    total = ZERO
    for note_id, note_total in rows:
        if note_id == but:
            continue
        allocated = sum(s.exec(select(CreditAllocationRow.amount).where(
            CreditAllocationRow.credit_note_id == note_id, CreditAllocationRow.invoice_id == invoice_id,
            col(CreditAllocationRow.removed_at).is_(None))).all(), ZERO)
        total += note_total - allocated
    return total


def _check_fits_invoice(note: CreditNote, invoice: Invoice, credited_before: Decimal) -> None:
    most = creditable(invoice, credited_before)
    if note.totals.total > most:
        raise ValidationError({"lines": f"Credits {format_money(note.totals.total)}, more than the "
                                        f"{format_money(most)} the invoice can still be credited"})


def _any_invoice(note: CreditNote) -> Invoice:
    """A stand-in invoice that owes enough, to check an allocation's amount and date before one is chosen."""
    from tui.domain.invoice import InvoiceStatus, LineItem

    return Invoice(customer_id=note.customer_id, issue_date=note.issue_date, due_date=note.issue_date,
                   lines=[LineItem(description="-", quantity=Decimal(1), unit_price=note.totals.total + 1)],
                   status=InvoiceStatus.SENT)
