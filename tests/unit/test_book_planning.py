import ast
import importlib.util
import random
from collections import Counter
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from statistics import mean

import pytest

from addon_packages import book

description, planning = book.description, book.planning
TODAY = date(2026, 3, 11)
RUN_DATE = date(2026, 3, 12)
EUR = description.BookCurrency(1, "EUR", 100, 2)
USD = description.BookCurrency(2, "USD", 100, 2)
GBP = description.BookCurrency(3, "GBP", 100, 2)
TERM_DAYS = {10: 0, 11: 15, 12: 30, 13: 45}
TERMS = [description.BookTerm(10, 15), description.BookTerm(11, 20), description.BookTerm(12, 45),
         description.BookTerm(13, 20)]
COUNTRIES = [description.BookCountry(233, "US", USD.id, 1), description.BookCountry(21, "BE", EUR.id, 32),
             description.BookCountry(75, "FR", EUR.id, 33), description.BookCountry(57, "DE", EUR.id, 49)]
TAX = description.BookTax(7, "21%", 21.0, 3, {})
LANGS = frozenset({"en_US", "fr_BE", "fr_FR"})  # no German, no Dutch
REASONS = (4, 5, 6)


def rate(currency, day):
    """Units of ``currency`` per euro, changing every month."""
    return {USD.id: 1.05, GBP.id: 0.85}[currency.id] + day.month / 1000


def company(**values):
    return description.BookCompany(**{
        "today": TODAY, "start": description.period_start(TODAY, 2), "run_date": RUN_DATE, "currency": EUR,
        "currencies": [EUR, USD], "countries": COUNTRIES, "terms": TERMS, "langs": LANGS, "tax": TAX,
        "round_globally": False, "payment_matched": True, "outstanding_reconcile": True, "paid_state": "in_payment",
        "rate": rate, "due_date": lambda term, day: day + timedelta(days=TERM_DAYS[term.id]),
        "dispute_reasons": REASONS, **values,
    })


@cache
def sample_book():
    """200 customers, 2 years of 12 invoices a year."""
    return planning.plan_book(company(), 200, 2, 12, seed=42)


def fingerprint(planned):
    return (
        [(customer.name, customer.behaviour, customer.size, customer.country.code, customer.currency.name,
          customer.term.id, customer.slow_months, customer.contact.email, customer.contact.phone,
          customer.contact.credit_limit) for customer in planned.customers],
        [(invoice.customer.name, invoice.date, invoice.due, invoice.total, invoice.residual, invoice.payment_state,
          [(payment.date, payment.amount) for payment in invoice.payments],
          invoice.refund and (invoice.refund.date, invoice.refund.total)) for invoice in planned.invoices],
        [(dispute.invoice.customer.name, dispute.amount, dispute.reason_id, dispute.source)
         for dispute in planned.disputes],
        [(promise.invoice.customer.name, promise.amount, promise.promise_date, promise.source)
         for promise in planned.promises],
    )


def days_overdue(invoice):
    return (TODAY - invoice.due).days


# ---------------------------------------------------------------------------
# The book as a whole
# ---------------------------------------------------------------------------


def test_description_and_planning_import_nothing_from_odoo():
    for module in (description, planning):
        tree = ast.parse(Path(module.__file__).read_text())
        imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
        assert not [name for name in imported if name.split(".")[0] == "odoo"], module.__name__


def test_counts():
    planned = sample_book()
    assert len(planned.customers) == 200
    assert len(planned.invoices) == 200 * 2 * 12
    assert Counter(Counter(invoice.customer for invoice in planned.invoices).values()) == {24: 200}
    assert len(planned.refunds) == sum(1 for invoice in planned.invoices if invoice.refund)
    assert len(planned.documents) == len(planned.invoices) + len(planned.refunds)
    assert len(planned.payments) == sum(len(invoice.payments) for invoice in planned.invoices)
    assert 0 < len(planned.refunds) < len(planned.invoices) / 10
    assert len(planned.payments) > len(planned.invoices) * 0.8


def test_fractional_invoices_are_spread_over_the_first_customers():
    planned = planning.plan_book(company(), 7, 1, 2.5, seed=1)  # 17.5 invoices: 18
    per_customer = Counter(invoice.customer for invoice in planned.invoices)
    assert [per_customer[customer] for customer in planned.customers] == [3, 3, 3, 3, 2, 2, 2]


def test_same_seed_same_book():
    assert fingerprint(planning.plan_book(company(), 40, 1, 10, seed=7)) == fingerprint(
        planning.plan_book(company(), 40, 1, 10, seed=7))
    assert fingerprint(planning.plan_book(company(), 40, 1, 10, seed=7)) != fingerprint(
        planning.plan_book(company(), 40, 1, 10, seed=8))


def test_planner_draws_from_the_given_generator():
    assert fingerprint(planning.plan_book(company(), 20, 1, 6, seed=3)) == fingerprint(
        planning.BookPlanner(company(), random.Random(3)).plan(20, 1, 6))


# ---------------------------------------------------------------------------
# Behaviours
# ---------------------------------------------------------------------------


def test_every_behaviour_is_present_and_represented_first():
    customers = sample_book().customers
    behaviours = Counter(customer.behaviour for customer in customers)
    assert set(behaviours) == set(description.BEHAVIOURS)
    assert behaviours.most_common(1)[0][0] == "prompt"  # the heaviest weight
    assert [customer.behaviour for customer in customers[:6]] == list(description.BEHAVIOURS)
    assert all(customer.representative for customer in customers[:6])
    assert not any(customer.representative for customer in customers[6:])


def test_behaviour_is_kept_per_customer():
    planned = sample_book()
    for customer in planned.customers:
        assert customer.behaviour in description.BEHAVIOURS
        assert bool(customer.slow_months) == (customer.behaviour == "seasonal")
        assert not customer.slow_months or customer.slow_months in description.SEASONS
    for partner_id, customer in enumerate(planned.customers, start=1000):
        customer.partner_id = partner_id
    try:
        behaviours = planned.partner_behaviours()
        assert len(behaviours) == 200
        assert all(behaviours[customer.partner_id] == customer.behaviour for customer in planned.customers)
    finally:
        for customer in planned.customers:
            customer.partner_id = 0


def first_payment_delays(behaviour, in_slow_months=None):
    return [
        (invoice.payments[0].date - invoice.due).days
        for invoice in sample_book().invoices
        if invoice.customer.behaviour == behaviour and invoice.payments and not invoice.refund
        and (in_slow_months is None or (invoice.due.month in invoice.customer.slow_months) == in_slow_months)
    ]


def test_behaviours_pay_in_their_own_time():
    prompt, slow, chronic = (first_payment_delays(name) for name in ("prompt", "slow", "chronic"))
    assert min(prompt) >= -8 and max(prompt) <= 2
    assert min(slow) >= 6 and max(slow) <= 40
    assert min(chronic) >= 45 and max(chronic) <= 170
    assert mean(prompt) < mean(slow) < mean(chronic)
    assert mean(first_payment_delays("seasonal", True)) > mean(first_payment_delays("seasonal", False)) + 30


def test_prompt_customers_pay_everything():
    for invoice in sample_book().invoices:
        if invoice.customer.behaviour == "prompt" and days_overdue(invoice) > 21:
            assert invoice.payments or (invoice.refund and invoice.residual == 0)


def test_chronic_customers_leave_invoices_unpaid():
    chronic = [invoice for invoice in sample_book().invoices
               if invoice.customer.behaviour == "chronic" and days_overdue(invoice) > 200]
    unpaid = [invoice for invoice in chronic if invoice.residual == invoice.total]
    assert 0.05 < len(unpaid) / len(chronic) < 0.3


def test_an_open_invoice_in_every_aging_bucket():
    open_invoices = [invoice for invoice in sample_book().invoices if invoice.residual]
    for low, high in description.AGING_BUCKETS:
        assert any(low <= days_overdue(invoice) <= high for invoice in open_invoices), (low, high)


def test_representatives_keep_an_overdue_invoice_open():
    planned = sample_book()
    for customer in planned.customers[:6]:
        overdue = [invoice for invoice in planned.invoices if invoice.customer is customer
                   and invoice.residual == invoice.total and days_overdue(invoice) > 10]
        assert bool(overdue) == (customer.behaviour != "prompt"), customer.behaviour


# ---------------------------------------------------------------------------
# Customers
# ---------------------------------------------------------------------------


def test_customers_look_like_their_country():
    customers = sample_book().customers
    assert len({customer.name for customer in customers}) == 200
    for index, customer in enumerate(customers):
        style = description.COUNTRY_STYLES[customer.country.code]
        contact = customer.contact
        assert customer.country is COUNTRIES[index % 4]
        assert customer.name.split()[-1] in style.legal_forms
        assert (contact.city, contact.zip, contact.state_code) in style.cities
        assert any(street in contact.street for street in style.streets)
        assert contact.email.startswith("accounts.") and contact.email.endswith("@example.com")
        assert "#" not in contact.phone and len(contact.phone) == len(style.phone_format)
        assert contact.lang in [lang for lang in style.langs if lang in LANGS] or (
            contact.lang is None and not LANGS.intersection(style.langs))
        assert customer.term in TERMS
        size = description.SIZES[customer.size]
        if contact.credit_limit is not None:
            assert size.credit_limit[0] <= contact.credit_limit < size.credit_limit[1]
        else:
            assert customer.size == "small" or size.credit_limit
    assert Counter(customer.contact.lang for customer in customers if customer.country.code == "DE") == {None: 50}


def test_customers_use_their_country_currency():
    for customer in sample_book().customers:
        assert customer.currency is (USD if customer.country.code == "US" else EUR)


def test_a_few_customers_use_a_currency_of_no_country():
    # The US customers' currency is not a document currency: a share of them get the pound, the others the euro.
    planned = planning.plan_book(company(currencies=[EUR, GBP]), 400, 1, 1, seed=5)
    currencies = Counter((customer.country.code, customer.currency.name) for customer in planned.customers)
    assert set(currencies) == {("US", "GBP"), ("US", "EUR"), ("BE", "EUR"), ("FR", "EUR"), ("DE", "EUR")}
    assert 0.08 < currencies["US", "GBP"] / 100 < 0.25


def test_countries_without_a_style_get_the_default_one():
    japan = description.BookCountry(113, "JP", 9, 81)
    planned = planning.plan_book(company(countries=[japan], currencies=[EUR]), 10, 1, 1, seed=5)
    for customer in planned.customers:
        assert customer.currency is EUR
        assert customer.name.endswith(" Ltd") and customer.contact.lang == "en_US"
        assert customer.contact.phone.startswith("+81 ") and customer.contact.city in ("Capital City", "Port Town")


def test_email_slug():
    assert planning.email_slug("Müller & Köln GmbH") == "muller-koln-gmbh"


# ---------------------------------------------------------------------------
# Documents and amounts
# ---------------------------------------------------------------------------


def test_documents_fall_on_working_days_of_the_period():
    planned = sample_book()
    start = description.period_start(TODAY, 2)
    for invoice in planned.invoices:
        assert start <= invoice.date <= TODAY and invoice.date.weekday() < 5
        assert invoice.due == invoice.date + timedelta(days=TERM_DAYS[invoice.customer.term.id])
        dates = [payment.date for payment in invoice.payments]
        assert dates == sorted(dates) and all(invoice.date < day <= TODAY for day in dates)
        if invoice.refund:
            assert 2 <= (invoice.refund.date - invoice.date).days <= 20 and invoice.refund.date <= TODAY
            assert invoice.refund.origin is invoice and invoice.refund.reason in description.REFUND_REASONS


def test_lines_and_totals():
    for document in sample_book().documents:
        assert document.lines and all(line.subtotal == line.quantity * line.price_unit for line in document.lines)
        assert document.untaxed == sum(line.subtotal for line in document.lines)
        assert all(line.tax == planning.round_half_up(line.subtotal * 0.21) for line in document.lines)
        assert document.tax == sum(line.tax for line in document.lines)
        assert document.total == document.untaxed + document.tax


def test_taxes_rounded_globally():
    planned = planning.plan_book(company(round_globally=True), 20, 1, 12, seed=2)
    for document in planned.documents:
        assert document.tax == planning.round_half_up(document.untaxed * 21 / 100)


def test_no_tax():
    planned = planning.plan_book(company(tax=None), 20, 1, 12, seed=2)
    assert all(document.tax == document.tax_co == 0 for document in planned.documents)


def test_amounts_in_company_currency():
    for document in sample_book().documents:
        currency = document.customer.currency
        if currency is EUR:
            assert document.rate == 1.0
            assert document.untaxed_co == document.untaxed and document.tax_co == document.tax
            continue
        invoice = document.origin or document
        assert invoice.rate == rate(currency, invoice.date)
        assert document.rate == invoice.rate  # credit notes at the rate of their invoice
        for line in document.lines:
            assert line.balance == planning.round_half_up(line.subtotal / document.rate)
        assert document.untaxed_co == sum(line.balance for line in document.lines)
        assert document.tax_co == planning.round_half_up(document.tax / document.rate)


def test_amounts_balance():
    planned = sample_book()
    states = Counter()
    for invoice in planned.invoices:
        refund = invoice.refund
        credited = (refund.total if refund else 0) + sum(payment.amount for payment in invoice.payments)
        credited_co = (refund.total_co if refund else 0) + sum(payment.balance for payment in invoice.payments)
        assert invoice.residual == invoice.total - credited >= 0
        assert invoice.residual_co == invoice.total_co - credited_co >= 0
        assert [partial.credit for partial in invoice.partials] == [refund] * bool(refund) + invoice.payments
        assert sum(partial.amount for partial in invoice.partials) == credited
        assert sum(partial.amount_co for partial in invoice.partials) == credited_co
        assert all(payment.amount > 0 for payment in invoice.payments)
        settled = invoice.residual == 0 and invoice.residual_co == 0
        assert bool(invoice.full_reconcile_id) == settled
        expected = ("paid" if invoice.payments else "reversed") if settled else (
            "partial" if invoice.partials else "not_paid")
        assert invoice.payment_state == expected
        states[expected] += 1
        if refund:
            assert refund.payment_state == "paid" and refund.total <= invoice.total
    assert set(states) == {"paid", "reversed", "partial", "not_paid"}
    assert all(payment.state == "paid" if payment.invoice.payment_state == "paid" else "in_process"
               for payment in planned.payments)


def test_payment_state_without_matched_payments():
    planned = planning.plan_book(company(payment_matched=False), 30, 1, 12, seed=9)
    states = {invoice.payment_state for invoice in planned.invoices if invoice.full_reconcile_id}
    assert states == {"in_payment", "reversed"}
    assert {payment.state for payment in planned.payments} == {"in_process"}


# ---------------------------------------------------------------------------
# Disputes and promises
# ---------------------------------------------------------------------------


def test_disputes_on_the_latest_open_invoice_of_disputers():
    planned = sample_book()
    assert planned.disputes
    disputed = [dispute.invoice for dispute in planned.disputes]
    assert len({invoice.customer for invoice in disputed}) == len(disputed)
    for dispute in planned.disputes:
        invoice = dispute.invoice
        assert invoice.customer.behaviour == "disputer" and invoice.residual > 0
        assert invoice is [other for other in planned.invoices
                           if other.customer is invoice.customer and other.residual][-1]
        assert 0.2 * invoice.residual - 1 <= dispute.amount <= invoice.residual
        assert dispute.reason_id in REASONS
        assert dispute.description in description.DISPUTE_DESCRIPTIONS
        assert dispute.source in description.DISPUTE_SOURCES
    assert planned.customers[3].behaviour == "disputer" and planned.customers[3] in {
        invoice.customer for invoice in disputed}


def test_no_dispute_without_reasons():
    assert planning.plan_book(company(dispute_reasons=()), 20, 1, 12, seed=42).disputes == []


def test_promises_of_promise_breakers():
    planned = sample_book()
    kinds = Counter()
    for promise in planned.promises:
        invoice = promise.invoice
        assert invoice.customer.behaviour == "promise_breaker" and invoice.residual > 0
        assert 0 < promise.amount <= invoice.residual and promise.source in description.PROMISE_SOURCES
        if not promise.backdated:
            assert 3 <= (promise.promise_date - RUN_DATE).days <= 14
            kinds["open"] += 1
        elif promise.residual_at_promise is None:
            assert 10 <= (RUN_DATE - promise.promise_date).days <= 40 and invoice.due < TODAY
            kinds["broken"] += 1
        else:
            last = invoice.payments[-1]
            assert promise.promise_date == last.date
            assert promise.residual_at_promise == invoice.residual + last.amount
            kinds["kept"] += 1
    assert set(kinds) == {"open", "broken", "kept"}
    assert planned.customers[4].behaviour == "promise_breaker" and planned.customers[4] in {
        promise.invoice.customer for promise in planned.promises if promise.backdated}


# ---------------------------------------------------------------------------
# Rounding
# ---------------------------------------------------------------------------


def odoo_float_utils():
    path = Path("/opt/odoo/odoo/tools/float_utils.py")
    if not path.exists():
        pytest.skip("Odoo's source is not in /opt/odoo")
    spec = importlib.util.spec_from_file_location("odoo_float_utils", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_round_half_up():
    assert [planning.round_half_up(value) for value in (0, 0.5, 1.5, 2.5, -0.5, -2.5, 2.4999, 1234.5)] == [
        0, 1, 2, 3, -1, -3, 2, 1235]
    assert planning.round_half_up(1.005 * 100) == 101  # 100.49999999999999 in binary


def test_round_half_up_as_odoo_rounds():
    float_round = odoo_float_utils().float_round
    rng = random.Random(0)
    values = [rng.uniform(-1e7, 1e7) for _i in range(20000)]
    values += [whole + 0.5 for whole in range(-500, 500)]
    values += [amount * 21 / 100 for amount in range(0, 100000, 7)]
    values += [amount / 100 / 1.0873 * 100 for amount in range(0, 100000, 13)]
    for value in values:
        assert planning.round_half_up(value) == int(float_round(value, precision_digits=0)), value
