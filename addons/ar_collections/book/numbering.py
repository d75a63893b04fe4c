"""Names of the documents and payments of a planned book, as the sequence mixin would give them."""


def assign_names(env, ledger, book):
    """Name the documents, then the payments, in date order, continuing each journal's numbering.

    Credit notes also get the reference Odoo gives a reversal.
    """
    numbering = JournalNumbering(env, ledger.company_id)
    documents = sorted(book.documents, key=lambda document: (document.date, document.move_type != "out_invoice"))
    for document in documents:
        document.name = numbering.next_name(ledger.sale_journal, document.move_type, document.date)
        if document.origin:
            document.ref = env._("Reversal of: %(move_name)s, %(reason)s",
                                 move_name=document.origin.name, reason=document.reason)
    for payment in sorted(book.payments, key=lambda payment: payment.date):
        payment.name = numbering.next_name(ledger.bank_journal, "entry", payment.date)


class JournalNumbering:
    """Next names of moves, per journal sequence, from the last name each sequence gave."""

    def __init__(self, env, company_id):
        self.env = env
        self.company_id = company_id
        self.counters = {}  # last number, per sequence period (the name of number 0)
        self.formats = {}  # (format, values, period, reset), per (move type, year, month) or (move type, year)

    def next_name(self, journal, move_type, day):
        """The name of the next move of ``move_type`` dated ``day``; the move type tells the journal."""
        # Numbering restarts at most monthly, and yearly in general.
        key = (move_type, day.year, day.month)
        if key not in self.formats:
            self.formats[key] = self.formats.get((move_type, day.year)) or self._sequence_format(
                journal, move_type, day)
            _format_string, values, period, reset = self.formats[key]
            self.counters.setdefault(period, values["seq"])
            if reset in ("year", "never"):
                self.formats[(move_type, day.year)] = self.formats[key]
        format_string, values, period, _reset = self.formats[key]
        self.counters[period] += 1
        return format_string.format(**{**values, "seq": self.counters[period]})

    def _sequence_format(self, journal, move_type, day):
        """How the sequence mixin would number a move of ``move_type`` dated ``day``, and when it restarts."""
        Move = self.env["account.move"].with_context(is_payment=move_type == "entry" and journal.payment_sequence)
        probe = Move.new({"journal_id": journal.id, "company_id": self.company_id, "move_type": move_type,
                          "date": day, "invoice_date": day if move_type != "entry" else False})
        format_string, values = probe._get_next_sequence_format()
        period = format_string.format(**{**values, "seq": 0})
        return format_string, values, period, probe._deduce_sequence_number_reset(period)
