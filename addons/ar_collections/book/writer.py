"""Bulk writer of a planned receivable book.

Writes the accounting documents of a planned (and named) book with
``COPY``: moves, journal items, payments, partial and full
reconciliations, the taxes and tags of the lines, and the customers as
followers of their documents. Every stored column is written the way Odoo
computes it, so that the documents are as if the ORM had posted and
reconciled them; the columns that other modules add get their default.
"""
import io
import itertools
import re
from dataclasses import dataclass
from operator import itemgetter

from odoo.tools import SQL

NULL = r"\N"  # NULL in PostgreSQL's COPY text format

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


@dataclass
class BookLedger:
    """The journals, accounts and payment method a book is written to, and who writes it when."""

    company_id: int
    sale_journal: object  # account.journal
    bank_journal: object  # account.journal
    income_account_id: int
    method_line_id: int
    payment_method_id: int
    payment_label: str  # label of the payment method, that payment lines start with
    outstanding_account_id: int
    invoice_bank_id: int  # bank account invoices ask to pay to
    payment_bank_id: int  # bank account payments are received on
    user_id: int
    now: str


def escape_copy(text):
    """Escape a string for PostgreSQL's COPY text format."""
    if text is None:
        return NULL
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def copy_bool(value):
    return "t" if value else "f"


class BookWriter:
    """Writes the documents of a planned ``book``, whose documents and payments are named, to ``ledger``."""

    def __init__(self, env, ledger, book):
        self.env = env
        self.ledger = ledger
        self.book = book
        self.company = book.company  # the BookCompany
        self.copier = CopyWriter(env.cr)

    def write(self):
        """Insert the book; returns the number of rows written."""
        book, cr = self.book, self.env.cr
        self.env.flush_all()
        self._assign_ids()
        self._write_full_reconciles()
        # Payments and their moves reference each other: the payments get their move_id once both exist.
        self._write_payments()
        self._write_moves()
        cr.execute(
            "UPDATE account_payment payment SET move_id = move.id FROM account_move move"
            " WHERE move.origin_payment_id = payment.id AND payment.id = ANY(%s)",
            [[payment.id for payment in book.payments]])
        self._write_payment_links()
        self._write_lines()
        self._write_partials()
        self._write_followers()
        self._analyze_book_tables()
        return self.copier.rows

    def _analyze_book_tables(self):
        """Refresh the planner statistics of the tables just filled.

        Without it, PostgreSQL plans the next queries for the tables as they
        were (nearly empty) and nested loops over thousands of rows take
        minutes; ANALYZE also counts the rows of the running transaction.
        """
        for table in ("account_move", "account_move_line", "account_partial_reconcile", "account_full_reconcile",
                      "account_payment", "res_partner"):
            self.env.cr.execute(SQL("ANALYZE %s", SQL.identifier(table)))

    # ------------------------------------------------------------------
    # Ids
    # ------------------------------------------------------------------

    def _assign_ids(self):
        book = self.book
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

    def _audit(self):
        """create_uid, write_uid, create_date and write_date of every row."""
        ledger = self.ledger
        return ledger.user_id, ledger.user_id, ledger.now, ledger.now

    # ------------------------------------------------------------------
    # Moves and payments
    # ------------------------------------------------------------------

    def _write_full_reconciles(self):
        audit = self._audit()
        self.copier.copy(
            "account_full_reconcile", ("id", "create_uid", "write_uid", "create_date", "write_date"),
            ((invoice.full_reconcile_id, *audit) for invoice in self.book.invoices if invoice.full_reconcile_id))

    def _write_moves(self):
        split = SequenceSplitter(self.env["account.move"])
        rows = itertools.chain(
            (self._document_move_row(split, document) for document in self.book.documents),
            (self._payment_move_row(split, payment) for payment in self.book.payments),
        )
        self.copier.copy("account_move", MOVE_COLUMNS, rows, self._column_defaults("account.move", MOVE_COLUMNS))

    def _move_base(self, split, name, day, journal_id, currency, customer):
        """Column values of a posted move (COPY text format)."""
        ledger = self.ledger
        prefix, number = split(name)
        return {
            "name": escape_copy(name), "sequence_prefix": prefix, "sequence_number": number, "date": day,
            "state": "posted", "journal_id": journal_id, "company_id": ledger.company_id, "currency_id": currency.id,
            "partner_id": customer.partner_id, "commercial_partner_id": customer.partner_id,
            "partner_shipping_id": NULL, "invoice_user_id": NULL, "invoice_date": NULL,
            "invoice_payment_term_id": NULL, "partner_bank_id": NULL, "payment_reference": NULL, "ref": NULL,
            "reversed_entry_id": NULL, "origin_payment_id": NULL,
            "invoice_partner_display_name": escape_copy(customer.name),
            "auto_post": "no", "is_storno": "f", "checked": "t", "posted_before": "t", "made_sequence_gap": "f",
            "is_manually_modified": "f", "create_uid": ledger.user_id, "write_uid": ledger.user_id,
            "create_date": ledger.now, "write_date": ledger.now,
        }

    def _document_move_row(self, split, document):
        """An invoice or credit note, with the amounts ``account.move._compute_amount`` gives."""
        ledger = self.ledger
        customer, currency, company_currency = document.customer, document.customer.currency, self.company.currency
        invoice = document.move_type == "out_invoice"
        sign = 1 if invoice else -1
        row = self._move_base(split, document.name, document.date, ledger.sale_journal.id, currency, customer)
        row.update({
            "id": document.id, "move_type": document.move_type, "partner_shipping_id": customer.partner_id,
            "invoice_user_id": ledger.user_id, "invoice_date": document.date, "invoice_date_due": document.due,
            "invoice_payment_term_id": customer.term.id,
            "partner_bank_id": (ledger.invoice_bank_id or NULL) if invoice else NULL,
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

    def _payment_move_row(self, split, payment):
        """The journal entry of a customer payment."""
        ledger = self.ledger
        customer = payment.invoice.customer
        currency, company_currency = customer.currency, self.company.currency
        row = self._move_base(split, payment.name, payment.date, ledger.bank_journal.id, currency, customer)
        row.update({
            "id": payment.move_id, "move_type": "entry", "invoice_date_due": payment.date,
            "partner_bank_id": ledger.payment_bank_id or NULL,
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

    def _write_payments(self):
        rows = (self._payment_row(payment) for payment in self.book.payments)
        self.copier.copy("account_payment", PAYMENT_COLUMNS, rows,
                         self._column_defaults("account.payment", PAYMENT_COLUMNS))

    def _payment_row(self, payment):
        """A customer payment, fully reconciled with its invoice; its move is linked once written."""
        ledger = self.ledger
        customer = payment.invoice.customer
        return PAYMENT_ROW({
            "id": payment.id, "move_id": NULL, "journal_id": ledger.bank_journal.id,
            "company_id": ledger.company_id, "payment_method_line_id": ledger.method_line_id,
            "payment_method_id": ledger.payment_method_id, "currency_id": customer.currency.id,
            "partner_id": customer.partner_id, "partner_bank_id": ledger.payment_bank_id or NULL,
            "outstanding_account_id": ledger.outstanding_account_id, "destination_account_id": customer.receivable_id,
            "name": escape_copy(payment.name), "state": payment.state, "payment_type": "inbound",
            "partner_type": "customer", "memo": escape_copy(payment.invoice.name), "date": payment.date,
            "amount": customer.currency.text(payment.amount),
            "amount_company_currency_signed": self.company.currency.text(payment.balance), "is_reconciled": "t",
            "is_matched": copy_bool(self.company.payment_matched), "create_uid": ledger.user_id,
            "write_uid": ledger.user_id, "create_date": ledger.now, "write_date": ledger.now,
        })

    def _write_payment_links(self):
        """The invoice each payment was registered for (``account.payment.invoice_ids``)."""
        invoice_field = self.env["account.payment"]._fields["invoice_ids"]
        self.copier.copy(invoice_field.relation, (invoice_field.column1, invoice_field.column2),
                         ((payment.id, payment.invoice.id) for payment in self.book.payments))

    # ------------------------------------------------------------------
    # Journal items
    # ------------------------------------------------------------------

    def _write_lines(self):
        book = self.book
        matching = self._matching_numbers()
        tax_rel, tag_rel = [], []  # filled as the lines are written
        rows = itertools.chain(
            itertools.chain.from_iterable(
                self._document_lines(document, matching, tax_rel, tag_rel) for document in book.documents),
            itertools.chain.from_iterable(self._payment_lines(payment, matching) for payment in book.payments),
        )
        self.copier.copy("account_move_line", LINE_COLUMNS, rows,
                         self._column_defaults("account.move.line", LINE_COLUMNS))
        Line = self.env["account.move.line"]
        for field_name, rel_rows in (("tax_ids", tax_rel), ("tax_tag_ids", tag_rel)):
            rel_field = Line._fields[field_name]
            self.copier.copy(rel_field.relation, (rel_field.column1, rel_field.column2), rel_rows)

    def _matching_numbers(self):
        """Matching number of every reconciled receivable line: the full reconcile, else 'P' + first partial."""
        numbers = {}
        for invoice in self.book.invoices:
            if not invoice.partials:
                continue
            number = str(invoice.full_reconcile_id) if invoice.full_reconcile_id else f"P{invoice.partials[0].id}"
            numbers[invoice.line_ids[-1]] = number
            for partial in invoice.partials:
                numbers[partial.credit.line_ids[-1]] = number
        return numbers

    def _move_line_base(self, move_id, journal_id, currency, partner_id, name, day, invoice_date, ref):
        """Column values the journal items of one move share (COPY text format)."""
        ledger = self.ledger
        return {
            "move_id": move_id, "journal_id": journal_id, "company_id": ledger.company_id,
            "company_currency_id": self.company.currency.id, "sequence": 100, "account_id": NULL,
            "currency_id": currency.id, "partner_id": partner_id, "payment_id": NULL, "tax_line_id": NULL,
            "tax_group_id": NULL, "tax_repartition_line_id": NULL, "full_reconcile_id": NULL,
            "move_name": name, "parent_state": "posted", "ref": ref, "name": NULL, "matching_number": NULL,
            "display_type": "product", "date": day, "invoice_date": invoice_date, "date_maturity": NULL,
            "tax_base_amount": NULL, "quantity": 0, "price_unit": 0, "price_subtotal": 0, "price_total": 0,
            "discount": 0, "discount_amount_currency": NULL, "discount_balance": NULL, "tax_tag_invert": "f",
            "reconciled": "f", "create_uid": ledger.user_id, "write_uid": ledger.user_id,
            "create_date": ledger.now, "write_date": ledger.now,
        }

    def _line_row(self, base, currency, line_id, amounts, **values):
        """A journal item: ``base`` overridden by ``values``; ``amounts`` are the balance, amount in
        currency and their residuals, in minor units."""
        balance, amount_currency, residual, residual_currency = amounts
        company_text = self.company.currency.text
        row = {
            **base, **values, "id": line_id,
            "debit": company_text(max(balance, 0)), "credit": company_text(max(-balance, 0)),
            "balance": company_text(balance), "amount_currency": currency.text(amount_currency),
            "amount_residual": company_text(residual), "amount_residual_currency": currency.text(residual_currency),
        }
        return LINE_ROW(row)

    def _document_lines(self, document, matching, tax_rel, tag_rel):
        """Product lines, tax line and receivable line of an invoice or credit note."""
        tax, company_currency = self.company.tax, self.company.currency
        customer, currency = document.customer, document.customer.currency
        invoice = document.move_type == "out_invoice"
        sign = -1 if invoice else 1  # sign of the income side
        invert = copy_bool(tax and invoice)
        name = escape_copy(document.name)
        base = self._move_line_base(document.id, self.ledger.sale_journal.id, currency, customer.partner_id, name,
                                    document.date, document.date,
                                    escape_copy(document.ref) if document.ref else NULL)
        line_ids = document.line_ids
        repartition = tax and tax.repartition[document.move_type]
        rows = []
        for index, (line, line_id) in enumerate(zip(document.lines, line_ids)):
            rows.append(self._line_row(
                base, currency, line_id, (sign * line.balance, sign * line.subtotal, 0, 0),
                sequence=100 + index, account_id=self.ledger.income_account_id, name=escape_copy(line.label),
                quantity=line.quantity, price_unit=currency.text(line.price_unit),
                price_subtotal=currency.text(line.subtotal), price_total=currency.text(line.subtotal + line.tax),
                tax_tag_invert=invert))
            if tax:
                tax_rel.append((line_id, tax.id))
                tag_rel += [(line_id, tag_id) for tag_id in repartition[0]]
        tax_line_id, receivable_id = line_ids[-2], line_ids[-1]
        if tax:
            rows.append(self._line_row(
                base, currency, tax_line_id, (sign * document.tax_co, sign * document.tax, 0, 0),
                sequence=10000, account_id=repartition[2] or self.ledger.income_account_id, tax_line_id=tax.id,
                tax_group_id=tax.group_id, tax_repartition_line_id=repartition[1],
                name=escape_copy(tax.name), display_type="tax", tax_tag_invert=invert,
                tax_base_amount=company_currency.text(document.untaxed_co)))
            tag_rel += [(tax_line_id, tag_id) for tag_id in repartition[3]]
        settled = not invoice or (document.residual == 0 and document.residual_co == 0)
        amounts = (-sign * document.total_co, -sign * document.total, -sign * document.residual_co,
                   -sign * document.residual)
        rows.append(self._line_row(
            base, currency, receivable_id, amounts, sequence=12000, account_id=customer.receivable_id,
            name=name if invoice else NULL, display_type="payment_term", date_maturity=document.due,
            discount_amount_currency=currency.text(0), discount_balance=company_currency.text(0),
            matching_number=matching.get(receivable_id, NULL),
            full_reconcile_id=(document.origin or document).full_reconcile_id or NULL, reconciled=copy_bool(settled)))
        return rows

    def _payment_lines(self, payment, matching):
        """Outstanding receipts (debit) and receivable (credit) lines of a customer payment."""
        ledger = self.ledger
        invoice = payment.invoice
        currency = invoice.customer.currency
        base = self._move_line_base(payment.move_id, ledger.bank_journal.id, currency, invoice.customer.partner_id,
                                    escape_copy(payment.name), payment.date, NULL, escape_copy(invoice.name))
        base.update(payment_id=payment.id, name=escape_copy(f"{ledger.payment_label}: {invoice.name}"),
                    date_maturity=payment.date, quantity=1)
        liquidity_id, receivable_id = payment.line_ids
        open_balance, open_amount = (payment.balance, payment.amount) if self.company.outstanding_reconcile \
            else (0, 0)
        return [
            self._line_row(base, currency, liquidity_id, (payment.balance, payment.amount, open_balance, open_amount),
                           account_id=ledger.outstanding_account_id, price_subtotal=currency.text(payment.amount),
                           price_total=currency.text(payment.amount)),
            self._line_row(base, currency, receivable_id, (-payment.balance, -payment.amount, 0, 0),
                           account_id=invoice.customer.receivable_id, price_subtotal=currency.text(-payment.amount),
                           price_total=currency.text(-payment.amount), matching_number=matching[receivable_id],
                           full_reconcile_id=invoice.full_reconcile_id or NULL, reconciled="t"),
        ]

    # ------------------------------------------------------------------
    # Reconciliations and followers
    # ------------------------------------------------------------------

    def _write_partials(self):
        company_id, company_currency, audit = self.ledger.company_id, self.company.currency, self._audit()
        rows = (
            (partial.id, invoice.line_ids[-1], partial.credit.line_ids[-1],
             invoice.full_reconcile_id or NULL, invoice.customer.currency.id, invoice.customer.currency.id,
             company_id, max(invoice.date, partial.date), company_currency.text(partial.amount_co),
             invoice.customer.currency.text(partial.amount), invoice.customer.currency.text(partial.amount), *audit)
            for invoice in self.book.invoices for partial in invoice.partials
        )
        self.copier.copy("account_partial_reconcile", PARTIAL_COLUMNS, rows)

    def _write_followers(self):
        """Customers follow their documents, as posting subscribes them: the portal shows what they follow."""
        documents = self.book.documents
        follower_ids = self._reserve_ids("mail_followers", len(documents))
        self.copier.copy("mail_followers", ("id", "res_model", "res_id", "partner_id"), (
            (follower_id, "account.move", document.id, document.customer.partner_id)
            for follower_id, document in zip(follower_ids, documents)))
        subtypes = self.env["mail.message.subtype"].default_subtypes("account.move")[2].ids
        self.copier.copy("mail_followers_mail_message_subtype_rel", ("mail_followers_id", "mail_message_subtype_id"),
                         ((follower_id, subtype_id) for follower_id in follower_ids for subtype_id in subtypes))


class SequenceSplitter:
    """``sequence_prefix`` and ``sequence_number`` of a name, as ``sequence.mixin`` splits it."""

    def __init__(self, model):
        regex = model._make_regex_non_capturing(model._sequence_fixed_regex.replace(r"?P<seq>", ""))
        self.regex = re.compile(regex)

    def __call__(self, name):
        match = self.regex.match(name)
        return escape_copy(name[:match.start(1)]), int(match.group(1) or 0)


class CopyWriter:
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
