"""Generator of a realistic receivable book: customers, invoices, credit notes and payments.

Used as the demo data of the addon and, at scale, for benchmarks. Partners,
currencies, disputes and promises go through the ORM (they are few); the
accounting documents go through a bulk SQL path: the whole book is planned
in Python (amounts in integer minor units), every stored column is computed
the way Odoo computes it, and the rows are written with ``COPY``.

Simplifications, chosen so that Odoo's own computations agree with what is
written: one payment-term instalment per document, at most one sales tax
(the company's default one, when it is a plain percentage), no products,
and credit notes and payments of a foreign-currency invoice are booked at
that invoice's rate, so that no exchange difference entry is needed.
"""
import bisect
import io
import itertools
import logging
import random
import re
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from operator import itemgetter

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, float_round

_logger = logging.getLogger(__name__)

NULL = r"\N"  # NULL in PostgreSQL's COPY text format

# ---------------------------------------------------------------------------
# What customers look like
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Behaviour:
    """How a kind of customer pays. Delays are in days after the due date."""

    weight: int
    delay: tuple
    split: float  # probability to pay an invoice in several instalments
    short: float  # probability to leave a small balance unpaid (bank fees, deductions)
    unpaid: float  # probability to never pay an invoice
    refund: float  # probability that an invoice gets a credit note
    late_delay: tuple = None  # seasonal customers: delay in their slow months


BEHAVIOURS = {
    "prompt": Behaviour(34, (-8, 2), 0.02, 0.0, 0.0, 0.03),
    "slow": Behaviour(26, (6, 40), 0.10, 0.02, 0.01, 0.04),
    "chronic": Behaviour(10, (45, 170), 0.35, 0.05, 0.15, 0.04),
    "disputer": Behaviour(10, (0, 30), 0.10, 0.05, 0.06, 0.25),
    "promise_breaker": Behaviour(10, (20, 80), 0.60, 0.05, 0.06, 0.04),
    "seasonal": Behaviour(10, (-3, 10), 0.05, 0.01, 0.01, 0.04, late_delay=(35, 95)),
}
SEASONS = ((7, 8), (12, 1), (6, 7, 8), (1, 2))
# Days overdue: every book keeps an invoice open in each of these aging buckets.
AGING_BUCKETS = ((11, 30), (31, 60), (61, 90), (91, 400))


@dataclass(frozen=True)
class Size:
    tag: str
    weight: int
    amount: tuple  # invoice untaxed amount range, in units of the document currency
    credit_limit: tuple  # None: no credit limit


SIZES = {
    "enterprise": Size("Enterprise", 12, (4000, 40000), (100_000, 500_000)),
    "mid_market": Size("Mid-Market", 33, (800, 8000), (20_000, 80_000)),
    "small": Size("Small Business", 55, (90, 1500), None),
}

# Payment terms of the account module (single instalment), with their weight.
PAYMENT_TERMS = (
    ("account.account_payment_term_immediate", 15),
    ("account.account_payment_term_15days", 20),
    ("account.account_payment_term_30days", 45),
    ("account.account_payment_term_45days", 20),
)


@dataclass(frozen=True)
class CountryStyle:
    langs: tuple
    legal_forms: tuple
    cities: tuple  # (city, zip, state code)
    streets: tuple
    street_format: str
    phone_format: str  # "#" is a random digit


COUNTRY_STYLES = {
    "US": CountryStyle(
        ("en_US",), ("Inc.", "LLC", "Corp."),
        (("New York", "10001", "NY"), ("Chicago", "60601", "IL"), ("San Francisco", "94105", "CA"),
         ("Austin", "78701", "TX"), ("Boston", "02110", "MA"), ("Seattle", "98101", "WA")),
        ("Main Street", "Oak Avenue", "Market Street", "Madison Avenue", "Pine Street", "Lake Shore Drive"),
        "{number} {street}", "+1 ###-555-01##"),
    "BE": CountryStyle(
        ("fr_BE", "nl_BE"), ("SA", "SRL", "NV", "BV"),
        (("Bruxelles", "1000", None), ("Antwerpen", "2000", None), ("Gent", "9000", None),
         ("Liège", "4000", None), ("Namur", "5000", None), ("Leuven", "3000", None)),
        ("Rue de la Loi", "Avenue Louise", "Meir", "Korenmarkt", "Rue Neuve", "Bondgenotenlaan"),
        "{street} {number}", "+32 2 ### ## ##"),
    "FR": CountryStyle(
        ("fr_FR",), ("SAS", "SARL", "SA"),
        (("Paris", "75002", None), ("Lyon", "69002", None), ("Lille", "59000", None),
         ("Bordeaux", "33000", None), ("Nantes", "44000", None), ("Toulouse", "31000", None)),
        ("Rue de Rivoli", "Boulevard Haussmann", "Rue de la République", "Cours de l'Intendance",
         "Rue Nationale", "Rue d'Alsace-Lorraine"),
        "{number} {street}", "+33 1 ## ## ## ##"),
    "DE": CountryStyle(
        ("de_DE",), ("GmbH", "AG", "KG"),
        (("Berlin", "10115", None), ("München", "80331", None), ("Hamburg", "20095", None),
         ("Köln", "50667", None), ("Frankfurt am Main", "60311", None), ("Stuttgart", "70173", None)),
        ("Hauptstraße", "Bahnhofstraße", "Friedrichstraße", "Königsallee", "Schillerstraße", "Goethestraße"),
        "{street} {number}", "+49 30 #### ####"),
}
DEFAULT_STYLE = CountryStyle(
    ("en_US",), ("Ltd",), (("Capital City", "1000", None), ("Port Town", "2000", None)),
    ("High Street", "Station Road", "Park Lane"), "{number} {street}", "+{code} ### ### ###")

NAME_ADJECTIVES = (
    "Apex", "Atlas", "Blue Ridge", "Bright", "Cedar", "Coastal", "Crystal", "Delta", "Evergreen", "Golden",
    "Granite", "Harbor", "Horizon", "Iron", "Keystone", "Lumen", "Maple", "Meridian", "Nova", "Northern",
    "Orion", "Pacific", "Pioneer", "Quantum", "Red Oak", "Silver", "Sterling", "Summit", "Titan", "Vertex",
    "Willow", "Zenith",
)
NAME_ACTIVITIES = (
    "Analytics", "Builders", "Chemicals", "Consulting", "Dynamics", "Electronics", "Energy", "Engineering",
    "Foods", "Freight", "Furniture", "Health", "Interiors", "Labs", "Logistics", "Machinery", "Media",
    "Metals", "Motors", "Packaging", "Pharma", "Plastics", "Retail", "Robotics", "Software", "Supplies",
    "Systems", "Textiles", "Tools", "Travel",
)
NAME_SURNAMES = (
    "Anderson", "Bauer", "Bernard", "Carter", "Claes", "Dubois", "Fischer", "Garcia", "Hoffmann", "Janssens",
    "Keller", "Lambert", "Laurent", "Maes", "Martin", "Meyer", "Moreau", "Müller", "Peeters", "Petit",
    "Richter", "Roux", "Schneider", "Schulz", "Simon", "Thomas", "Vermeulen", "Wagner", "Walker", "Weber",
    "Wouters",
)
NAME_PATTERNS = ("{adjective} {activity}", "{surname} {activity}", "{surname} & {surname2}",
                 "{adjective} {surname} {activity}")

LINE_LABELS = (
    "Consulting services", "Software subscription", "Implementation project", "Maintenance contract",
    "Hardware supply", "Training session", "Support plan", "Logistics services", "Spare parts",
    "Licence fees", "Installation", "Freight charges",
)
QUANTITIES = (1, 1, 1, 2, 3, 4, 5, 10, 20)
REFUND_REASONS = ("Pricing error", "Damaged goods returned", "Volume discount", "Duplicate billing",
                  "Service level credit")
DISPUTE_DESCRIPTIONS = (
    "The unit price does not match our purchase order.",
    "Part of the delivery arrived damaged.",
    "We were billed twice for this order.",
    "The service was not delivered as agreed.",
    "Our PO number is missing on the invoice.",
)
DISPUTE_SOURCES = ("backoffice", "portal", "email", "call")
PROMISE_SOURCES = ("call", "email", "portal")

# Units of each currency per euro, to seed rates of currencies without any.
REFERENCE_RATES = {"EUR": 1.0, "USD": 1.09, "GBP": 0.85, "CHF": 0.95, "CAD": 1.48, "AUD": 1.65,
                   "JPY": 162.0, "SEK": 11.4, "DKK": 7.46, "NOK": 11.6, "PLN": 4.3, "INR": 91.0}

# Field types whose default can be written as a constant by the bulk path.
SCALAR_TYPES = {"boolean", "integer", "float", "monetary", "char", "text", "selection", "date", "many2one"}

# Columns written by the bulk path, per table.
MOVE_COLUMNS = (
    "id", "name", "sequence_prefix", "sequence_number", "date", "state", "move_type", "journal_id",
    "company_id", "currency_id", "partner_id", "commercial_partner_id", "partner_shipping_id",
    "invoice_user_id", "invoice_date", "invoice_date_due", "invoice_payment_term_id", "partner_bank_id",
    "payment_reference",
    "ref", "reversed_entry_id", "origin_payment_id", "payment_state", "invoice_partner_display_name",
    "invoice_currency_rate", "amount_untaxed", "amount_tax", "amount_total", "amount_residual", "amount_untaxed_signed",
    "amount_untaxed_in_currency_signed", "amount_tax_signed", "amount_total_signed",
    "amount_total_in_currency_signed", "amount_residual_signed", "auto_post", "is_storno",
    "always_tax_exigible", "checked", "posted_before", "made_sequence_gap", "is_manually_modified",
    "create_uid", "write_uid", "create_date", "write_date",
)
PAYMENT_COLUMNS = (
    "id", "move_id", "journal_id", "company_id", "payment_method_line_id", "payment_method_id",
    "currency_id", "partner_id", "partner_bank_id", "outstanding_account_id", "destination_account_id", "name",
    "state",
    "payment_type", "partner_type", "memo", "date", "amount", "amount_company_currency_signed",
    "is_reconciled", "is_matched", "create_uid", "write_uid", "create_date", "write_date",
)
LINE_COLUMNS = (
    "id", "move_id", "journal_id", "company_id", "company_currency_id", "sequence", "account_id",
    "currency_id", "partner_id", "payment_id", "tax_line_id", "tax_group_id", "tax_repartition_line_id",
    "full_reconcile_id", "move_name", "parent_state", "ref", "name", "matching_number", "display_type",
    "date", "invoice_date", "date_maturity", "debit", "credit", "balance", "amount_currency",
    "tax_base_amount", "amount_residual", "amount_residual_currency", "quantity", "price_unit",
    "price_subtotal", "price_total", "discount", "discount_amount_currency", "discount_balance",
    "tax_tag_invert", "reconciled", "create_uid", "write_uid", "create_date", "write_date",
)
PARTIAL_COLUMNS = (
    "id", "debit_move_id", "credit_move_id", "full_reconcile_id", "debit_currency_id", "credit_currency_id",
    "company_id", "max_date", "amount", "debit_amount_currency", "credit_amount_currency",
    "create_uid", "write_uid", "create_date", "write_date",
)
MOVE_ROW = itemgetter(*MOVE_COLUMNS)
PAYMENT_ROW = itemgetter(*PAYMENT_COLUMNS)
LINE_ROW = itemgetter(*LINE_COLUMNS)

# ---------------------------------------------------------------------------
# The plan of the book (plain Python, amounts in integer minor units)
# ---------------------------------------------------------------------------


@dataclass(slots=True, eq=False)
class BookCurrency:
    id: int
    name: str
    scale: int  # minor units per unit
    decimals: int

    def text(self, minor):
        return f"{minor / self.scale:.{self.decimals}f}"


@dataclass(slots=True, eq=False)
class BookTax:
    id: int
    name: str
    percent: float
    group_id: int
    # per move type: (base tag ids, tax repartition line id, tax account id or None, tax tag ids)
    repartition: dict


@dataclass(slots=True, eq=False)
class BookCustomer:
    partner_id: int
    name: str
    behaviour: str
    size: str
    currency: BookCurrency
    term: object  # account.payment.term
    term_id: int
    slow_months: tuple
    receivable_id: int = 0
    representative: bool = False


@dataclass(slots=True, eq=False)
class BookLine:
    label: str
    quantity: int
    price_unit: int
    subtotal: int
    tax: int  # tax of this line alone, rounded: what price_total shows
    balance: int = 0  # company currency, unsigned


@dataclass(slots=True, eq=False)
class BookDocument:
    """A customer invoice or credit note."""

    move_type: str
    customer: BookCustomer
    date: date
    due: date
    rate: float
    lines: list
    untaxed: int = 0
    tax: int = 0
    untaxed_co: int = 0
    tax_co: int = 0
    origin: object = None  # the invoice a credit note corrects
    reason: str = None
    ref: str = None
    refund: object = None  # invoices: their credit note
    payments: list = field(default_factory=list)
    partials: list = field(default_factory=list)
    residual: int = 0
    residual_co: int = 0
    payment_state: str = "not_paid"
    id: int = 0
    name: str = None
    line_ids: list = None
    full_reconcile_id: int = None

    @property
    def total(self):
        return self.untaxed + self.tax

    @property
    def total_co(self):
        return self.untaxed_co + self.tax_co


@dataclass(slots=True, eq=False)
class BookPayment:
    invoice: BookDocument
    date: date
    amount: int
    balance: int = 0
    state: str = "in_process"
    id: int = 0
    move_id: int = 0
    name: str = None
    line_ids: tuple = ()


@dataclass(slots=True, eq=False)
class BookPartial:
    credit: object  # BookDocument (credit note) or BookPayment
    amount: int
    amount_co: int
    date: date
    id: int = 0


@dataclass
class BookSetup:
    """Everything the plan and the writer need to know about the company."""

    company: object
    company_id: int
    today: date
    start: date
    currency: BookCurrency
    currencies: list
    sale_journal: object
    bank_journal: object
    sale_journal_id: int
    bank_journal_id: int
    income_account_id: int
    method_line_id: int
    payment_method_id: int
    payment_label: str  # label of the payment method, that payment lines start with
    outstanding_account_id: int
    outstanding_reconcile: bool
    invoice_bank_id: int  # bank account invoices ask to pay to
    payment_bank_id: int  # bank account payments are received on
    payment_matched: bool
    tax: BookTax
    round_globally: bool
    terms: list
    paid_state: str
    user_id: int
    now: str
    rate_dates: list = field(default_factory=list)
    rates: dict = field(default_factory=dict)
    due_dates: dict = field(default_factory=dict)


@dataclass
class Book:
    customers: list
    invoices: list = field(default_factory=list)

    @property
    def refunds(self):
        return [invoice.refund for invoice in self.invoices if invoice.refund]

    @property
    def payments(self):
        return [payment for invoice in self.invoices for payment in invoice.payments]

    @property
    def documents(self):
        return self.invoices + self.refunds


def round_half_up(value):
    """Round an amount of minor units to an integer, as Odoo rounds amounts (half away from zero)."""
    return int(float_round(value, precision_digits=0))


def escape_copy(text):
    """Escape a string for PostgreSQL's COPY text format."""
    if text is None:
        return NULL
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def copy_bool(value):
    return "t" if value else "f"


def random_digits(rng, pattern):
    return "".join(str(rng.randint(0, 9)) if char == "#" else char for char in pattern)


class ArCollectionBookGenerator(models.AbstractModel):
    _name = "ar.collection.book.generator"
    _description = "Receivable Book Generator"

    # ------------------------------------------------------------------
    # Public API
    # ------------------------------------------------------------------

    @api.model
    def generate(self, customers=200, years=2, invoices_per_customer_year=12, seed=42, company=None,
                 currencies=("EUR",), countries=("US", "BE", "FR", "DE"), today=None):
        """Create ``customers`` customers with ``years`` of invoicing history.

        Invoices are spread evenly over the customers (``invoices_per_customer_year``
        may be fractional), credit notes and payments follow each customer's
        payment behaviour up to ``today``. Documents are in the company
        currency, or in the currency of the customer's country when it is
        among ``currencies``. The same ``seed`` gives the same book.

        :return: counts of what was created, and the seconds it took
        """
        if not self.env.is_system():
            # Documents are written in SQL, past the access rights: administrators only.
            raise AccessError(self.env._("Only administrators can generate a receivable book."))
        company = self.env["res.company"].browse(company) if isinstance(company, int) else company or self.env.company
        return self.with_company(company)._generate(
            company, customers, years, invoices_per_customer_year, seed, currencies, countries,
            fields.Date.to_date(today) if today else fields.Date.context_today(self))

    @api.model
    def _generate_demo_book(self):
        """The book of the demo data; runs once, later updates of the module keep it."""
        if self.env.ref("ar_collections.demo_customer_prompt", raise_if_not_found=False):
            return {}
        company = self.env.company
        if not company.chart_template:
            # Installed together with `account`, whose chart of accounts is only loaded once the registry is ready.
            self.env["account.chart.template"].try_loading(False, company, install_demo=False)
        second_currency = "USD" if company.currency_id.name == "EUR" else "EUR"
        result = self.generate(customers=200, years=2, invoices_per_customer_year=12, seed=42, company=company,
                               currencies=(company.currency_id.name, second_currency))
        self.env["ar.collection.segment"]._assign_partners(company)
        self._register_demo_customers(result["representatives"])
        return result

    def _register_demo_customers(self, representatives):
        partners = self.env["res.partner"].browse(list(representatives.values()))
        self.env["ir.model.data"]._update_xmlids([
            {"xml_id": f"ar_collections.demo_customer_{behaviour}", "record": partner, "noupdate": True}
            for behaviour, partner in zip(representatives, partners)
        ])

    # ------------------------------------------------------------------
    # Orchestration
    # ------------------------------------------------------------------

    def _generate(self, company, customers, years, per_year, seed, currencies, countries, today):
        clock = PhaseClock()
        rng = random.Random(seed)
        setup = self._book_setup(company, currencies, today, years, seed)
        book = Book(self._create_customers(setup, rng, customers, countries))
        clock.lap("customers")
        self._plan_book(setup, rng, book, years, per_year)
        self._assign_names(setup, book)
        clock.lap("plan")
        rows = self._write_book(setup, book)
        self.env.invalidate_all()
        self.env["account.move"]._get_sequence_cache().clear()
        clock.lap("write")
        disputes = self._create_disputes(setup, rng, book)
        promises = self._create_promises(setup, rng, book)
        clock.lap("cases")
        result = self._summary(setup, book, rows, disputes, promises)
        result.update(seconds=clock.total(), phases=clock.phases)
        _logger.info("Generated a receivable book for %s: %s", company.name, result)
        return result

    def _summary(self, setup, book, rows, disputes, promises):
        invoices = book.invoices
        scale = setup.currency.scale
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
        }

    # ------------------------------------------------------------------
    # Setup: journals, accounts, tax, terms, currencies
    # ------------------------------------------------------------------

    def _book_setup(self, company, currency_codes, today, years, seed):
        Journal = self.env["account.journal"]
        sale_journal = Journal.search([*Journal._check_company_domain(company), ("type", "=", "sale")], limit=1)
        bank_journal = Journal.search([*Journal._check_company_domain(company), ("type", "=", "bank")], limit=1)
        if not sale_journal.default_account_id or not bank_journal:
            raise UserError(self.env._("%s needs a chart of accounts with a sales and a bank journal.",
                                       company.name))
        paid_state = self.env["account.move"]._get_invoice_in_payment_state()
        method_line, outstanding = self._payment_method(company, bank_journal, paid_state)
        start = today - timedelta(days=round(365 * years) - 1)
        user = self.env.user if not self.env.user._is_superuser() else (
            self.env.ref("base.user_admin", raise_if_not_found=False) or self.env.user)
        return BookSetup(
            company=company,
            company_id=company.id,
            today=today,
            start=start,
            currency=self._book_currency(company.currency_id),
            currencies=self._prepare_currencies(company, currency_codes, start, today, seed),
            sale_journal=sale_journal,
            bank_journal=bank_journal,
            sale_journal_id=sale_journal.id,
            bank_journal_id=bank_journal.id,
            income_account_id=sale_journal.default_account_id.id,
            method_line_id=method_line.id,
            payment_method_id=method_line.payment_method_id.id,
            payment_label=method_line.name,
            outstanding_account_id=outstanding.id,
            outstanding_reconcile=outstanding.reconcile or outstanding.account_type in (
                "asset_cash", "liability_credit_card"),
            payment_matched=outstanding == bank_journal.default_account_id or not outstanding.reconcile,
            invoice_bank_id=self.env["account.move"].new({
                "move_type": "out_invoice", "company_id": company.id, "journal_id": sale_journal.id,
            }).partner_bank_id.id,
            payment_bank_id=bank_journal.bank_account_id.id,
            tax=self._book_tax(company.account_sale_tax_id),
            round_globally=company.tax_calculation_rounding_method == "round_globally",
            terms=self._book_terms(company),
            paid_state=paid_state,
            user_id=user.id,
            now=fields.Datetime.to_string(fields.Datetime.now()),
            rate_dates=self._rate_dates(company),
        )

    def _payment_method(self, company, bank_journal, paid_state):
        """Incoming payment method of the bank journal and the outstanding account its payments use."""
        method_lines = bank_journal.inbound_payment_method_line_ids
        method_line = method_lines.filtered("payment_account_id")[:1] or method_lines[:1]
        outstanding = method_line.payment_account_id
        if method_line and not outstanding and paid_state != "in_payment":
            # As account.payment does without accounting app: payments still get a journal entry.
            outstanding = self.env["account.payment"].new({"company_id": company.id})._get_outstanding_account(
                "inbound")
        if not outstanding:
            raise UserError(self.env._("Journal %s needs an incoming payment method with an outstanding "
                                       "receipts account.", bank_journal.display_name))
        return method_line, outstanding

    @api.model
    def _book_currency(self, currency):
        return BookCurrency(currency.id, currency.name, 10 ** currency.decimal_places, currency.decimal_places)

    def _book_tax(self, tax):
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

    def _book_terms(self, company):
        terms = []
        for xmlid, weight in PAYMENT_TERMS:
            term = self.env.ref(xmlid, raise_if_not_found=False)
            if (term and term.active and term.company_id in (company, company.browse())
                    and not term.early_discount and len(term.line_ids) == 1
                    and term.line_ids.value == "percent" and term.line_ids.value_amount == 100):
                terms.append((term, weight))
        if not terms:
            raise UserError(self.env._("The standard payment terms of the account module are missing."))
        return terms

    def _prepare_currencies(self, company, codes, start, today, seed):
        """Document currencies: the company's and ``codes``, activated and with monthly rates."""
        currencies = company.currency_id
        for code in codes:
            currency = self.env["res.currency"].with_context(active_test=False).search([("name", "=", code)])
            if not currency:
                raise UserError(self.env._("Unknown currency %s.", code))
            currencies |= currency
        foreign = currencies - company.currency_id
        foreign.filtered(lambda currency: not currency.active).active = True
        for currency in foreign:
            self._ensure_monthly_rates(company, currency, start, today, random.Random(f"{seed}:{currency.name}"))
        return [self._book_currency(currency) for currency in currencies]

    def _ensure_monthly_rates(self, company, currency, start, today, rng):
        """Give ``currency`` a rate on the first of every month of the period that has none."""
        first = start.replace(day=1)
        existing = self.env["res.currency.rate"].search([
            ("currency_id", "=", currency.id),
            ("company_id", "in", (company.root_id.id, False)),
            ("name", ">=", first),
            ("name", "<=", today),
        ])
        covered = {(rate.name.year, rate.name.month) for rate in existing}
        reference = REFERENCE_RATES.get(currency.name), REFERENCE_RATES.get(company.currency_id.name)
        rate = reference[0] / reference[1] if all(reference) else self.env["res.currency"]._get_conversion_rate(
            company.currency_id, currency, company, first)
        values = []
        month = first
        while month <= today:
            rate *= 1 + rng.uniform(-0.015, 0.015)
            if (month.year, month.month) not in covered:
                values.append({"currency_id": currency.id, "company_id": company.root_id.id, "name": month,
                               "rate": round(rate, 6)})
            month = (month + timedelta(days=32)).replace(day=1)
        self.env["res.currency.rate"].create(values)

    def _rate_dates(self, company):
        """Dates on which a rate of the company changes, sorted."""
        dates = self.env["res.currency.rate"].search_fetch(
            [("company_id", "in", (company.root_id.id, False))], ["name"], order="name").mapped("name")
        return sorted(set(dates))

    def _rate(self, setup, currency, day):
        """Rate from the company currency to ``currency`` on ``day``, as Odoo reads it for an invoice."""
        if currency.id == setup.currency.id:
            return 1.0
        # Rates only change on the dates of rate records: one lookup per period between two of them.
        key = (currency.id, bisect.bisect_right(setup.rate_dates, day))
        if key not in setup.rates:
            Currency = self.env["res.currency"]
            setup.rates[key] = Currency._get_conversion_rate(
                setup.company.currency_id, Currency.browse(currency.id), setup.company, day)
        return setup.rates[key]

    def _due_date(self, setup, customer, day):
        key = (customer.term_id, day)
        if key not in setup.due_dates:
            setup.due_dates[key] = customer.term.line_ids._get_due_date(day)
        return setup.due_dates[key]

    # ------------------------------------------------------------------
    # Customers (ORM)
    # ------------------------------------------------------------------

    def _create_customers(self, setup, rng, count, country_codes):
        countries = self.env["res.country"].search([("code", "in", list(country_codes))])
        countries = countries.sorted(lambda country: list(country_codes).index(country.code))
        if not countries:
            raise UserError(self.env._("None of the countries %s exists.", ", ".join(country_codes)))
        tags = self._size_tags()
        active_langs = {code for code, _name in self.env["res.lang"].get_installed()}
        states = {
            (state.country_id.code, state.code): state.id
            for state in self.env["res.country.state"].search([("country_id", "in", countries.ids)])
        }
        behaviours = list(BEHAVIOURS)
        # Document currencies no customer's country uses, given to a share of customers instead.
        unmatched = [currency for currency in setup.currencies[1:] if currency.id not in countries.currency_id.ids]
        names = set()
        profiles, values = [], []
        for index in range(count):
            country = countries[index % len(countries)]
            # The first customers show every behaviour; they represent them in the demo.
            behaviour = behaviours[index] if index < len(behaviours) else rng.choices(
                behaviours, [profile.weight for profile in BEHAVIOURS.values()])[0]
            size = rng.choices(list(SIZES), [size.weight for size in SIZES.values()])[0]
            term = rng.choices([term for term, _weight in setup.terms], [w for _term, w in setup.terms])[0]
            name = self._company_name(rng, country.code, names)
            profiles.append(BookCustomer(
                partner_id=0, name=name, behaviour=behaviour, size=size,
                currency=self._customer_currency(setup, rng, country, unmatched), term=term, term_id=term.id,
                slow_months=rng.choice(SEASONS) if behaviour == "seasonal" else (),
                representative=index < len(behaviours),
            ))
            values.append(self._customer_values(rng, name, country, size, term, tags, active_langs, states))
        Partner = self.env["res.partner"].with_context(tracking_disable=True, mail_create_nolog=True)
        # The ORM computes defaults record by record, some with a query: compute them once for all.
        defaults = Partner.default_get([name for name, partner_field in Partner._fields.items()
                                        if not partner_field.company_dependent])
        partners = Partner.browse()
        for page in range(0, len(values), 1000):
            partners |= Partner.create([{**defaults, **vals} for vals in values[page:page + 1000]])
        for profile, partner in zip(profiles, partners):
            profile.partner_id = partner.id
            profile.receivable_id = partner.property_account_receivable_id.id
        return profiles

    def _size_tags(self):
        Tag = self.env["res.partner.category"]
        tags = {}
        for key, size in SIZES.items():
            tags[key] = Tag.search([("name", "=", size.tag)], limit=1) or Tag.create({"name": size.tag})
        return tags

    @api.model
    def _company_name(self, rng, country_code, taken):
        style = COUNTRY_STYLES.get(country_code, DEFAULT_STYLE)
        for _attempt in range(5):
            base = rng.choice(NAME_PATTERNS).format(
                adjective=rng.choice(NAME_ADJECTIVES), activity=rng.choice(NAME_ACTIVITIES),
                surname=rng.choice(NAME_SURNAMES), surname2=rng.choice(NAME_SURNAMES))
            name = f"{base} {rng.choice(style.legal_forms)}"
            if name not in taken:
                break
        else:
            name = f"{base} {len(taken) + 1} {rng.choice(style.legal_forms)}"
        taken.add(name)
        return name

    @api.model
    def _customer_currency(self, setup, rng, country, unmatched):
        """The country's currency when it is a document currency; a few customers use the ``unmatched`` ones."""
        for currency in setup.currencies:
            if currency.id == country.currency_id.id:
                return currency
        if unmatched and rng.random() < 0.15:
            return rng.choice(unmatched)
        return setup.currency

    def _customer_values(self, rng, name, country, size, term, tags, active_langs, states):
        style = COUNTRY_STYLES.get(country.code, DEFAULT_STYLE)
        city, zip_code, state_code = rng.choice(style.cities)
        langs = [lang for lang in style.langs if lang in active_langs]
        slug = re.sub(r"[^a-z0-9]+", "-", unicodedata.normalize("NFKD", name).encode("ascii", "ignore")
                      .decode().lower()).strip("-")
        values = {
            "name": name,
            "is_company": True,
            "street": style.street_format.format(number=rng.randint(1, 250), street=rng.choice(style.streets)),
            "city": city,
            "zip": zip_code,
            "state_id": states.get((country.code, state_code), False),
            "country_id": country.id,
            "email": f"accounts.{slug}@example.com",
            "phone": random_digits(rng, style.phone_format.replace("{code}", str(country.phone_code or ""))),
            "category_id": [Command.set(tags[size].ids)],
            "customer_rank": 1,
            "property_payment_term_id": term.id,
            # Given, so that the ORM does not build a draft record per partner to precompute it.
            "user_id": False,
        }
        if langs:
            values["lang"] = rng.choice(langs)
        limits = SIZES[size].credit_limit
        if limits and rng.random() < 0.6:
            values["credit_limit"] = rng.randrange(limits[0], limits[1], 5000)
        return values

    # ------------------------------------------------------------------
    # The plan: documents, settlements, reconciliation (pure Python)
    # ------------------------------------------------------------------

    def _plan_book(self, setup, rng, book, years, per_year):
        total = round(len(book.customers) * years * per_year)
        base, extra = divmod(total, max(len(book.customers), 1))
        span = (setup.today - setup.start).days
        buckets = list(AGING_BUCKETS)  # those no invoice was left open in yet
        for index, customer in enumerate(book.customers):
            days = sorted(rng.randint(0, span) for _i in range(base + (index < extra)))
            invoices = [self._plan_invoice(setup, rng, customer, self._working_day(setup, day))
                        for day in days]
            for invoice in invoices:
                self._plan_settlements(setup, rng, invoice)
            if customer.behaviour != "prompt":
                self._leave_unpaid(setup, invoices, buckets, customer.representative)
            for invoice in invoices:
                self._settle(setup, invoice)
            book.invoices += invoices

    @api.model
    def _working_day(self, setup, offset):
        day = setup.start + timedelta(days=offset)
        if day.weekday() > 4:
            day -= timedelta(days=day.weekday() - 4)
        return max(day, setup.start)

    def _plan_invoice(self, setup, rng, customer, day):
        currency = customer.currency
        low, high = SIZES[customer.size].amount
        target = rng.uniform(low, high)
        count = rng.choice((1, 1, 2, 2, 3, 4))
        lines = []
        for share in self._shares(rng, count):
            quantity = rng.choice(QUANTITIES)
            price_unit = max(1, round(target * share / quantity)) * currency.scale
            lines.append(self._line(setup, rng.choice(LINE_LABELS), quantity, price_unit))
        invoice = BookDocument("out_invoice", customer, day, self._due_date(setup, customer, day),
                               self._rate(setup, currency, day), lines)
        self._compute_document(setup, invoice)
        return invoice

    @api.model
    def _shares(self, rng, count):
        weights = [rng.uniform(0.5, 1.5) for _i in range(count)]
        return [weight / sum(weights) for weight in weights]

    def _line(self, setup, label, quantity, price_unit):
        subtotal = quantity * price_unit
        tax = round_half_up(subtotal * setup.tax.percent / 100) if setup.tax else 0
        return BookLine(label, quantity, price_unit, subtotal, tax)

    def _compute_document(self, setup, document):
        """Totals in both currencies, as the invoice's lines hold them."""
        lines = document.lines
        document.untaxed = sum(line.subtotal for line in lines)
        if setup.tax:
            document.tax = sum(line.tax for line in lines) if not setup.round_globally else round_half_up(
                document.untaxed * setup.tax.percent / 100)
        for line in lines:
            line.balance = self._to_company(line.subtotal, document.rate, document.customer.currency, setup)
        document.untaxed_co = sum(line.balance for line in lines)
        document.tax_co = self._to_company(document.tax, document.rate, document.customer.currency, setup)

    @api.model
    def _to_company(self, amount, rate, currency, setup):
        if currency.id == setup.currency.id:
            return amount
        return round_half_up(amount / currency.scale / rate * setup.currency.scale)

    def _plan_settlements(self, setup, rng, invoice):
        """Credit note and payments of ``invoice``, following its customer's behaviour, up to today."""
        customer = invoice.customer
        behaviour = BEHAVIOURS[customer.behaviour]
        earliest = invoice.date + timedelta(days=1)
        if rng.random() < behaviour.refund:
            refund_date = invoice.date + timedelta(days=rng.randint(2, 20))
            if refund_date <= setup.today:
                full = rng.random() < 0.3
                invoice.refund = self._plan_refund(setup, rng, invoice, refund_date, full)
                if full:
                    return
                earliest = refund_date + timedelta(days=1)
        if rng.random() < behaviour.unpaid:
            return
        delay = behaviour.delay
        if behaviour.late_delay and invoice.due.month in customer.slow_months:
            delay = behaviour.late_delay
        pay_date = max(invoice.due + timedelta(days=rng.randint(*delay)), earliest)
        to_pay = invoice.total - (invoice.refund.total if invoice.refund else 0)
        for amount in self._instalments(rng, behaviour, to_pay, customer.currency.scale):
            if pay_date > setup.today:
                break
            invoice.payments.append(BookPayment(invoice, pay_date, amount))
            pay_date += timedelta(days=rng.randint(10, 45))

    @api.model
    def _instalments(self, rng, behaviour, amount, scale):
        """Split ``amount`` into the payments of one invoice (whole units but for the last one)."""
        amounts = []
        if rng.random() < behaviour.split and amount > 4 * scale:
            left = amount
            for _i in range(rng.choice((1, 1, 2))):
                part = round(left * rng.uniform(0.3, 0.6) / scale) * scale
                if 0 < part < left:
                    amounts.append(part)
                    left -= part
            amounts.append(left)
        else:
            amounts.append(amount)
        if rng.random() < behaviour.short:
            deduction = min(round(amounts[-1] * rng.uniform(0.005, 0.03)), amounts[-1] - 1)
            amounts[-1] -= max(deduction, 1)
        return [amount for amount in amounts if amount > 0]

    def _plan_refund(self, setup, rng, invoice, day, full):
        """A credit note of ``invoice``: all of it, or a part of its untaxed amount."""
        currency = invoice.customer.currency
        reason = rng.choice(REFUND_REASONS)
        if full:
            lines = [self._line(setup, line.label, line.quantity, line.price_unit) for line in invoice.lines]
        else:
            price = max(1, round(invoice.untaxed * rng.uniform(0.05, 0.4) / currency.scale)) * currency.scale
            lines = [self._line(setup, reason, 1, min(price, invoice.untaxed // 2))]
        # Booked at the invoice's rate, so that it settles the invoice without exchange difference.
        refund = BookDocument("out_refund", invoice.customer, day, self._due_date(setup, invoice.customer, day),
                              invoice.rate, lines, origin=invoice, reason=reason)
        self._compute_document(setup, refund)
        return refund

    @api.model
    def _leave_unpaid(self, setup, invoices, buckets, representative):
        """Leave an invoice open in the first aging bucket of ``buckets`` that ``invoices`` reach.

        Representatives of a behaviour, that the demo shows, always keep an
        overdue invoice open.
        """
        def age(invoice):
            return (setup.today - invoice.due).days

        unpaid = None
        for low, high in buckets:
            aged = [invoice for invoice in invoices if low <= age(invoice) <= high]
            if aged:
                unpaid = aged[-1]
                buckets.remove((low, high))
                break
        else:
            if representative:
                unpaid = next((invoice for invoice in reversed(invoices) if age(invoice) > 10), None)
        if unpaid:
            unpaid.refund = None
            unpaid.payments = []

    def _settle(self, setup, invoice):
        """Partials, residuals and payment states of ``invoice`` and of what settles it."""
        residual, residual_co = invoice.total, invoice.total_co
        if invoice.refund:
            refund = invoice.refund
            invoice.partials.append(BookPartial(refund, refund.total, refund.total_co, refund.date))
            residual -= refund.total
            residual_co -= refund.total_co
            refund.payment_state = "paid"
        for payment in invoice.payments:
            if payment.amount == residual:
                payment.balance = residual_co
            else:
                converted = self._to_company(payment.amount, invoice.rate, invoice.customer.currency, setup)
                payment.balance = max(min(converted, residual_co - 1), 0)
            invoice.partials.append(BookPartial(payment, payment.amount, payment.balance, payment.date))
            residual -= payment.amount
            residual_co -= payment.balance
        invoice.residual, invoice.residual_co = residual, residual_co
        if residual == 0 and residual_co == 0:
            invoice.full_reconcile_id = -1  # assigned with the other ids
            paid_state = "paid" if setup.payment_matched else setup.paid_state
            invoice.payment_state = paid_state if invoice.payments else "reversed"
        elif invoice.partials:
            invoice.payment_state = "partial"
        for payment in invoice.payments:
            payment.state = "paid" if invoice.payment_state == "paid" or not setup.outstanding_reconcile \
                else "in_process"

    # ------------------------------------------------------------------
    # Numbering, as the sequence mixin would
    # ------------------------------------------------------------------

    def _assign_names(self, setup, book):
        """Name the documents in date order, continuing each journal's numbering."""
        counters, formats = {}, {}
        documents = sorted(book.documents, key=lambda document: (document.date, document.move_type != "out_invoice"))
        for document in documents:
            document.name = self._next_name(setup, setup.sale_journal, document.move_type, document.date,
                                            counters, formats)
            if document.origin:
                document.ref = self.env._("Reversal of: %(move_name)s, %(reason)s",
                                          move_name=document.origin.name, reason=document.reason)
        for payment in sorted(book.payments, key=lambda payment: payment.date):
            payment.name = self._next_name(setup, setup.bank_journal, "entry", payment.date, counters, formats)

    def _next_name(self, setup, journal, move_type, day, counters, formats):
        # The move type tells the journal; numbering restarts at most monthly, and yearly in general.
        key = (move_type, day.year, day.month)
        if key not in formats:
            formats[key] = formats.get((move_type, day.year)) or self._sequence_format(setup, journal, move_type, day)
            format_string, values, period, reset = formats[key]
            counters.setdefault(period, values["seq"])
            if reset in ("year", "never"):
                formats[(move_type, day.year)] = formats[key]
        format_string, values, period, _reset = formats[key]
        counters[period] += 1
        return format_string.format(**{**values, "seq": counters[period]})

    def _sequence_format(self, setup, journal, move_type, day):
        """How the sequence mixin would number a move of ``move_type`` dated ``day``, and when it restarts."""
        Move = self.env["account.move"].with_context(is_payment=move_type == "entry" and journal.payment_sequence)
        probe = Move.new({"journal_id": journal.id, "company_id": setup.company_id, "move_type": move_type,
                          "date": day, "invoice_date": day if move_type != "entry" else False})
        format_string, values = probe._get_next_sequence_format()
        period = format_string.format(**{**values, "seq": 0})
        return format_string, values, period, probe._deduce_sequence_number_reset(period)

    # ------------------------------------------------------------------
    # Writing the book (bulk SQL)
    # ------------------------------------------------------------------

    def _write_book(self, setup, book):
        """Insert the planned book; returns the number of rows written."""
        self.env.flush_all()
        self._assign_ids(book)
        writer = BookWriter(self.env.cr)
        self._write_full_reconciles(setup, book, writer)
        # Payments and their moves reference each other: the payments get their move_id once both exist.
        self._write_payments(setup, book, writer)
        self._write_moves(setup, book, writer)
        self.env.cr.execute(
            "UPDATE account_payment payment SET move_id = move.id FROM account_move move"
            " WHERE move.origin_payment_id = payment.id AND payment.id = ANY(%s)",
            [[payment.id for payment in book.payments]])
        self._write_payment_links(book, writer)
        self._write_lines(setup, book, writer)
        self._write_partials(setup, book, writer)
        self._write_followers(book, writer)
        self._analyze_book_tables()
        return writer.rows

    def _analyze_book_tables(self):
        """Refresh the planner statistics of the tables just filled.

        Without it, PostgreSQL plans the next queries for the tables as they
        were (nearly empty) and nested loops over thousands of rows take
        minutes; ANALYZE also counts the rows of the running transaction.
        """
        for table in ("account_move", "account_move_line", "account_partial_reconcile", "account_full_reconcile",
                      "account_payment", "res_partner"):
            self.env.cr.execute(SQL("ANALYZE %s", SQL.identifier(table)))

    def _assign_ids(self, book):
        documents, payments = book.documents, book.payments
        move_ids = self._reserve_ids("account_move", len(documents) + len(payments))
        for record, move_id in zip(documents, move_ids):
            record.id = move_id
        for payment, move_id, payment_id in zip(payments, move_ids[len(documents):],
                                                self._reserve_ids("account_payment", len(payments))):
            payment.move_id, payment.id = move_id, payment_id
        line_counts = [len(document.lines) + 2 for document in documents]  # products, tax, receivable
        line_ids = iter(self._reserve_ids("account_move_line", sum(line_counts) + 2 * len(payments)))
        for document, count in zip(documents, line_counts):
            document.line_ids = [next(line_ids) for _i in range(count)]
        for payment in payments:
            payment.line_ids = (next(line_ids), next(line_ids))  # liquidity, receivable
        partials = [partial for invoice in book.invoices for partial in invoice.partials]
        for partial, partial_id in zip(partials, self._reserve_ids("account_partial_reconcile", len(partials))):
            partial.id = partial_id
        settled = [invoice for invoice in book.invoices if invoice.full_reconcile_id]
        for invoice, full_id in zip(settled, self._reserve_ids("account_full_reconcile", len(settled))):
            invoice.full_reconcile_id = full_id

    def _reserve_ids(self, table, count):
        if not count:
            return []
        self.env.cr.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                            [table, count])
        return [row[0] for row in self.env.cr.fetchall()]

    def _column_defaults(self, model_name, columns):
        """Defaults of the fields the bulk path does not write itself, such as those other modules add."""
        Model = self.env[model_name]
        names = [
            name for name, model_field in Model._fields.items()
            if model_field.store and model_field.column_type and name not in columns
            and model_field.type in SCALAR_TYPES and not model_field.compute and not model_field.related
            and not model_field.company_dependent and not model_field.translate
        ]
        defaults = {}
        for name, value in Model.default_get(names).items():
            if value not in (None, False):
                defaults[name] = Model._fields[name].convert_to_column(value, Model)
        return defaults

    def _write_full_reconciles(self, setup, book, writer):
        audit = (setup.user_id, setup.user_id, setup.now, setup.now)
        writer.copy("account_full_reconcile", ("id", "create_uid", "write_uid", "create_date", "write_date"),
                    ((invoice.full_reconcile_id, *audit) for invoice in book.invoices if invoice.full_reconcile_id))

    def _write_moves(self, setup, book, writer):
        split = SequenceSplitter(self.env["account.move"])
        rows = itertools.chain(
            (self._document_move_row(setup, split, document) for document in book.documents),
            (self._payment_move_row(setup, split, payment) for payment in book.payments),
        )
        writer.copy("account_move", MOVE_COLUMNS, rows, self._column_defaults("account.move", MOVE_COLUMNS))

    def _move_base(self, setup, split, name, day, journal_id, currency, customer):
        prefix, number = split(name)
        return {
            "name": escape_copy(name), "sequence_prefix": prefix, "sequence_number": number, "date": day,
            "state": "posted", "journal_id": journal_id, "company_id": setup.company_id, "currency_id": currency.id,
            "partner_id": customer.partner_id, "commercial_partner_id": customer.partner_id,
            "partner_shipping_id": NULL, "invoice_user_id": NULL, "invoice_date": NULL,
            "invoice_payment_term_id": NULL, "partner_bank_id": NULL, "payment_reference": NULL, "ref": NULL,
            "reversed_entry_id": NULL, "origin_payment_id": NULL,
            "invoice_partner_display_name": escape_copy(customer.name),
            "auto_post": "no", "is_storno": "f", "checked": "t", "posted_before": "t", "made_sequence_gap": "f",
            "is_manually_modified": "f", "create_uid": setup.user_id, "write_uid": setup.user_id,
            "create_date": setup.now, "write_date": setup.now,
        }

    def _document_move_row(self, setup, split, document):
        """An invoice or credit note, with the amounts ``account.move._compute_amount`` gives."""
        customer, currency, company_currency = document.customer, document.customer.currency, setup.currency
        invoice = document.move_type == "out_invoice"
        sign = 1 if invoice else -1
        row = self._move_base(setup, split, document.name, document.date, setup.sale_journal_id, currency, customer)
        row.update({
            "id": document.id, "move_type": document.move_type, "partner_shipping_id": customer.partner_id,
            "invoice_user_id": setup.user_id, "invoice_date": document.date, "invoice_date_due": document.due,
            "invoice_payment_term_id": customer.term_id,
            "partner_bank_id": (setup.invoice_bank_id or NULL) if invoice else NULL,
            "payment_reference": escape_copy(document.name) if invoice else NULL,
            "ref": escape_copy(document.ref) if document.ref else NULL,
            "reversed_entry_id": document.origin.id if document.origin else NULL,
            "payment_state": document.payment_state, "invoice_currency_rate": repr(document.rate),
            "amount_untaxed": currency.text(document.untaxed), "amount_tax": currency.text(document.tax),
            "amount_total": currency.text(document.total), "amount_residual": currency.text(document.residual),
            "amount_untaxed_signed": company_currency.text(sign * document.untaxed_co),
            "amount_untaxed_in_currency_signed": currency.text(sign * document.untaxed),
            "amount_tax_signed": company_currency.text(sign * document.tax_co),
            "amount_total_signed": company_currency.text(sign * document.total_co),
            "amount_total_in_currency_signed": currency.text(sign * document.total),
            "amount_residual_signed": company_currency.text(sign * document.residual_co),
            "always_tax_exigible": "f",
        })
        return MOVE_ROW(row)

    def _payment_move_row(self, setup, split, payment):
        """The journal entry of a customer payment."""
        customer = payment.invoice.customer
        currency, company_currency = customer.currency, setup.currency
        row = self._move_base(setup, split, payment.name, payment.date, setup.bank_journal_id, currency, customer)
        row.update({
            "id": payment.move_id, "move_type": "entry", "invoice_date_due": payment.date,
            "partner_bank_id": setup.payment_bank_id or NULL,
            "ref": escape_copy(payment.invoice.name), "origin_payment_id": payment.id, "payment_state": "not_paid",
            "invoice_currency_rate": "0.0", "amount_untaxed": currency.text(0), "amount_tax": currency.text(0),
            "amount_total": currency.text(payment.amount), "amount_residual": currency.text(0),
            "amount_untaxed_signed": company_currency.text(0), "amount_untaxed_in_currency_signed": currency.text(0),
            "amount_tax_signed": company_currency.text(0),
            "amount_total_signed": company_currency.text(payment.balance),
            "amount_total_in_currency_signed": currency.text(payment.amount),
            "amount_residual_signed": company_currency.text(0), "always_tax_exigible": "t",
        })
        return MOVE_ROW(row)

    def _write_payments(self, setup, book, writer):
        rows = (self._payment_row(setup, payment) for payment in book.payments)
        writer.copy("account_payment", PAYMENT_COLUMNS, rows,
                    self._column_defaults("account.payment", PAYMENT_COLUMNS))

    def _payment_row(self, setup, payment):
        """A customer payment, fully reconciled with its invoice; its move is linked once written."""
        customer = payment.invoice.customer
        return PAYMENT_ROW({
            "id": payment.id, "move_id": NULL, "journal_id": setup.bank_journal_id, "company_id": setup.company_id,
            "payment_method_line_id": setup.method_line_id, "payment_method_id": setup.payment_method_id,
            "currency_id": customer.currency.id, "partner_id": customer.partner_id,
            "partner_bank_id": setup.payment_bank_id or NULL, "outstanding_account_id": setup.outstanding_account_id,
            "destination_account_id": customer.receivable_id,
            "name": escape_copy(payment.name), "state": payment.state, "payment_type": "inbound",
            "partner_type": "customer", "memo": escape_copy(payment.invoice.name), "date": payment.date,
            "amount": customer.currency.text(payment.amount),
            "amount_company_currency_signed": setup.currency.text(payment.balance), "is_reconciled": "t",
            "is_matched": copy_bool(setup.payment_matched), "create_uid": setup.user_id,
            "write_uid": setup.user_id, "create_date": setup.now, "write_date": setup.now,
        })

    def _write_payment_links(self, book, writer):
        """The invoice each payment was registered for (``account.payment.invoice_ids``)."""
        invoice_field = self.env["account.payment"]._fields["invoice_ids"]
        writer.copy(invoice_field.relation, (invoice_field.column1, invoice_field.column2),
                    ((payment.id, payment.invoice.id) for payment in book.payments))

    def _write_lines(self, setup, book, writer):
        matching = self._matching_numbers(book)
        tax_rel, tag_rel = [], []  # filled as the lines are written
        rows = itertools.chain(
            itertools.chain.from_iterable(
                self._document_lines(setup, document, matching, tax_rel, tag_rel) for document in book.documents),
            itertools.chain.from_iterable(self._payment_lines(setup, payment, matching) for payment in book.payments),
        )
        writer.copy("account_move_line", LINE_COLUMNS, rows,
                    self._column_defaults("account.move.line", LINE_COLUMNS))
        Line = self.env["account.move.line"]
        for field_name, rel_rows in (("tax_ids", tax_rel), ("tax_tag_ids", tag_rel)):
            rel_field = Line._fields[field_name]
            writer.copy(rel_field.relation, (rel_field.column1, rel_field.column2), rel_rows)

    @api.model
    def _matching_numbers(self, book):
        """Matching number of every reconciled receivable line: the full reconcile, else 'P' + first partial."""
        numbers = {}
        for invoice in book.invoices:
            if not invoice.partials:
                continue
            number = str(invoice.full_reconcile_id) if invoice.full_reconcile_id else f"P{invoice.partials[0].id}"
            numbers[invoice.line_ids[-1]] = number
            for partial in invoice.partials:
                numbers[partial.credit.line_ids[-1]] = number
        return numbers

    def _move_line_base(self, setup, move_id, journal_id, currency, partner_id, name, day, invoice_date, ref):
        """Column values the journal items of one move share (COPY text format)."""
        return {
            "move_id": move_id, "journal_id": journal_id, "company_id": setup.company_id,
            "company_currency_id": setup.currency.id, "sequence": 100, "account_id": NULL,
            "currency_id": currency.id, "partner_id": partner_id, "payment_id": NULL, "tax_line_id": NULL,
            "tax_group_id": NULL, "tax_repartition_line_id": NULL, "full_reconcile_id": NULL,
            "move_name": name, "parent_state": "posted", "ref": ref, "name": NULL, "matching_number": NULL,
            "display_type": "product", "date": day, "invoice_date": invoice_date, "date_maturity": NULL,
            "tax_base_amount": NULL, "quantity": 0, "price_unit": 0, "price_subtotal": 0, "price_total": 0,
            "discount": 0, "discount_amount_currency": NULL, "discount_balance": NULL, "tax_tag_invert": "f",
            "reconciled": "f", "create_uid": setup.user_id, "write_uid": setup.user_id, "create_date": setup.now,
            "write_date": setup.now,
        }

    def _line_row(self, setup, base, currency, line_id, amounts, **values):
        """A journal item: ``base`` overridden by ``values``; ``amounts`` are the balance, amount in
        currency and their residuals, in minor units."""
        balance, amount_currency, residual, residual_currency = amounts
        company_text = setup.currency.text
        row = {
            **base, **values, "id": line_id,
            "debit": company_text(max(balance, 0)), "credit": company_text(max(-balance, 0)),
            "balance": company_text(balance), "amount_currency": currency.text(amount_currency),
            "amount_residual": company_text(residual), "amount_residual_currency": currency.text(residual_currency),
        }
        return LINE_ROW(row)

    def _document_lines(self, setup, document, matching, tax_rel, tag_rel):
        """Product lines, tax line and receivable line of an invoice or credit note."""
        customer, currency = document.customer, document.customer.currency
        invoice = document.move_type == "out_invoice"
        sign = -1 if invoice else 1  # sign of the income side
        invert = copy_bool(setup.tax and invoice)
        name = escape_copy(document.name)
        base = self._move_line_base(setup, document.id, setup.sale_journal_id, currency, customer.partner_id, name,
                                    document.date, document.date,
                                    escape_copy(document.ref) if document.ref else NULL)
        line_ids = document.line_ids
        repartition = setup.tax and setup.tax.repartition[document.move_type]
        rows = []
        for index, (line, line_id) in enumerate(zip(document.lines, line_ids)):
            rows.append(self._line_row(
                setup, base, currency, line_id, (sign * line.balance, sign * line.subtotal, 0, 0),
                sequence=100 + index, account_id=setup.income_account_id, name=escape_copy(line.label),
                quantity=line.quantity, price_unit=currency.text(line.price_unit),
                price_subtotal=currency.text(line.subtotal), price_total=currency.text(line.subtotal + line.tax),
                tax_tag_invert=invert))
            if setup.tax:
                tax_rel.append((line_id, setup.tax.id))
                tag_rel += [(line_id, tag_id) for tag_id in repartition[0]]
        tax_line_id, receivable_id = line_ids[-2], line_ids[-1]
        if setup.tax:
            rows.append(self._line_row(
                setup, base, currency, tax_line_id, (sign * document.tax_co, sign * document.tax, 0, 0),
                sequence=10000, account_id=repartition[2] or setup.income_account_id, tax_line_id=setup.tax.id,
                tax_group_id=setup.tax.group_id, tax_repartition_line_id=repartition[1],
                name=escape_copy(setup.tax.name), display_type="tax", tax_tag_invert=invert,
                tax_base_amount=setup.currency.text(document.untaxed_co)))
            tag_rel += [(tax_line_id, tag_id) for tag_id in repartition[3]]
        settled = not invoice or (document.residual == 0 and document.residual_co == 0)
        amounts = (-sign * document.total_co, -sign * document.total, -sign * document.residual_co,
                   -sign * document.residual)
        rows.append(self._line_row(
            setup, base, currency, receivable_id, amounts, sequence=12000, account_id=customer.receivable_id,
            name=name if invoice else NULL, display_type="payment_term", date_maturity=document.due,
            discount_amount_currency=currency.text(0), discount_balance=setup.currency.text(0),
            matching_number=matching.get(receivable_id, NULL),
            full_reconcile_id=(document.origin or document).full_reconcile_id or NULL, reconciled=copy_bool(settled)))
        return rows

    def _payment_lines(self, setup, payment, matching):
        """Outstanding receipts (debit) and receivable (credit) lines of a customer payment."""
        invoice = payment.invoice
        currency = invoice.customer.currency
        base = self._move_line_base(setup, payment.move_id, setup.bank_journal_id, currency,
                                    invoice.customer.partner_id, escape_copy(payment.name), payment.date, NULL,
                                    escape_copy(invoice.name))
        base.update(payment_id=payment.id, name=escape_copy(f"{setup.payment_label}: {invoice.name}"),
                    date_maturity=payment.date, quantity=1)
        liquidity_id, receivable_id = payment.line_ids
        open_balance, open_amount = (payment.balance, payment.amount) if setup.outstanding_reconcile else (0, 0)
        return [
            self._line_row(setup, base, currency, liquidity_id,
                           (payment.balance, payment.amount, open_balance, open_amount),
                           account_id=setup.outstanding_account_id, price_subtotal=currency.text(payment.amount),
                           price_total=currency.text(payment.amount)),
            self._line_row(setup, base, currency, receivable_id, (-payment.balance, -payment.amount, 0, 0),
                           account_id=invoice.customer.receivable_id, price_subtotal=currency.text(-payment.amount),
                           price_total=currency.text(-payment.amount), matching_number=matching[receivable_id],
                           full_reconcile_id=invoice.full_reconcile_id or NULL, reconciled="t"),
        ]

    def _write_partials(self, setup, book, writer):
        audit = (setup.user_id, setup.user_id, setup.now, setup.now)
        rows = (
            (partial.id, invoice.line_ids[-1], partial.credit.line_ids[-1],
             invoice.full_reconcile_id or NULL, invoice.customer.currency.id, invoice.customer.currency.id,
             setup.company_id, max(invoice.date, partial.date), setup.currency.text(partial.amount_co),
             invoice.customer.currency.text(partial.amount), invoice.customer.currency.text(partial.amount), *audit)
            for invoice in book.invoices for partial in invoice.partials
        )
        writer.copy("account_partial_reconcile", PARTIAL_COLUMNS, rows)

    def _write_followers(self, book, writer):
        """Customers follow their documents, as posting subscribes them: the portal shows what they follow."""
        documents = book.documents
        follower_ids = self._reserve_ids("mail_followers", len(documents))
        writer.copy("mail_followers", ("id", "res_model", "res_id", "partner_id"), (
            (follower_id, "account.move", document.id, document.customer.partner_id)
            for follower_id, document in zip(follower_ids, documents)))
        subtypes = self.env["mail.message.subtype"].default_subtypes("account.move")[2].ids
        writer.copy("mail_followers_mail_message_subtype_rel", ("mail_followers_id", "mail_message_subtype_id"),
                    ((follower_id, subtype_id) for follower_id in follower_ids for subtype_id in subtypes))

    # ------------------------------------------------------------------
    # Collection cases (ORM)
    # ------------------------------------------------------------------

    @api.model
    def _open_invoices(self, book, behaviour):
        """Open invoices per customer of ``behaviour``, representatives first, oldest first."""
        by_customer = {}
        for invoice in book.invoices:
            if invoice.customer.behaviour == behaviour and invoice.residual > 0:
                by_customer.setdefault(invoice.customer.partner_id, []).append(invoice)
        return sorted(by_customer.values(), key=lambda invoices: not invoices[0].customer.representative)

    def _create_disputes(self, setup, rng, book, limit=100):
        """Open disputes on an invoice of about half the disputers."""
        reasons = self.env["ar.dispute.reason"].search([])
        values = []
        for invoices in self._open_invoices(book, "disputer"):
            if not reasons or len(values) >= limit:
                break
            if not invoices[0].customer.representative and rng.random() < 0.5:
                continue
            invoice = invoices[-1]
            values.append({
                "partner_id": invoice.customer.partner_id,
                "company_id": setup.company_id,
                "invoice_ids": [Command.set([invoice.id])],
                "reason_id": rng.choice(reasons).id,
                "disputed_amount": round(invoice.residual * rng.uniform(0.2, 1.0)) / invoice.customer.currency.scale,
                "description": rng.choice(DISPUTE_DESCRIPTIONS),
                "source": rng.choice(DISPUTE_SOURCES),
            })
        return self.env["ar.dispute"].with_context(mail_create_nolog=True).create(values)

    def _create_promises(self, setup, rng, book, limit=60):
        """Broken, kept and open promises of (at most ``limit``) promise breakers.

        Promises can only be made for today or later: past ones are made
        today, then dated back, and their outcome left to ``_evaluate``.
        """
        real_today = fields.Date.context_today(self)
        plans = []  # (invoice, promised amount, values written once created)
        for invoices in self._open_invoices(book, "promise_breaker")[:limit]:
            overdue = [invoice for invoice in invoices if invoice.due < setup.today]
            if overdue:
                # Promised weeks ago, nothing paid since: broken.
                plans.append((overdue[0], overdue[0].residual,
                              {"promise_date": real_today - timedelta(days=rng.randint(10, 40))}))
            paid_in_part = [invoice for invoice in invoices[1:] if invoice.payments]
            if paid_in_part:
                # Promised before the invoice's last payment, which honoured it: kept.
                invoice, last = paid_in_part[0], paid_in_part[0].payments[-1]
                plans.append((invoice, min(last.amount, invoice.residual), {
                    "promise_date": last.date,
                    "residual_at_promise": (invoice.residual + last.amount) / invoice.customer.currency.scale,
                }))
            latest = invoices[-1]
            if len(invoices) > 1 and latest not in paid_in_part[:1] and rng.random() < 0.6:
                plans.append((latest, latest.residual, {}))
        promises = self.env["ar.promise"].with_context(mail_create_nolog=True).create([
            {
                "partner_id": invoice.customer.partner_id,
                "company_id": setup.company_id,
                "invoice_ids": [Command.set([invoice.id])],
                "amount": amount / invoice.customer.currency.scale,
                "promise_date": real_today + timedelta(days=0 if later else rng.randint(3, 14)),
                "source": rng.choice(PROMISE_SOURCES),
            }
            for invoice, amount, later in plans
        ])
        for promise, (_invoice, _amount, later) in zip(promises, plans):
            if later:
                promise.write(later)
        promises._evaluate(today=real_today)
        return promises


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


class SequenceSplitter:
    """``sequence_prefix`` and ``sequence_number`` of a name, as ``sequence.mixin`` splits it."""

    def __init__(self, model):
        regex = model._make_regex_non_capturing(model._sequence_fixed_regex.replace(r"?P<seq>", ""))
        self.regex = re.compile(regex)

    def __call__(self, name):
        match = self.regex.match(name)
        return escape_copy(name[:match.start(1)]), int(match.group(1) or 0)


class BookWriter:
    """Writes rows with ``COPY``; keeps count of the rows written."""

    def __init__(self, cr):
        self.cr = cr
        self.rows = 0

    def copy(self, table, columns, rows, defaults=None):
        """Write ``rows``: tuples of values in COPY text format (ints and dates are fine as they are).

        ``defaults`` maps further columns to the value every row has.
        """
        defaults = defaults or {}
        suffix = "".join(f"\t{self._text(value)}" for value in defaults.values()) + "\n"
        stream = CopyStream("\t".join(map(str, row)) + suffix for row in rows)
        self.cr.copy_expert(f"COPY {table} ({', '.join((*columns, *defaults))}) FROM STDIN", stream)
        self.rows += stream.lines

    @staticmethod
    def _text(value):
        if value is True or value is False:
            return copy_bool(value)
        return escape_copy(str(value))


class CopyStream(io.TextIOBase):
    """A file COPY reads lines from as they are produced.

    PostgreSQL ingests each chunk while the next one is being prepared,
    so that the book is written on both cores, and never held in memory.
    """

    CHUNK = 1 << 16

    def __init__(self, lines):
        self.pending = lines
        self.lines = 0

    def read(self, size=-1):
        chunk, length = [], 0
        for line in self.pending:
            chunk.append(line)
            length += len(line)
            if length >= self.CHUNK:
                break
        self.lines += len(chunk)
        return "".join(chunk)
