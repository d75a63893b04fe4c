"""Generation of a receivable book in a company: plan it, create its customers, write it, open its cases.

Partners, disputes and promises go through the ORM (they are few); the
accounting documents go through the bulk writer.
"""
import logging
import time
from collections import Counter

from odoo import Command, fields
from odoo.exceptions import AccessError

from .description import SIZES
from .numbering import assign_names
from .planning import plan_book
from .setup import prepare_company
from .writer import BookWriter

_logger = logging.getLogger(__name__)

PARTNER_BATCH = 1000  # partners created per call to create()


def generate(env, customers=200, years=2, invoices_per_customer_year=12, seed=42, company=None,
             currencies=("EUR",), countries=("US", "BE", "FR", "DE"), today=None):
    """Create ``customers`` customers with ``years`` of invoicing history.

    Invoices are spread evenly over the customers (``invoices_per_customer_year``
    may be fractional), credit notes and payments follow each customer's
    payment behaviour up to ``today``. Documents are in the company
    currency, or in the currency of the customer's country when it is
    among ``currencies``. The same ``seed`` gives the same book.

    :param company: a res.company record or id (default: the current company)
    :return: counts of what was created, the behaviour of every customer
        (``partner_behaviours``: partner id -> behaviour), and the seconds it took
    """
    if not env.is_system():
        # Documents are written in SQL, past the access rights: administrators only.
        raise AccessError(env._("Only administrators can generate a receivable book."))
    today = fields.Date.to_date(today) if today else fields.Date.context_today(env.user)
    company = company or env.company
    company_id = company if isinstance(company, int) else company.id
    env = env["res.company"].with_company(company_id).env
    return _generate(env, env["res.company"].browse(company_id), customers, years, invoices_per_customer_year, seed,
                     currencies, countries, today)


def generate_demo_book(env):
    """The book of the demo data; runs once, later updates of the module keep it."""
    if env.ref("ar_collections.demo_customer_prompt", raise_if_not_found=False):
        return {}
    company = env.company
    if not company.chart_template:
        # Installed together with `account`, whose chart of accounts is only loaded once the registry is ready.
        env["account.chart.template"].try_loading(False, company, install_demo=False)
    second_currency = "USD" if company.currency_id.name == "EUR" else "EUR"
    result = generate(env, customers=200, years=2, invoices_per_customer_year=12, seed=42, company=company,
                      currencies=(company.currency_id.name, second_currency))
    env["ar.collection.segment"]._assign_partners(company)
    _register_demo_customers(env, result["representatives"])
    return result


def _register_demo_customers(env, representatives):
    """Give the customer representing each behaviour the XML id ``ar_collections.demo_customer_<behaviour>``."""
    partners = env["res.partner"].browse(list(representatives.values()))
    env["ir.model.data"]._update_xmlids([
        {"xml_id": f"ar_collections.demo_customer_{behaviour}", "record": partner, "noupdate": True}
        for behaviour, partner in zip(representatives, partners)
    ])


def _generate(env, company, customers, years, per_year, seed, currencies, countries, today):
    clock = PhaseClock()
    book_company, ledger = prepare_company(env, company, currencies, countries, today, years, seed)
    clock.lap("setup")
    book = plan_book(book_company, customers, years, per_year, seed)
    clock.lap("plan")
    _create_partners(env, book)
    clock.lap("customers")
    assign_names(env, ledger, book)
    rows = BookWriter(env, ledger, book).write()
    env.invalidate_all()
    env["account.move"]._get_sequence_cache().clear()
    clock.lap("write")
    disputes = _create_disputes(env, ledger, book)
    promises = _create_promises(env, ledger, book)
    clock.lap("cases")
    result = _summary(book, rows, disputes, promises)
    result.update(seconds=clock.total(), phases=clock.phases)
    _logger.info("Generated a receivable book for %s: %s", company.name,
                 {key: value for key, value in result.items() if key != "partner_behaviours"})
    return result


def _summary(book, rows, disputes, promises):
    invoices = book.invoices
    scale = book.company.currency.scale
    return {
        "partners": len(book.customers),
        "invoices": len(invoices),
        "credit_notes": len(book.refunds),
        "payments": len(book.payments),
        "partials": sum(len(invoice.partials) for invoice in invoices),
        "full_reconciles": sum(1 for invoice in invoices if invoice.full_reconcile_id),
        "disputes": len(disputes),
        "promises": len(promises),
        "promise_states": dict(Counter(promises.mapped("state"))),
        "rows": rows,
        "payment_states": dict(Counter(invoice.payment_state for invoice in invoices)),
        "behaviours": dict(Counter(customer.behaviour for customer in book.customers)),
        "invoiced": sum(invoice.total_co for invoice in invoices) / scale,
        "open": sum(invoice.residual_co for invoice in invoices) / scale,
        "representatives": {customer.behaviour: customer.partner_id
                            for customer in book.customers if customer.representative},
        "partner_behaviours": book.partner_behaviours(),
    }


# ----------------------------------------------------------------------
# Customers
# ----------------------------------------------------------------------


def _create_partners(env, book):
    """Create the partners of the planned customers, and give the customers their partner and account."""
    countries = {customer.country.id for customer in book.customers}
    states = {
        (state.country_id.id, state.code): state.id
        for state in env["res.country.state"].search([("country_id", "in", list(countries))])
    }
    tags = _size_tags(env)
    values = [_partner_values(customer, states, tags) for customer in book.customers]
    Partner = env["res.partner"].with_context(tracking_disable=True, mail_create_nolog=True)
    # The ORM computes defaults record by record, some with a query: compute them once for all.
    defaults = Partner.default_get([name for name, partner_field in Partner._fields.items()
                                    if not partner_field.company_dependent])
    partners = Partner.browse()
    for page in range(0, len(values), PARTNER_BATCH):
        partners |= Partner.create([{**defaults, **vals} for vals in values[page:page + PARTNER_BATCH]])
    for customer, partner in zip(book.customers, partners):
        customer.partner_id = partner.id
        customer.receivable_id = partner.property_account_receivable_id.id


def _size_tags(env):
    """The partner tag of each customer size, created when missing."""
    Tag = env["res.partner.category"]
    return {key: Tag.search([("name", "=", size.tag)], limit=1) or Tag.create({"name": size.tag})
            for key, size in SIZES.items()}


def _partner_values(customer, states, tags):
    contact = customer.contact
    values = {
        "name": customer.name,
        "is_company": True,
        "street": contact.street,
        "city": contact.city,
        "zip": contact.zip,
        "state_id": states.get((customer.country.id, contact.state_code), False),
        "country_id": customer.country.id,
        "email": contact.email,
        "phone": contact.phone,
        "category_id": [Command.set(tags[customer.size].ids)],
        "customer_rank": 1,
        "property_payment_term_id": customer.term.id,
        # Given, so that the ORM does not build a draft record per partner to precompute it.
        "user_id": False,
    }
    if contact.lang:
        values["lang"] = contact.lang
    if contact.credit_limit is not None:
        values["credit_limit"] = contact.credit_limit
    return values


# ----------------------------------------------------------------------
# Collection cases
# ----------------------------------------------------------------------


def _create_disputes(env, ledger, book):
    return env["ar.dispute"].with_context(mail_create_nolog=True).create([
        {
            "partner_id": dispute.invoice.customer.partner_id,
            "company_id": ledger.company_id,
            "invoice_ids": [Command.set([dispute.invoice.id])],
            "reason_id": dispute.reason_id,
            "disputed_amount": dispute.amount / dispute.invoice.customer.currency.scale,
            "description": dispute.description,
            "source": dispute.source,
        }
        for dispute in book.disputes
    ])


def _create_promises(env, ledger, book):
    """Create the planned promises and let them find out whether they were kept.

    Promises can only be made for today or later: backdated ones are made
    on the run date, then dated back.
    """
    run_date = book.company.run_date
    promises = env["ar.promise"].with_context(mail_create_nolog=True).create([
        {
            "partner_id": promise.invoice.customer.partner_id,
            "company_id": ledger.company_id,
            "invoice_ids": [Command.set([promise.invoice.id])],
            "amount": promise.amount / promise.invoice.customer.currency.scale,
            "promise_date": run_date if promise.backdated else promise.promise_date,
            "source": promise.source,
        }
        for promise in book.promises
    ])
    for record, promise in zip(promises, book.promises):
        if promise.backdated:
            record.write(_backdated_values(promise))
    promises._evaluate(today=run_date)
    return promises


def _backdated_values(promise):
    values = {"promise_date": promise.promise_date}
    if promise.residual_at_promise is not None:
        values["residual_at_promise"] = promise.residual_at_promise / promise.invoice.customer.currency.scale
    return values


class PhaseClock:
    """Seconds spent in each phase of the generation."""

    def __init__(self):
        self.started = self.last = time.perf_counter()
        self.phases = {}

    def lap(self, phase):
        now = time.perf_counter()
        self.phases[phase] = round(now - self.last, 2)
        self.last = now

    def total(self):
        return round(time.perf_counter() - self.started, 2)
