"""What a book needs to know of its company, read (and completed) with the ORM.

Reads the journals, accounts, payment method, sales tax, payment terms,
countries and languages of the company; activates the document currencies
and gives them monthly rates over the period when they have none.
"""
import bisect
import random
from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError

from .description import (
    PAYMENT_TERMS,
    REFERENCE_RATES,
    BookCompany,
    BookCountry,
    BookCurrency,
    BookTax,
    BookTerm,
    period_start,
)
from .writer import BookLedger


def prepare_company(env, company, currency_codes, country_codes, today, years, seed):
    """The :class:`BookCompany` to plan a book of ``company`` and the :class:`BookLedger` to write it to.

    :param currency_codes: codes of the document currencies besides the company's
    :param country_codes: codes of the customers' countries
    :param today: the last day of the book, which starts ``years`` before
    """
    Journal = env["account.journal"]
    sale_journal = Journal.search([*Journal._check_company_domain(company), ("type", "=", "sale")], limit=1)
    bank_journal = Journal.search([*Journal._check_company_domain(company), ("type", "=", "bank")], limit=1)
    if not sale_journal.default_account_id or not bank_journal:
        raise UserError(env._("%s needs a chart of accounts with a sales and a bank journal.", company.name))
    paid_state = env["account.move"]._get_invoice_in_payment_state()
    method_line, outstanding = _payment_method(env, company, bank_journal, paid_state)
    start = period_start(today, years)
    currencies = _prepare_currencies(env, company, currency_codes, start, today, seed)
    terms = _payment_terms(env, company)
    book_company = BookCompany(
        today=today,
        start=start,
        run_date=fields.Date.context_today(company),
        currency=book_currency(company.currency_id),
        currencies=currencies,
        countries=_countries(env, country_codes),
        terms=[term for term, _record in terms],
        langs=frozenset(code for code, _name in env["res.lang"].get_installed()),
        tax=_book_tax(company.account_sale_tax_id),
        round_globally=company.tax_calculation_rounding_method == "round_globally",
        payment_matched=outstanding == bank_journal.default_account_id or not outstanding.reconcile,
        outstanding_reconcile=outstanding.reconcile or outstanding.account_type in (
            "asset_cash", "liability_credit_card"),
        paid_state=paid_state,
        rate=CompanyRates(company),
        due_date=TermDueDates({term.id: record for term, record in terms}),
        dispute_reasons=tuple(env["ar.dispute.reason"].search([]).ids),
    )
    ledger = BookLedger(
        company_id=company.id,
        sale_journal=sale_journal,
        bank_journal=bank_journal,
        income_account_id=sale_journal.default_account_id.id,
        method_line_id=method_line.id,
        payment_method_id=method_line.payment_method_id.id,
        payment_label=method_line.name,
        outstanding_account_id=outstanding.id,
        invoice_bank_id=env["account.move"].new({
            "move_type": "out_invoice", "company_id": company.id, "journal_id": sale_journal.id,
        }).partner_bank_id.id,
        payment_bank_id=bank_journal.bank_account_id.id,
        user_id=_author(env).id,
        now=fields.Datetime.to_string(fields.Datetime.now()),
    )
    return book_company, ledger


def book_currency(currency):
    return BookCurrency(currency.id, currency.name, 10 ** currency.decimal_places, currency.decimal_places)


def _author(env):
    """The user the documents are created by: the administrator rather than the superuser."""
    if not env.user._is_superuser():
        return env.user
    return env.ref("base.user_admin", raise_if_not_found=False) or env.user


def _payment_method(env, company, bank_journal, paid_state):
    """Incoming payment method of the bank journal and the outstanding account its payments use."""
    method_lines = bank_journal.inbound_payment_method_line_ids
    method_line = method_lines.filtered("payment_account_id")[:1] or method_lines[:1]
    outstanding = method_line.payment_account_id
    if method_line and not outstanding and paid_state != "in_payment":
        # As account.payment does without accounting app: payments still get a journal entry.
        outstanding = env["account.payment"].new({"company_id": company.id})._get_outstanding_account("inbound")
    if not outstanding:
        raise UserError(env._("Journal %s needs an incoming payment method with an outstanding receipts account.",
                              bank_journal.display_name))
    return method_line, outstanding


def _book_tax(tax):
    """The company's default sales tax, when the bulk path can reproduce it (a plain percentage)."""
    if (not tax or tax.amount_type != "percent" or tax.price_include or tax.children_tax_ids
            or tax.tax_exigibility != "on_invoice" or tax.include_base_amount):
        return None
    repartition = {}
    for move_type, lines in (("out_invoice", tax.invoice_repartition_line_ids),
                             ("out_refund", tax.refund_repartition_line_ids)):
        base = lines.filtered(lambda line: line.repartition_type == "base")
        tax_lines = lines.filtered(lambda line: line.repartition_type == "tax")
        if len(tax_lines) != 1 or tax_lines.factor_percent != 100:
            return None
        repartition[move_type] = (base.tag_ids.ids, tax_lines.id, tax_lines.account_id.id or None,
                                  tax_lines.tag_ids.ids)
    return BookTax(tax.id, tax.name, tax.amount, tax.tax_group_id.id, repartition)


def _payment_terms(env, company):
    """The standard single-instalment payment terms the company can use: (BookTerm, account.payment.term)."""
    terms = []
    for xmlid, weight in PAYMENT_TERMS:
        term = env.ref(xmlid, raise_if_not_found=False)
        if (term and term.active and term.company_id in (company, company.browse())
                and not term.early_discount and len(term.line_ids) == 1
                and term.line_ids.value == "percent" and term.line_ids.value_amount == 100):
            terms.append((BookTerm(term.id, weight), term))
    if not terms:
        raise UserError(env._("The standard payment terms of the account module are missing."))
    return terms


def _countries(env, codes):
    """The countries of ``codes``, in that order."""
    codes = list(codes)
    countries = env["res.country"].search([("code", "in", codes)]).sorted(lambda country: codes.index(country.code))
    if not countries:
        raise UserError(env._("None of the countries %s exists.", ", ".join(codes)))
    return [BookCountry(country.id, country.code, country.currency_id.id or None, country.phone_code or None)
            for country in countries]


def _prepare_currencies(env, company, codes, start, today, seed):
    """Document currencies: the company's and ``codes``, activated and with monthly rates."""
    currencies = company.currency_id
    for code in codes:
        currency = env["res.currency"].with_context(active_test=False).search([("name", "=", code)])
        if not currency:
            raise UserError(env._("Unknown currency %s.", code))
        currencies |= currency
    foreign = currencies - company.currency_id
    foreign.filtered(lambda currency: not currency.active).active = True
    for currency in foreign:
        _ensure_monthly_rates(env, company, currency, start, today, random.Random(f"{seed}:{currency.name}"))
    return [book_currency(currency) for currency in currencies]


def _ensure_monthly_rates(env, company, currency, start, today, rng):
    """Give ``currency`` a rate on the first of every month of the period that has none."""
    first = start.replace(day=1)
    existing = env["res.currency.rate"].search([
        ("currency_id", "=", currency.id),
        ("company_id", "in", (company.root_id.id, False)),
        ("name", ">=", first),
        ("name", "<=", today),
    ])
    covered = {(rate.name.year, rate.name.month) for rate in existing}
    reference = REFERENCE_RATES.get(currency.name), REFERENCE_RATES.get(company.currency_id.name)
    rate = reference[0] / reference[1] if all(reference) else env["res.currency"]._get_conversion_rate(
        company.currency_id, currency, company, first)
    values = []
    month = first
    while month <= today:
        rate *= 1 + rng.uniform(-0.015, 0.015)
        if (month.year, month.month) not in covered:
            values.append({"currency_id": currency.id, "company_id": company.root_id.id, "name": month,
                           "rate": round(rate, 6)})
        month = (month + timedelta(days=32)).replace(day=1)
    env["res.currency.rate"].create(values)


class CompanyRates:
    """Rate from the company currency to a document currency on a day, as Odoo reads it for an invoice.

    Rates only change on the dates of rate records: one lookup per
    currency and period between two of them.
    """

    def __init__(self, company):
        self.company = company
        self.Currency = company.env["res.currency"]
        self.change_dates = sorted(set(company.env["res.currency.rate"].search_fetch(
            [("company_id", "in", (company.root_id.id, False))], ["name"], order="name").mapped("name")))
        self.rates = {}

    def __call__(self, currency, day):
        key = (currency.id, bisect.bisect_right(self.change_dates, day))
        if key not in self.rates:
            self.rates[key] = self.Currency._get_conversion_rate(
                self.company.currency_id, self.Currency.browse(currency.id), self.company, day)
        return self.rates[key]


class TermDueDates:
    """Due date a payment term gives an invoice of a day, as ``account.payment.term`` computes it."""

    def __init__(self, terms):
        self.terms = terms  # account.payment.term, by id
        self.due_dates = {}

    def __call__(self, term, day):
        key = (term.id, day)
        if key not in self.due_dates:
            self.due_dates[key] = self.terms[term.id].line_ids._get_due_date(day)
        return self.due_dates[key]
