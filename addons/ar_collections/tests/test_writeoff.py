from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import ArCollectionsCommon


@tagged("post_install", "-at_install")
class TestWriteOff(ArCollectionsCommon):
    """A write-off is a posted journal entry to the write-off account, reconciled with the invoice, reversible."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.bad_debts = cls.env["account.account"].create({
            "name": "Bad debts", "code": "654000", "account_type": "expense", "company_ids": cls.company.ids})
        cls.company.collection_writeoff_account_id = cls.bad_debts

    def _wizard(self, invoices, user=None, **values):
        Wizard = self.env["ar.collection.writeoff"].with_user(user or self.manager).with_context(
            active_model="account.move", active_ids=invoices.ids)
        return Wizard.create({"reason": "Customer in liquidation", **values})

    def _balance(self, account, partner=None):
        domain = [("account_id", "=", account.id), ("parent_state", "=", "posted")]
        if partner:
            domain.append(("partner_id", "=", partner.id))
        return sum(self.env["account.move.line"].search(domain).mapped("balance"))

    def test_write_off_the_residual_in_the_invoice_currency(self):
        eur = self.setup_other_currency("EUR", rates=[("1900-01-01", 2.0)])
        invoice = self._invoice(self.customer, 1000, self._day(-200), currency=eur)
        self._pay(invoice, self.today, amount=400)  # 600 EUR = 300 in company currency left
        receivable = invoice.line_ids.filtered(lambda line: line.account_type == "asset_receivable").account_id
        wizard = self._wizard(invoice)
        self.assertEqual(wizard.account_id, self.bad_debts)
        self.assertAlmostEqual(wizard.amount, 300)
        wizard.action_write_off()
        entry = invoice.collection_writeoff_move_id
        self.assertEqual(entry.state, "posted")
        self.assertEqual(invoice.payment_state, "paid", "reconciled with the write-off")
        self.assertEqual(invoice.collection_hold_state, "written_off")
        bad_debt_line = entry.line_ids.filtered(lambda line: line.account_id == self.bad_debts)
        self.assertEqual((bad_debt_line.currency_id, bad_debt_line.amount_currency, bad_debt_line.balance),
                         (eur, 600, 300), "in the invoice's currency, at its rate")
        self.assertAlmostEqual(self._balance(receivable, self.customer), 0, msg="off the balance sheet")
        self.assertAlmostEqual(self._balance(self.bad_debts), 300)
        event = self.env["ar.collection.event"].search([("move_id", "=", invoice.id), ("rule", "=", "write_off")])
        self.assertEqual((event.reason, event.user_id), ("Customer in liquidation", self.manager))

        invoice.with_user(self.manager).action_collection_reverse_write_off()
        self.assertEqual(invoice.payment_state, "partial", "due again")
        self.assertAlmostEqual(invoice.amount_residual, 600)
        self.assertFalse(invoice.collection_writeoff_move_id)
        self.assertFalse(invoice.collection_hold_state)
        self.assertAlmostEqual(self._balance(self.bad_debts), 0)
        self.assertTrue(self.env["ar.collection.event"].search([
            ("move_id", "=", invoice.id), ("rule", "=", "write_off_reversal")]))

    def test_small_residuals_in_bulk(self):
        self.company.collection_writeoff_tolerance = 5
        tiny = self._invoice(self.customer, 100, self._day(-60))
        self._pay(tiny, self.today, amount=97)
        large = self._invoice(self.customer_2, 100, self._day(-60))
        self._pay(large, self.today, amount=50)
        wizard = self._wizard(tiny | large, small_residuals_only=True)
        self.assertAlmostEqual(wizard.amount, 3)
        wizard.action_write_off()
        self.assertEqual(tiny.payment_state, "paid")
        self.assertEqual(large.payment_state, "partial", "above the tolerance: left alone")
        with self.assertRaisesRegex(UserError, "Nothing to write off"):
            self._wizard(large, small_residuals_only=True).action_write_off()

    def test_only_managers_write_off(self):
        invoice = self._invoice(self.customer, 100, self._day(-60))
        with self.assertRaises(AccessError):
            self._wizard(invoice, user=self.collector).action_write_off()
        self.assertFalse(invoice.collection_writeoff_move_id, "nothing written")
        with self.assertRaises(AccessError):
            invoice.with_user(self.collector).action_collection_reverse_write_off()

    def test_reason_required_and_nothing_half_written(self):
        invoice = self._invoice(self.customer, 100, self._day(-60))
        with self.assertRaises(UserError):
            self._wizard(invoice, reason=" ").action_write_off()
        self.assertEqual(invoice.payment_state, "not_paid")
        self.assertFalse(self.env["account.move.line"].search([("account_id", "=", self.bad_debts.id)]))

    def test_default_account_without_a_choice(self):
        self.company.collection_writeoff_account_id = False
        account = self.company._collection_writeoff_account()
        self.assertEqual(account.account_type, "expense")
        self.assertEqual(self.company._collection_writeoff_journal().type, "general")
