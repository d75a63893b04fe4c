"""What a generated receivable book is made of, in plain Python.

The kinds of customers (how they pay, how much they buy, where they are),
the words their documents use, and the dataclasses of a planned book:
customers, invoices, credit notes, payments, reconciliations, disputes and
promises, with amounts in integer minor units. Nothing here imports Odoo.
"""
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

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


def period_start(today, years):
    """First day of a book of ``years`` (possibly fractional) ending on ``today``."""
    return today - timedelta(days=round(365 * years) - 1)


# ---------------------------------------------------------------------------
# The company a book is planned for
# ---------------------------------------------------------------------------


@dataclass(slots=True, eq=False)
class BookCurrency:
    id: int
    name: str
    scale: int  # minor units per unit
    decimals: int

    def text(self, minor):
        """``minor`` units as a decimal amount of this currency, in text."""
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
class BookTerm:
    """A payment term with a single instalment, and how often customers get it."""

    id: int
    weight: int


@dataclass(slots=True, eq=False)
class BookCountry:
    id: int
    code: str
    currency_id: int  # None when the country has no currency
    phone_code: int  # None when unknown


@dataclass
class BookCompany:
    """What the planner needs to know about the company the book is for.

    ``rate`` and ``due_date`` are the company's own rules, given by whoever
    plans the book: ``rate(currency, day)`` is the rate from the company
    currency to a document currency as an invoice of ``day`` reads it, and
    ``due_date(term, day)`` is the due date ``term`` gives an invoice of ``day``.
    """

    today: date  # the last day of the book
    start: date  # the first day of the book
    run_date: date  # the day the book is generated: promises cannot be made before it
    currency: BookCurrency
    currencies: list  # document currencies, the company's first
    countries: list  # of BookCountry: customers are spread over them in this order
    terms: list  # of BookTerm
    langs: frozenset  # codes of the installed languages
    tax: BookTax  # the sales tax of every line, or None
    round_globally: bool
    payment_matched: bool  # payments are matched with their bank statement once posted
    outstanding_reconcile: bool  # payment lines stay open on the outstanding receipts account
    paid_state: str  # payment state of an invoice settled by payments not matched yet
    rate: Callable
    due_date: Callable
    dispute_reasons: tuple = ()  # ids of the reasons a dispute can give


# ---------------------------------------------------------------------------
# The plan of the book (amounts in integer minor units)
# ---------------------------------------------------------------------------


@dataclass(slots=True, eq=False)
class BookContact:
    """Address and means of contact of a customer."""

    street: str
    city: str
    zip: str
    state_code: str  # None: the country has no states
    email: str
    phone: str
    lang: str = None  # None: the default language
    credit_limit: int = None  # None: no credit limit


@dataclass(slots=True, eq=False)
class BookCustomer:
    name: str
    behaviour: str  # a key of BEHAVIOURS
    size: str  # a key of SIZES
    country: BookCountry
    currency: BookCurrency
    term: BookTerm
    slow_months: tuple  # seasonal customers: months in which they pay late
    contact: BookContact
    representative: bool = False  # the first customer of its behaviour, that the demo shows
    partner_id: int = 0  # once created
    receivable_id: int = 0  # once created


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


@dataclass(slots=True, eq=False)
class BookDispute:
    """A dispute on an open invoice."""

    invoice: BookDocument
    reason_id: int
    amount: int
    description: str
    source: str


@dataclass(slots=True, eq=False)
class BookPromise:
    """A promise to pay an invoice.

    Promises can only be made for the run date or later: a ``backdated``
    one is made on the run date, then dated back to ``promise_date``, and
    the payments since tell whether it was kept.
    """

    invoice: BookDocument
    amount: int
    promise_date: date
    source: str
    backdated: bool = False
    residual_at_promise: int = None  # what the invoice still owed when the promise was made


@dataclass
class Book:
    company: BookCompany
    customers: list
    invoices: list = field(default_factory=list)
    disputes: list = field(default_factory=list)
    promises: list = field(default_factory=list)

    @property
    def refunds(self):
        return [invoice.refund for invoice in self.invoices if invoice.refund]

    @property
    def payments(self):
        return [payment for invoice in self.invoices for payment in invoice.payments]

    @property
    def documents(self):
        return self.invoices + self.refunds

    def partner_behaviours(self):
        """The behaviour of every customer, by partner id (once the partners are created)."""
        return {customer.partner_id: customer.behaviour for customer in self.customers}
