"""Planning of a receivable book, in plain Python.

From a seed, draws the customers (behaviour, size, country, currency,
payment term, address), their invoices over the period, the credit notes
and payments that follow each customer's behaviour up to the last day of
the book, how they reconcile, and the disputes and promises of the
customers who make them. Amounts are integer minor units, computed the way
Odoo computes them, so that the book can be written as it is. Nothing here
imports Odoo: the company's rates and payment terms come with the
:class:`~.description.BookCompany`.
"""
import math
import random
import re
import unicodedata
from datetime import timedelta

from .description import (
    AGING_BUCKETS,
    BEHAVIOURS,
    COUNTRY_STYLES,
    DEFAULT_STYLE,
    DISPUTE_DESCRIPTIONS,
    DISPUTE_SOURCES,
    LINE_LABELS,
    NAME_ACTIVITIES,
    NAME_ADJECTIVES,
    NAME_PATTERNS,
    NAME_SURNAMES,
    PROMISE_SOURCES,
    QUANTITIES,
    REFUND_REASONS,
    SEASONS,
    SIZES,
    Book,
    BookContact,
    BookCustomer,
    BookDispute,
    BookDocument,
    BookLine,
    BookPartial,
    BookPayment,
    BookPromise,
)

DISPUTE_LIMIT = 100  # disputes of a book, at most
PROMISE_LIMIT = 60  # promise breakers who made promises, at most


def plan_book(company, customers, years, invoices_per_customer_year, seed):
    """The book of ``customers`` customers of ``company`` over ``years``; the same ``seed`` gives the same book.

    :param company: a :class:`~.description.BookCompany`
    :param invoices_per_customer_year: may be fractional; invoices are spread evenly over the customers
    :rtype: ~.description.Book
    """
    return BookPlanner(company, random.Random(seed)).plan(customers, years, invoices_per_customer_year)


def round_half_up(value):
    """Round an amount of minor units to an integer as Odoo's ``float_round`` does: half away from zero,
    after nudging the value by an epsilon of its magnitude against floating-point representation errors."""
    if value == 0:
        return 0
    nudged = value + math.copysign(2 ** (math.log2(abs(value)) - 50), value)
    rounded = round(nudged)
    if round(nudged + 1) - rounded != 1:
        # An exact tie, that round() broke towards the even neighbour.
        return int(nudged + math.copysign(0.5, nudged))
    return rounded


def random_digits(rng, pattern):
    """``pattern`` with each "#" replaced by a random digit."""
    return "".join(str(rng.randint(0, 9)) if char == "#" else char for char in pattern)


def email_slug(name):
    """``name`` in lowercase ASCII letters and digits, words joined by dashes."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name).strip("-")


class BookPlanner:
    """Plans a book for ``company`` with the random draws of ``rng``.

    The draws follow a fixed order (customers, then their documents, then
    disputes, then promises), so that a seed always gives the same book.
    """

    def __init__(self, company, rng):
        self.company = company
        self.rng = rng

    def plan(self, customer_count, years, per_year):
        """The whole book: customers, documents and their settlement, disputes and promises."""
        book = Book(self.company, self._plan_customers(customer_count))
        self._plan_documents(book, years, per_year)
        book.disputes = self._plan_disputes(book)
        book.promises = self._plan_promises(book)
        return book

    # ------------------------------------------------------------------
    # Customers
    # ------------------------------------------------------------------

    def _plan_customers(self, count):
        """``count`` customers spread over the company's countries; the first ones show every behaviour."""
        countries = self.company.countries
        country_currencies = {country.currency_id for country in countries}
        # Document currencies no customer's country uses, given to a share of customers instead.
        unmatched = [currency for currency in self.company.currencies[1:] if currency.id not in country_currencies]
        names = set()
        return [self._plan_customer(index, countries[index % len(countries)], unmatched, names)
                for index in range(count)]

    def _plan_customer(self, index, country, unmatched, names):
        rng, company = self.rng, self.company
        behaviours = list(BEHAVIOURS)
        representative = index < len(behaviours)
        behaviour = behaviours[index] if representative else rng.choices(
            behaviours, [profile.weight for profile in BEHAVIOURS.values()])[0]
        size = rng.choices(list(SIZES), [size.weight for size in SIZES.values()])[0]
        term = rng.choices(company.terms, [term.weight for term in company.terms])[0]
        name = self._company_name(country.code, names)
        currency = self._customer_currency(country, unmatched)
        slow_months = rng.choice(SEASONS) if behaviour == "seasonal" else ()
        return BookCustomer(
            name=name, behaviour=behaviour, size=size, country=country, currency=currency, term=term,
            slow_months=slow_months, contact=self._plan_contact(name, country, size), representative=representative,
        )

    def _company_name(self, country_code, taken):
        """A company name in the style of the country, not in ``taken`` (to which it is added)."""
        rng = self.rng
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

    def _customer_currency(self, country, unmatched):
        """The country's currency when it is a document currency; a few customers use the ``unmatched`` ones."""
        for currency in self.company.currencies:
            if currency.id == country.currency_id:
                return currency
        if unmatched and self.rng.random() < 0.15:
            return self.rng.choice(unmatched)
        return self.company.currency

    def _plan_contact(self, name, country, size):
        """Address, email, phone, language and credit limit of the customer ``name``."""
        rng = self.rng
        style = COUNTRY_STYLES.get(country.code, DEFAULT_STYLE)
        city, zip_code, state_code = rng.choice(style.cities)
        langs = [lang for lang in style.langs if lang in self.company.langs]
        contact = BookContact(
            street=style.street_format.format(number=rng.randint(1, 250), street=rng.choice(style.streets)),
            city=city,
            zip=zip_code,
            state_code=state_code,
            email=f"accounts.{email_slug(name)}@example.com",
            phone=random_digits(rng, style.phone_format.replace("{code}", str(country.phone_code or ""))),
        )
        if langs:
            contact.lang = rng.choice(langs)
        limits = SIZES[size].credit_limit
        if limits and rng.random() < 0.6:
            contact.credit_limit = rng.randrange(limits[0], limits[1], 5000)
        return contact

    # ------------------------------------------------------------------
    # Documents, settlements, reconciliation
    # ------------------------------------------------------------------

    def _plan_documents(self, book, years, per_year):
        """Invoices spread evenly over the customers and the period, and what settles them."""
        company = self.company
        total = round(len(book.customers) * years * per_year)
        base, extra = divmod(total, max(len(book.customers), 1))
        span = (company.today - company.start).days
        buckets = list(AGING_BUCKETS)  # those no invoice was left open in yet
        for index, customer in enumerate(book.customers):
            days = sorted(self.rng.randint(0, span) for _i in range(base + (index < extra)))
            invoices = [self._plan_invoice(customer, self._working_day(day)) for day in days]
            for invoice in invoices:
                self._plan_settlements(invoice)
            if customer.behaviour != "prompt":
                self._leave_unpaid(invoices, buckets, customer.representative)
            for invoice in invoices:
                self._settle(invoice)
            book.invoices += invoices

    def _working_day(self, offset):
        """The day ``offset`` days into the book, moved back to the Friday when it falls on a weekend."""
        start = self.company.start
        day = start + timedelta(days=offset)
        if day.weekday() > 4:
            day -= timedelta(days=day.weekday() - 4)
        return max(day, start)

    def _rate(self, currency, day):
        if currency.id == self.company.currency.id:
            return 1.0
        return self.company.rate(currency, day)

    def _plan_invoice(self, customer, day):
        rng, currency = self.rng, customer.currency
        low, high = SIZES[customer.size].amount
        target = rng.uniform(low, high)
        count = rng.choice((1, 1, 2, 2, 3, 4))
        lines = []
        for share in self._shares(count):
            quantity = rng.choice(QUANTITIES)
            price_unit = max(1, round(target * share / quantity)) * currency.scale
            lines.append(self._line(rng.choice(LINE_LABELS), quantity, price_unit))
        invoice = BookDocument("out_invoice", customer, day, self.company.due_date(customer.term, day),
                               self._rate(currency, day), lines)
        self._compute_document(invoice)
        return invoice

    def _shares(self, count):
        """``count`` random shares of a whole, none much larger than the others."""
        weights = [self.rng.uniform(0.5, 1.5) for _i in range(count)]
        return [weight / sum(weights) for weight in weights]

    def _line(self, label, quantity, price_unit):
        subtotal = quantity * price_unit
        tax = self.company.tax
        line_tax = round_half_up(subtotal * tax.percent / 100) if tax else 0
        return BookLine(label, quantity, price_unit, subtotal, line_tax)

    def _compute_document(self, document):
        """Totals in both currencies, as the document's lines hold them."""
        tax, currency, lines = self.company.tax, document.customer.currency, document.lines
        document.untaxed = sum(line.subtotal for line in lines)
        if tax:
            document.tax = sum(line.tax for line in lines) if not self.company.round_globally else round_half_up(
                document.untaxed * tax.percent / 100)
        for line in lines:
            line.balance = self._to_company(line.subtotal, document.rate, currency)
        document.untaxed_co = sum(line.balance for line in lines)
        document.tax_co = self._to_company(document.tax, document.rate, currency)

    def _to_company(self, amount, rate, currency):
        """``amount`` minor units of ``currency`` in minor units of the company currency, at ``rate``."""
        company_currency = self.company.currency
        if currency.id == company_currency.id:
            return amount
        return round_half_up(amount / currency.scale / rate * company_currency.scale)

    def _plan_settlements(self, invoice):
        """Credit note and payments of ``invoice``, following its customer's behaviour, up to the book's end."""
        rng, today = self.rng, self.company.today
        customer = invoice.customer
        behaviour = BEHAVIOURS[customer.behaviour]
        earliest = invoice.date + timedelta(days=1)
        if rng.random() < behaviour.refund:
            refund_date = invoice.date + timedelta(days=rng.randint(2, 20))
            if refund_date <= today:
                full = rng.random() < 0.3
                invoice.refund = self._plan_refund(invoice, refund_date, full)
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
        for amount in self._instalments(behaviour, to_pay, customer.currency.scale):
            if pay_date > today:
                break
            invoice.payments.append(BookPayment(invoice, pay_date, amount))
            pay_date += timedelta(days=rng.randint(10, 45))

    def _instalments(self, behaviour, amount, scale):
        """Split ``amount`` into the payments of one invoice (whole units but for the last one)."""
        rng = self.rng
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

    def _plan_refund(self, invoice, day, full):
        """A credit note of ``invoice``: all of it, or a part of its untaxed amount."""
        customer = invoice.customer
        scale = customer.currency.scale
        reason = self.rng.choice(REFUND_REASONS)
        if full:
            lines = [self._line(line.label, line.quantity, line.price_unit) for line in invoice.lines]
        else:
            price = max(1, round(invoice.untaxed * self.rng.uniform(0.05, 0.4) / scale)) * scale
            lines = [self._line(reason, 1, min(price, invoice.untaxed // 2))]
        # Booked at the invoice's rate, so that it settles the invoice without exchange difference.
        refund = BookDocument("out_refund", customer, day, self.company.due_date(customer.term, day), invoice.rate,
                              lines, origin=invoice, reason=reason)
        self._compute_document(refund)
        return refund

    def _leave_unpaid(self, invoices, buckets, representative):
        """Leave an invoice open in the first aging bucket of ``buckets`` that ``invoices`` reach.

        Representatives of a behaviour, that the demo shows, always keep an
        overdue invoice open.
        """
        today = self.company.today

        def age(invoice):
            return (today - invoice.due).days

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

    def _settle(self, invoice):
        """Partials, residuals and payment states of ``invoice`` and of what settles it."""
        company = self.company
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
                converted = self._to_company(payment.amount, invoice.rate, invoice.customer.currency)
                payment.balance = max(min(converted, residual_co - 1), 0)
            invoice.partials.append(BookPartial(payment, payment.amount, payment.balance, payment.date))
            residual -= payment.amount
            residual_co -= payment.balance
        invoice.residual, invoice.residual_co = residual, residual_co
        if residual == 0 and residual_co == 0:
            invoice.full_reconcile_id = -1  # a real id is assigned when the book is written
            paid_state = "paid" if company.payment_matched else company.paid_state
            invoice.payment_state = paid_state if invoice.payments else "reversed"
        elif invoice.partials:
            invoice.payment_state = "partial"
        for payment in invoice.payments:
            payment.state = "paid" if invoice.payment_state == "paid" or not company.outstanding_reconcile \
                else "in_process"

    # ------------------------------------------------------------------
    # Disputes and promises
    # ------------------------------------------------------------------

    @staticmethod
    def _open_invoices(book, behaviour):
        """Open invoices per customer of ``behaviour``, representatives first, oldest first."""
        by_customer = {}
        for invoice in book.invoices:
            if invoice.customer.behaviour == behaviour and invoice.residual > 0:
                by_customer.setdefault(invoice.customer, []).append(invoice)
        return sorted(by_customer.values(), key=lambda invoices: not invoices[0].customer.representative)

    def _plan_disputes(self, book, limit=DISPUTE_LIMIT):
        """A dispute on the latest open invoice of about half the disputers (always their representative)."""
        rng, reasons = self.rng, self.company.dispute_reasons
        disputes = []
        for invoices in self._open_invoices(book, "disputer"):
            if not reasons or len(disputes) >= limit:
                break
            if not invoices[0].customer.representative and rng.random() < 0.5:
                continue
            invoice = invoices[-1]
            disputes.append(BookDispute(
                invoice=invoice,
                reason_id=rng.choice(reasons),
                amount=round(invoice.residual * rng.uniform(0.2, 1.0)),
                description=rng.choice(DISPUTE_DESCRIPTIONS),
                source=rng.choice(DISPUTE_SOURCES),
            ))
        return disputes

    def _plan_promises(self, book, limit=PROMISE_LIMIT):
        """Broken, kept and open promises of (at most ``limit``) promise breakers.

        A customer broke the promise of its oldest overdue invoice (made weeks
        ago, nothing paid since), kept the one its last payment of a partly
        paid invoice honoured, and often promised to pay its latest invoice
        in the coming days.
        """
        rng, run_date = self.rng, self.company.run_date
        plans = []  # (invoice, promised amount, past promise date or None, residual at promise or None)
        for invoices in self._open_invoices(book, "promise_breaker")[:limit]:
            overdue = [invoice for invoice in invoices if invoice.due < self.company.today]
            if overdue:
                plans.append((overdue[0], overdue[0].residual, run_date - timedelta(days=rng.randint(10, 40)), None))
            paid_in_part = [invoice for invoice in invoices[1:] if invoice.payments]
            if paid_in_part:
                invoice, last = paid_in_part[0], paid_in_part[0].payments[-1]
                plans.append((invoice, min(last.amount, invoice.residual), last.date, invoice.residual + last.amount))
            latest = invoices[-1]
            if len(invoices) > 1 and latest not in paid_in_part[:1] and rng.random() < 0.6:
                plans.append((latest, latest.residual, None, None))
        promises = []
        for invoice, amount, past_date, residual_at_promise in plans:
            backdated = past_date is not None
            promise_date = past_date if backdated else run_date + timedelta(days=rng.randint(3, 14))
            promises.append(BookPromise(
                invoice=invoice, amount=amount, promise_date=promise_date, source=rng.choice(PROMISE_SOURCES),
                backdated=backdated, residual_at_promise=residual_at_promise,
            ))
        return promises
