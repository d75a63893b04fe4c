from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import ArCollectionsCommon


@tagged("post_install", "-at_install")
class TestReconciliationExceptions(ArCollectionsCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Exception = cls.env["ar.reconciliation.exception"]
        cls.env.company.collection_user_id = cls.collector_2
        cls.customer.with_company(cls.env.company).collection_user_id = cls.collector

    def _detect(self):
        self.Exception._detect(self.env.company, self.today)
        return self.Exception.search([("company_id", "=", self.env.company.id)])

    def _of(self, kind, exceptions):
        return exceptions.filtered(lambda e: e.exception_type == kind)

    def test_short_payment(self):
        invoice = self._invoice(self.customer, 1000, self._day(-40))
        self._pay(invoice, self.today, amount=900)
        # With tracking on, as the scheduled action runs it.
        self.Exception.with_context(tracking_disable=False, mail_create_nosubscribe=False, mail_notrack=False,
                                    mail_create_nolog=False)._detect(self.env.company, self.today)
        short = self._of("short_payment", self._detect())
        self.assertIn(self.collector.partner_id, short.message_partner_ids, "the owner follows it")
        self.assertFalse(self.env["mail.message"].search([
            ("model", "=", short._name), ("message_type", "=", "user_notification")]), "a bulk detection notifies nobody")
        self.assertRecordValues(short, [{"move_id": invoice.id, "amount": 100, "user_id": self.collector.id,
                                         "state": "open", "partner_id": self.customer.id}])
        self.assertEqual(self._of("short_payment", self._detect()), short, "one exception per situation")
        with self.assertRaises(UserError):
            short.action_resolve()
        short.resolution_note = "Bank fees written off"
        short.with_user(self.collector).action_resolve()
        self.assertEqual(short.state, "resolved")
        self.assertEqual(len(self._of("short_payment", self._detect())), 1, "a resolved situation stays closed")

    def test_unapplied_cash_then_cleared(self):
        payment = self.env["account.payment"].create({
            "payment_type": "inbound", "partner_type": "customer", "partner_id": self.customer_2.id,
            "amount": 400, "date": self.today})
        payment.action_post()
        unapplied = self._of("unapplied_cash", self._detect())
        self.assertEqual(len(unapplied), 1)
        self.assertEqual(unapplied.amount, 400)
        self.assertEqual(unapplied.user_id, self.collector_2, "the company's default owner")
        # Applying it to an invoice clears it.
        invoice = self._invoice(self.customer_2, 400, self._day(-5))
        (invoice.line_ids | payment.move_id.line_ids).filtered(
            lambda l: l.account_type == "asset_receivable").reconcile()
        self._detect()
        self.assertEqual(unapplied.state, "resolved")

    def test_overpayment(self):
        invoice = self._invoice(self.customer, 1000, self._day(-10))
        wizard = self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids).create(
                {"payment_date": self.today, "amount": 1200, "payment_difference_handling": "open"})
        wizard._create_payments()
        over = self._of("overpayment", self._detect())
        self.assertEqual(len(over), 1)
        self.assertAlmostEqual(over.amount, 200)

    def test_payment_on_disputed_invoice(self):
        invoice = self._invoice(self.customer, 1000, self._day(-10))
        dispute = self.env["ar.dispute"].create({
            "partner_id": self.customer.id, "invoice_ids": invoice.ids, "reason_id": self.reason.id,
            "disputed_amount": 300})
        self._pay(invoice, self.today, amount=700)
        found = self._detect()
        disputed = self._of("disputed_payment", found)
        self.assertEqual(disputed.dispute_id, dispute)
        self.assertAlmostEqual(disputed.amount, 700)
        self.assertFalse(self._of("short_payment", found), "the dispute explains the difference")
