"""Emailing invoices for :class:`~tui.services.Services`: the first send (claim -> email -> done), its retry after
a crash, and sending again.

The first send is three steps that each commit (:mod:`tui.store.sends`): the claim, a versioned write of who,
when and a send id, made before anything leaves the computer; the email, its Message-ID made from the send id;
then the invoice recorded Sent (and queued for Xero). Of two people sending the same draft at once exactly one
claims it; the other gets SendClaimed and nothing is emailed from their session. A process killed between the
claim and done leaves the claim open; :meth:`Sending.resume_sends`, run when the app and ``tradiecore sync``
start, finishes it once.
"""

from __future__ import annotations

import os
import time
import uuid

from tui.domain.business import BusinessDetails
from tui.domain.customer import Customer, email_problem
from tui.domain.errors import ValidationError
from tui.domain.invoice import Invoice


def _pause_after_claim() -> None:
    """For the crash tests: with TRADIECORE_TEST_PAUSE_AFTER_CLAIM=PATH, a process that has just committed a send's
    claim writes PATH and waits there to be killed, as a crash between the claim and the email would leave it."""
    marker = os.environ.get("TRADIECORE_TEST_PAUSE_AFTER_CLAIM")
    if marker:
        with open(marker, "w", encoding="utf-8") as fh:
            fh.write(str(os.getpid()))
        while True:
            time.sleep(1)


class Sending:
    """Mixed into :class:`~tui.services.Services` (which provides business, invoice, customer, session, now, user,
    cfg and secrets)."""

    def send_invoice(self, inv: Invoice) -> str:
        """Email the draft as saved, once, however many people press Send: claim -> email -> done.

        The claim is a versioned write committed before anything leaves the computer (:mod:`tui.store.sends`);
        whoever claims second gets SendClaimed ("INV-0001 was sent by alice at 12:47") and nothing is emailed.
        Then the email (its Message-ID made from the send id), then DRAFT -> SENT with its sync queue entry.
        A failed delivery leaves it a draft with the reason and raises NotSent. A process killed after the claim
        leaves the send to :meth:`resume_sends`. Returns where the mail went.
        """
        from tui.store.sends import claim_send

        business, customer = self.check_send(inv)
        with self.session() as s:
            claim = claim_send(s, inv.id, inv.version, customer.email, self.user, self.now(), business.time_zone)
        _pause_after_claim()
        return self._deliver(claim, business)

    def check_send(self, inv: Invoice) -> tuple[BusinessDetails, Customer]:
        """What a send needs before anyone is asked to confirm it: the business's name and an address to send
        from, and the customer's email. ValidationError saying what to fill in; the business and customer."""
        business = self.business()
        if not business.name:
            raise ValidationError({"from": "Fill in the business details (Settings -> Business details) to send "
                                           "invoices: a tax invoice shows the business's name"})
        self._from_address(business)
        customer = self.customer(self.invoice(inv.id).customer_id)
        self._check_email(customer)
        return business, customer

    def business_warnings(self) -> list[str]:
        """To Do's lines about the business itself: details still empty, so nothing can be sent."""
        business = self.business()
        if not business.name:
            return ["Business details are empty: fill them in under Settings to send invoices"]
        if not (self.cfg.mail.from_ or business.email):
            return ["The business has no email to send invoices from: add it under Settings"]
        return []

    def resume_sends(self) -> list[str]:
        """Finish the sends whose process died between its claim and recording it done (killed, crashed, the
        machine restarted): each is taken over (one process wins) and its email sent with the claim's send id,
        so it keeps its Message-ID; into the local outbox it is not sent again when the outbox already holds it.
        Run at the start of the app and of ``tradiecore sync``. Returns one line per send finished or failed."""
        from tui.store.errors import NotSent
        from tui.store.sends import abandoned_sends, take_over_send

        with self.session() as s:
            found = abandoned_sends(s, self.now())
        if not found:
            return []
        business = self.business()
        done = []
        for invoice_id, send_id, holder in found:
            with self.session() as s:
                claim = take_over_send(s, invoice_id, send_id, holder, self.now())
            if claim is None:  # another process took it over first
                continue
            try:
                where = self._deliver(claim, business)
            except NotSent as exc:
                done.append(f"{claim.invoice.number} was not sent: {exc}")
            else:
                done.append(f"{claim.invoice.number}, claimed by {claim.by}, sent: {where}")
        return done

    def _deliver(self, claim, business: BusinessDetails) -> str:
        """The email of a claimed send, then the send recorded done (or released with the reason)."""
        from dataclasses import replace

        from tui.mail.transport import MailError, make_mailer
        from tui.store.errors import NotSent
        from tui.store.sends import finish_send, release_send

        try:
            customer = replace(self.customer(claim.invoice.customer_id), email=claim.to)
            message = self._invoice_email(business, customer, claim.invoice, send_id=claim.send_id)
            mailer = make_mailer(self.cfg, self.secrets)
            holds = getattr(mailer, "holds", None)
            if holds is not None and holds(message["Message-ID"]):
                where = f"Already in the outbox for {claim.to}"
            else:
                where = mailer.send(message)
        except Exception as exc:  # the mailers turn every failure of theirs into MailError: nothing went
            if isinstance(exc, ValidationError):
                why = "; ".join(exc.errors.values())
            elif isinstance(exc, MailError):
                why = str(exc)
            else:  # the email could not even be made (or the store failed reading for it)
                why = f"the email could not be made ({type(exc).__name__}: {exc})"
            with self.session() as s:
                version = release_send(s, claim, why, self.now())
            raise NotSent(why, version) from None
        with self.session() as s:
            finish_send(s, claim, self.now())
        return where

    def send_again(self, invoice_id: int) -> str:
        """Email a sent (or paid) invoice again, as saved, the same way as the first time. Returns where it went.

        The invoice itself is left as it is (status, version, nothing for Xero); the activity log notes who sent
        it again and to whom. A failed delivery raises MailError and records nothing.
        """
        from tui.mail.transport import make_mailer
        from tui.sync.records import log

        business = self.business()
        stored = self.invoice(invoice_id)
        stored.ensure_can_send_again()
        customer = self.customer(stored.customer_id)
        self._check_email(customer)
        message = self._invoice_email(business, customer, stored)
        where = make_mailer(self.cfg, self.secrets).send(message)
        with self.session() as s:
            log(s, self.now(), f"{stored.number} sent again to {customer.email} by {self.user}",
                invoice_id=stored.id, customer_id=customer.id)
        return where

    @staticmethod
    def _check_email(customer: Customer) -> None:
        if not customer.email:
            raise ValidationError({"customer": f"{customer.name} has no email address: add one to send"})
        if problem := email_problem(customer.email):  # saved before emails were checked as Xero checks them
            raise ValidationError({"customer": f"{customer.name}'s email address needs fixing before sending: "
                                               f"{problem}"})

    def _from_address(self, business: BusinessDetails) -> str:
        from_addr = self.cfg.mail.from_ or business.email
        if not from_addr:
            raise ValidationError({"from": "Set the business email (Settings -> Business details) to send invoices"})
        return from_addr

    def _invoice_email(self, business: BusinessDetails, customer: Customer, inv: Invoice, send_id: str = ""):
        from tui.mail.render import render_invoice_email

        return render_invoice_email(business, customer, inv, from_addr=self._from_address(business),
                                    send_id=send_id or uuid.uuid4().hex)
