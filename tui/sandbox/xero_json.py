"""Records as Xero writes them: field names, enums and formats from Xero's OpenAPI components.

Only fields the spec's schemas define are written. Money stays Decimal here (`wire.dumps` writes it exactly).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tui.sandbox.invoices import SALES_TERMS_DAYS
from tui.sandbox.models import Account, Connection, Contact, Invoice, LineItem, Organisation, Payment, TaxRate
from tui.sandbox.wire import iso_utc_naive, ms_date, round_to

ONE = Decimal("1.000000")


def organisation_json(org: Organisation) -> dict[str, Any]:
    return {
        "OrganisationID": org.organisation_id,
        "Name": org.name,
        "LegalName": org.legal_name or org.name,
        "PaysTax": True,
        "Version": "AU",
        "OrganisationType": "COMPANY",
        "BaseCurrency": "AUD",
        "CountryCode": "AU",
        "IsDemoCompany": org.is_demo,
        "OrganisationStatus": "ACTIVE",
        "TaxNumber": org.tax_number,
        "FinancialYearEndDay": 30,
        "FinancialYearEndMonth": 6,
        "SalesTaxBasis": "ACCRUALS",
        "SalesTaxPeriod": "QUARTERLY1",
        "DefaultSalesTax": "Tax Exclusive",
        "DefaultPurchasesTax": "Tax Inclusive",
        "CreatedDateUTC": ms_date(org.created),
        "OrganisationEntityType": "COMPANY",
        "Timezone": org.timezone,
        "ShortCode": org.short_code,
        "Edition": "BUSINESS",
        "Class": "DEMO" if org.is_demo else "STANDARD",
        "Addresses": [],
        "Phones": [],
        "ExternalLinks": [],
        "PaymentTerms": {"Sales": {"Day": SALES_TERMS_DAYS, "Type": "DAYSAFTERBILLDATE"}},
    }


def account_json(account: Account) -> dict[str, Any]:
    out: dict[str, Any] = {
        "AccountID": account.account_id,
        "Code": account.code,
        "Name": account.name,
        "Status": account.status,
        "Type": account.type,
        "TaxType": account.tax_type,
        "Description": account.description,
        "Class": account.account_class,
        "EnablePaymentsToAccount": account.enable_payments,
        "ShowInExpenseClaims": account.account_class == "EXPENSE",
        "BankAccountType": "BANK" if account.type == "BANK" else "",
        "ReportingCode": account.account_class[:3],
        "ReportingCodeName": account.account_class.title(),
        "HasAttachments": False,
        "UpdatedDateUTC": ms_date(account.updated),
        "AddToWatchlist": False,
    }
    if account.system_account:
        out["SystemAccount"] = account.system_account
    if account.type == "BANK":
        out["BankAccountNumber"] = account.bank_account_number
        out["CurrencyCode"] = "AUD"
    return out


def tax_rate_json(rate: TaxRate) -> dict[str, Any]:
    return {
        "Name": rate.name,
        "TaxType": rate.tax_type,
        "ReportTaxType": rate.report_tax_type,
        "CanApplyToAssets": "ASSET" in rate.applies_to,
        "CanApplyToEquity": "EQUITY" in rate.applies_to,
        "CanApplyToExpenses": "EXPENSE" in rate.applies_to,
        "CanApplyToLiabilities": "LIABILITY" in rate.applies_to,
        "CanApplyToRevenue": "REVENUE" in rate.applies_to,
        "DisplayTaxRate": rate.rate,
        "EffectiveRate": rate.rate,
        "Status": rate.status,
        "TaxComponents": [{"Name": "GST", "Rate": rate.rate, "IsCompound": False, "IsNonRecoverable": False}],
    }


def contact_json(contact: Contact) -> dict[str, Any]:
    out: dict[str, Any] = {
        "ContactID": contact.contact_id,
        "ContactStatus": contact.status,
        "Name": contact.name,
        "FirstName": contact.first_name,
        "LastName": contact.last_name,
        "EmailAddress": contact.email,
        "BankAccountDetails": "",
        "Addresses": [dict(a) for a in contact.addresses],
        "Phones": [dict(p) for p in contact.phones],
        "UpdatedDateUTC": ms_date(contact.updated),
        "ContactGroups": [],
        "IsSupplier": contact.is_supplier,
        "IsCustomer": contact.is_customer,
        "SalesTrackingCategories": [],
        "PurchasesTrackingCategories": [],
        "ContactPersons": [],
        "HasAttachments": False,
        "HasValidationErrors": False,
    }
    for key, value in (("ContactNumber", contact.contact_number), ("AccountNumber", contact.account_number),
                       ("TaxNumber", contact.tax_number), ("MergedToContactID", contact.merged_to)):
        if value:
            out[key] = value
    return out


def contact_ref_json(contact: Contact) -> dict[str, Any]:
    """The contact as embedded in an invoice."""
    return {
        "ContactID": contact.contact_id,
        "Name": contact.name,
        "ContactPersons": [],
        "HasValidationErrors": False,
    }


def line_item_json(line: LineItem, unitdp: int) -> dict[str, Any]:
    out: dict[str, Any] = {
        "LineItemID": line.line_item_id,
        "Description": line.description,
        "Quantity": round_to(line.quantity, 4),
        "UnitAmount": round_to(line.unit_amount, 4 if unitdp == 4 else 2),
        "TaxType": line.tax_type,
        "TaxAmount": line.tax_amount,
        "LineAmount": line.line_amount,
        "AccountCode": line.account_code,
        "Tracking": [],
    }
    if line.item_code:
        out["ItemCode"] = line.item_code
    if line.discount_rate is not None:
        out["DiscountRate"] = line.discount_rate
    return out


def payment_ref_json(payment: Payment) -> dict[str, Any]:
    """A payment as embedded in an invoice."""
    return {
        "PaymentID": payment.payment_id,
        "Date": ms_date(payment.date),
        "Amount": payment.amount,
        "Reference": payment.reference,
        "CurrencyRate": ONE,
        "HasAccount": False,
        "HasValidationErrors": False,
    }


def credit_refs_json(org: Organisation, invoice: Invoice) -> list[dict[str, Any]]:
    """The credit notes allocated to an invoice, as embedded in it: each allocation's applied amount."""
    out = []
    for allocation in org.allocations.values():
        if allocation.invoice_id == invoice.invoice_id and not allocation.deleted:
            note = org.credit_notes[allocation.credit_note_id]
            out.append({"CreditNoteID": note.credit_note_id, "CreditNoteNumber": note.number,
                        "Date": ms_date(allocation.date), "AppliedAmount": allocation.amount, "Total": note.total,
                        "HasErrors": False})
    return out


def invoice_json(org: Organisation, invoice: Invoice, *, unitdp: int = 2, lines: bool = True,
                 summary: bool = False) -> dict[str, Any]:
    """An invoice; `lines=False` leaves out line items (lists without paging), `summary` the heavy parts too."""
    out: dict[str, Any] = {
        "Type": invoice.type,
        "InvoiceID": invoice.invoice_id,
        "InvoiceNumber": invoice.number,
        "Reference": invoice.reference,
    }
    if not summary:
        out["Payments"] = [payment_ref_json(org.payments[p]) for p in invoice.payment_ids]
        out["CreditNotes"] = credit_refs_json(org, invoice) if invoice.amount_credited else []
        out["Prepayments"] = []
        out["Overpayments"] = []
    out.update({
        "AmountDue": invoice.amount_due,
        "AmountPaid": invoice.amount_paid,
        "AmountCredited": invoice.amount_credited,
        "SentToContact": invoice.sent_to_contact,
        "CurrencyRate": ONE,
        "IsDiscounted": False,
        "HasAttachments": False,
        "HasErrors": False,
        "Contact": contact_ref_json(org.contacts[invoice.contact_id]),
    })
    if invoice.date:
        out["Date"] = ms_date(invoice.date)
    if invoice.due_date:
        out["DueDate"] = ms_date(invoice.due_date)
    out["Status"] = invoice.status
    out["LineAmountTypes"] = invoice.line_amount_types
    if lines and not summary:
        out["LineItems"] = [line_item_json(line, unitdp) for line in invoice.line_items]
    out.update({
        "SubTotal": invoice.sub_total,
        "TotalTax": invoice.total_tax,
        "Total": invoice.total,
        "UpdatedDateUTC": ms_date(invoice.updated),
        "CurrencyCode": invoice.currency_code,
    })
    if invoice.fully_paid_on:
        out["FullyPaidOnDate"] = ms_date(invoice.fully_paid_on)
    return out


def payment_json(org: Organisation, payment: Payment) -> dict[str, Any]:
    """A payment against an invoice, or against a credit note (a refund: ARCREDITPAYMENT or APCREDITPAYMENT)."""
    account = org.accounts[payment.account_id]
    if payment.credit_note_id:
        note = org.credit_notes[payment.credit_note_id]
        kind = "ARCREDITPAYMENT" if note.type == "ACCRECCREDIT" else "APCREDITPAYMENT"
        document = {"CreditNote": {"Type": note.type, "CreditNoteID": note.credit_note_id,
                                   "CreditNoteNumber": note.number,
                                   "Contact": contact_ref_json(org.contacts[note.contact_id])}}
    else:
        invoice = org.invoices[payment.invoice_id]
        kind = "ACCRECPAYMENT" if invoice.type == "ACCREC" else "ACCPAYPAYMENT"
        document = {"Invoice": {"Type": invoice.type, "InvoiceID": invoice.invoice_id,
                                "InvoiceNumber": invoice.number,
                                "Contact": contact_ref_json(org.contacts[invoice.contact_id])}}
    return {
        "PaymentID": payment.payment_id,
        "Date": ms_date(payment.date),
        "BankAmount": payment.amount,
        "Amount": payment.amount,
        "Reference": payment.reference,
        "CurrencyRate": ONE,
        "PaymentType": kind,
        "Status": payment.status,
        "UpdatedDateUTC": ms_date(payment.updated),
        "HasAccount": True,
        "IsReconciled": False,
        "Account": {"AccountID": account.account_id, "Code": account.code},
        **document,
        "HasValidationErrors": False,
    }


def connection_json(conn: Connection, tenant_name: str) -> dict[str, Any]:
    return {
        "id": conn.connection_id,
        "authEventId": conn.auth_event_id,
        "tenantId": conn.tenant_id,
        "tenantType": "ORGANISATION",
        "tenantName": tenant_name,
        "createdDateUtc": iso_utc_naive(conn.created),
        "updatedDateUtc": iso_utc_naive(conn.updated),
    }
