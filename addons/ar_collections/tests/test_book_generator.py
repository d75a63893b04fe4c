from collections import Counter
from statistics import mean

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.ar_collections.book import generate
from odoo.addons.ar_collections.book.description import BEHAVIOURS

# Stored computed fields that Odoo must recompute to the values the bulk path wrote.
RECOMPUTED_FIELDS = {
    "account.move": (
        "amount_untaxed", "amount_tax", "amount_total", "amount_residual", "amount_untaxed_signed",
        "amount_untaxed_in_currency_signed", "amount_tax_signed", "amount_total_signed",
        "amount_total_in_currency_signed", "amount_residual_signed", "payment_state", "invoice_date_due",
        "sequence_prefix", "sequence_number", "commercial_partner_id", "invoice_partner_display_name",
        "always_tax_exigible",
    ),
    "account.move.line": (
        "amount_residual", "amount_residual_currency", "reconciled", "parent_state", "move_name", "date",
        "invoice_date", "journal_id", "company_id", "company_currency_id", "payment_id", "tax_tag_invert",
        "debit", "credit", "price_subtotal", "price_total", "tax_group_id",
    ),
    "account.payment": (
        "is_reconciled", "is_matched", "state", "amount_company_currency_signed", "name",
        "destination_account_id", "payment_method_id",
    ),
    "account.partial.reconcile": ("debit_currency_id", "credit_currency_id", "max_date", "company_id"),
}


@tagged("post_install", "-at_install")
class TestBookGenerator(AccountTestInvoicingCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id |= cls.env.ref("ar_collections.group_ar_collections_manager")
        cls.today = fields.Date.context_today(cls.env.user)
        cls.second_currency = "USD" if cls.env.company.currency_id.name == "EUR" else "EUR"
        cls.result, cls.partners = cls._generate(customers=30, years=1, seed=7)
        cls.moves = cls.env["account.move"].search([("partner_id", "in", cls.partners.ids)])
        cls.invoices = cls.moves.filtered(lambda move: move.move_type == "out_invoice")
        cls.refunds = cls.moves.filtered(lambda move: move.move_type == "out_refund")

    @classmethod
    def _generate(cls, **kwargs):
        """Generate a book; returns the generator's result and the customers it created."""
        last_partner = cls.env["res.partner"].search([], order="id desc", limit=1)
        result = generate(cls.env, currencies=(cls.second_currency,), **kwargs)
        partners = cls.env["res.partner"].search([("id", ">", last_partner.id), ("customer_rank", ">", 0)])
        return result, partners

    def _receivable_lines(self, moves):
        return moves.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable")

    def test_counts(self):
        result = self.result
        self.assertEqual(result["partners"], 30)
        self.assertEqual(len(self.partners), 30)
        self.assertEqual(result["invoices"], 360)
        self.assertEqual(len(self.invoices), 360)
        self.assertEqual(result["credit_notes"], len(self.refunds))
        payments = self.moves.origin_payment_id
        self.assertEqual(result["payments"], len(payments))
        self.assertEqual(len(self.moves), result["invoices"] + result["credit_notes"] + result["payments"])
        lines = self._receivable_lines(self.invoices)
        self.assertEqual(result["partials"], len(lines.matched_credit_ids))
        self.assertEqual(result["full_reconciles"], len(lines.full_reconcile_id))
        self.assertEqual(result["disputes"], self.env["ar.dispute"].search_count(
            [("partner_id", "in", self.partners.ids)]))
        self.assertEqual(result["promises"], self.env["ar.promise"].search_count(
            [("partner_id", "in", self.partners.ids)]))
        self.assertTrue(all(move.state == "posted" for move in self.moves))

    def test_moves_are_balanced(self):
        self.assertFalse(self.moves._get_unbalanced_moves({"records": self.moves}))
        self.env.cr.execute("""
            SELECT line.move_id
              FROM account_move_line line
             WHERE line.move_id = ANY(%s)
          GROUP BY line.move_id
            HAVING SUM(line.debit) != SUM(line.credit)
                OR SUM(line.balance) != 0
                OR SUM(line.amount_currency) != 0
                OR COUNT(DISTINCT line.currency_id) != 1
        """, [self.moves.ids])
        self.assertFalse(self.env.cr.fetchall())
        for move in self.invoices.filtered(lambda move: move.currency_id != move.company_currency_id)[:20]:
            for line in move.line_ids.filtered(lambda line: line.display_type in ("product", "tax")):
                self.assertEqual(line.balance, move.company_currency_id.round(
                    line.amount_currency / move.invoice_currency_rate))
        company_lines = self.moves.line_ids.filtered(lambda line: line.currency_id == line.company_currency_id)
        self.assertTrue(all(line.amount_currency == line.balance for line in company_lines))

    def test_odoo_recomputes_the_same_values(self):
        records = {
            "account.move": self.moves,
            "account.move.line": self.moves.line_ids,
            "account.payment": self.moves.origin_payment_id,
            "account.partial.reconcile": self.moves.line_ids.matched_debit_ids,
        }
        stored = {
            model: {record.id: {name: record[name] for name in RECOMPUTED_FIELDS[model]} for record in recs}
            for model, recs in records.items()
        }
        self.env.invalidate_all()
        for model, recs in records.items():
            for name in RECOMPUTED_FIELDS[model]:
                self.env.add_to_compute(recs._fields[name], recs)
        self.env.flush_all()
        self.env.invalidate_all()
        for model, recs in records.items():
            for record in recs:
                recomputed = {name: record[name] for name in RECOMPUTED_FIELDS[model]}
                self.assertEqual(recomputed, stored[model][record.id], f"{model} {record.id} ({record.display_name})")
        # A credit note is booked at the rate of the invoice it corrects: no exchange difference.
        for refund in self.refunds:
            self.assertEqual(refund.invoice_currency_rate, refund.reversed_entry_id.invoice_currency_rate)

    def test_matching_numbers(self):
        lines = self.moves.line_ids.filtered(lambda line: line.account_id.reconcile)
        stored = {line.id: line.matching_number for line in lines}
        self.env["account.partial.reconcile"]._update_matching_number(lines)
        self.env.invalidate_all()
        self.assertEqual({line.id: line.matching_number for line in lines}, stored)

    def test_partner_credit_is_the_open_receivable(self):
        receivables = self._receivable_lines(self.moves).filtered(lambda line: not line.reconciled)
        for partner in self.partners:
            open_lines = receivables.filtered(lambda line, partner=partner: line.partner_id == partner)
            documents = (self.invoices + self.refunds).filtered(
                lambda move, partner=partner: move.partner_id == partner)
            self.assertAlmostEqual(partner.credit, sum(open_lines.mapped("amount_residual")), places=2)
            self.assertAlmostEqual(partner.credit, sum(documents.mapped("amount_residual_signed")), places=2)

    def test_residual_is_total_minus_partials(self):
        for invoice in self.invoices:
            line = self._receivable_lines(invoice)
            self.assertEqual(len(line), 1)
            partials = line.matched_credit_ids
            currency = invoice.currency_id
            self.assertTrue(currency.is_zero(
                invoice.amount_residual - (invoice.amount_total - sum(partials.mapped("debit_amount_currency")))))
            self.assertTrue(invoice.company_currency_id.is_zero(
                invoice.amount_residual_signed - (invoice.amount_total_signed - sum(partials.mapped("amount")))))
            self.assertEqual(line.date_maturity, invoice.invoice_date_due)
            self.assertEqual(invoice.invoice_date_due, invoice.invoice_payment_term_id.line_ids._get_due_date(
                invoice.invoice_date))

    def test_realistic_mix(self):
        self.assertGreaterEqual(len(self.partners.country_id), 3)
        self.assertEqual(len(self.moves.currency_id), 2)
        self.assertGreaterEqual(len(self.result["behaviours"]), 4)
        self.assertTrue(all(partner.is_company and partner.email.endswith("@example.com") and partner.phone
                            and partner.category_id for partner in self.partners))
        self.assertLessEqual({"paid", "partial", "not_paid"}, set(self.invoices.mapped("payment_state")))
        open_invoices = self.invoices.filtered(lambda move: move.payment_state in ("not_paid", "partial"))
        ages = {
            "not due": lambda days: days <= 0, "1-30": lambda days: 0 < days <= 30,
            "31-60": lambda days: 30 < days <= 60, "61-90": lambda days: 60 < days <= 90, "90+": lambda days: days > 90,
        }
        for age, in_bucket in ages.items():
            self.assertTrue(open_invoices.filtered(lambda move, check=in_bucket: check(
                (self.today - move.invoice_date_due).days)), f"No open invoice aged {age}")
        late = self.invoices.filtered(lambda move: move.payment_state == "paid" and move.matched_payment_ids and max(
            move.matched_payment_ids.mapped("date")) > move.invoice_date_due)
        self.assertTrue(late, "Some customers pay late")

    def test_same_seed_same_book(self):
        first, first_partners = self._generate(customers=5, years=1, invoices_per_customer_year=6, seed=11)
        second, second_partners = self._generate(customers=5, years=1, invoices_per_customer_year=6, seed=11)

        def book(partners):
            invoices = self.env["account.move"].search(
                [("partner_id", "in", partners.ids), ("move_type", "in", ("out_invoice", "out_refund"))],
                order="invoice_date, id")
            return [(move.partner_id.name, move.move_type, move.invoice_date, move.amount_total,
                     move.amount_residual, move.payment_state) for move in invoices]

        def behaviours(result, partners):
            return {partner.name: result["partner_behaviours"][partner.id] for partner in partners}

        self.assertEqual(behaviours(first, first_partners), behaviours(second, second_partners))
        for result in (first, second):
            del result["seconds"], result["phases"], result["representatives"], result["partner_behaviours"]
        self.assertEqual(first, second)
        self.assertEqual(book(first_partners), book(second_partners))

    def test_behaviour_of_every_customer(self):
        behaviours = self.result["partner_behaviours"]
        self.assertEqual(set(behaviours), set(self.partners.ids))
        self.assertLessEqual(set(behaviours.values()), set(BEHAVIOURS))
        self.assertEqual(dict(Counter(behaviours.values())), self.result["behaviours"])
        # The first customers represent every behaviour.
        self.assertEqual(set(self.result["representatives"]), set(BEHAVIOURS))
        for behaviour, partner_id in self.result["representatives"].items():
            self.assertEqual(behaviours[partner_id], behaviour)

        def days_late(behaviour):
            """Average days between the due date of the paid invoices of ``behaviour`` and their last payment."""
            partners = self.partners.filtered(lambda partner: behaviours[partner.id] == behaviour)
            paid = self.invoices.filtered(lambda move: move.partner_id in partners and move.matched_payment_ids)
            return mean((max(move.matched_payment_ids.mapped("date")) - move.invoice_date_due).days for move in paid)

        self.assertLess(days_late("prompt"), days_late("slow"))
        self.assertLess(days_late("slow"), days_late("chronic"))

    def test_orm_invoice_after_the_book(self):
        """Odoo numbers its own documents after the generated ones and reconciles with them."""
        journal = self.invoices.journal_id
        last = self.env["account.move"].search(
            [("journal_id", "=", journal.id), ("move_type", "=", "out_invoice"), ("date", ">=", self.today.replace(
                month=1, day=1))], order="sequence_number desc", limit=1)
        invoice = self.env["account.move"].create({
            "move_type": "out_invoice",
            "partner_id": self.partners[0].id,
            "invoice_date": self.today,
            "invoice_line_ids": [Command.create({"name": "Follow-up work", "quantity": 1, "price_unit": 250.0})],
        })
        invoice.action_post()
        self.assertEqual(invoice.journal_id, journal)
        self.assertEqual(invoice.sequence_prefix, last.sequence_prefix)
        self.assertEqual(invoice.sequence_number, last.sequence_number + 1)

        partly_paid = self.invoices.filtered(lambda move: move.payment_state == "partial"
                                             and move.currency_id == move.company_currency_id
                                             and move.matched_payment_ids)[:1]
        self.assertTrue(partly_paid)
        for open_invoice in (invoice, partly_paid):
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=open_invoice.ids).create({})._create_payments()
            self.assertIn(open_invoice.payment_state, ("paid", "in_payment"))
            line = self._receivable_lines(open_invoice)
            self.assertTrue(line.reconciled)
            self.assertTrue(line.full_reconcile_id)
            self.assertEqual(line.matching_number, str(line.full_reconcile_id.id))
            self.assertEqual(set(line.full_reconcile_id.reconciled_line_ids.mapped("matching_number")),
                             {line.matching_number})

    def test_generation_is_for_administrators(self):
        accountant = new_test_user(self.env, "ar_book_accountant",
                                   groups="base.group_user,account.group_account_manager")
        with self.assertRaises(AccessError):
            generate(self.env(user=accountant), customers=1, years=1)

    def test_demo_book(self):
        if not self.env.ref("ar_collections.demo_customer_prompt", raise_if_not_found=False):
            result = self.env["res.company"]._collection_generate_demo_book()
            self.assertGreaterEqual(result["partners"], 200)
            demo_moves = self.env["account.move"].search(
                [("partner_id", "in", list(result["representatives"].values()))])
            self.assertEqual(len(demo_moves.currency_id), 2)
        # The demo book may belong to another company than the test's (when the database has demo data).
        Move = self.env["account.move"].sudo()
        for behaviour in ("prompt", "slow", "chronic", "disputer", "promise_breaker", "seasonal"):
            customer = self.env.ref(f"ar_collections.demo_customer_{behaviour}").sudo()
            self.assertTrue(customer.is_company and customer.email and customer.phone)
            overdue = Move.search_count([
                ("partner_id", "=", customer.id), ("move_type", "=", "out_invoice"),
                ("payment_state", "in", ("not_paid", "partial")), ("invoice_date_due", "<", self.today),
            ])
            if behaviour != "prompt":
                self.assertTrue(overdue, f"The {behaviour} demo customer has an overdue invoice")
        disputer = self.env.ref("ar_collections.demo_customer_disputer").sudo()
        self.assertTrue(disputer.collection_dispute_ids.filtered(lambda dispute: dispute.state == "open"))
        breaker = self.env.ref("ar_collections.demo_customer_promise_breaker").sudo()
        self.assertIn("broken", breaker.collection_promise_ids.mapped("state"))
        company = disputer.collection_dispute_ids[:1].company_id
        self.assertTrue(disputer.with_company(company).collection_figures_date, "Behaviour figures are computed")
