from odoo import Command
from odoo.tests import tagged

from odoo.addons.account_payment.tests.common import AccountPaymentCommon

from .common import ArPortalCommon


@tagged("post_install", "-at_install")
class TestPortalPayment(ArPortalCommon, AccountPaymentCommon):
    """Paying online goes through Odoo's payment flow; once paid, the dunning of the invoice stops."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.reminder = cls.env["ar.collection.action"].create({
            "company_id": cls.invoice_overdue.company_id.id,
            "partner_id": cls.customer.id,
            "move_id": cls.invoice_overdue.id,
            "move_ids": [Command.set(cls.invoice_overdue.ids)],
            "channel": "email",
            "state": "planned",
        })
        cls.promise = cls._backoffice_promise(cls.customer, cls.invoice_overdue, amount=1200)

    def test_pay_button(self):
        self.assertTrue(self.invoice_overdue._has_to_be_paid())
        self._login(self.customer_user)
        response = self.url_open(f"/my/invoices/{self.invoice_overdue.id}")
        self.assertIn('data-bs-target="#pay_with"', response.text)
        self.assertIn("Pay Now", response.text)
        self.assertIn(f"/invoice/transaction/{self.invoice_overdue.id}", response.text)
        response = self.url_open("/my/invoices")
        self.assertIn(f"/my/invoices/{self.invoice_overdue.id}?access_token=", response.text)

    def test_online_payment_reconciles_and_stops_dunning(self):
        invoice = self.invoice_overdue
        transaction = self._create_transaction(
            "redirect",
            amount=invoice.amount_residual,
            currency_id=invoice.currency_id.id,
            partner_id=self.contact.id,
            invoice_ids=[Command.set(invoice.ids)],
            reference="AR-PORTAL-TX-1",
        )
        transaction._set_done()
        transaction._post_process()
        self.assertTrue(transaction.payment_id)
        self.assertEqual(transaction.payment_id.state, "paid")
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertTrue(invoice.currency_id.is_zero(invoice.amount_residual))
        self.assertTrue(invoice.line_ids.filtered(lambda line: line.account_type == "asset_receivable").reconciled)
        self.assertEqual(self.reminder.state, "cancelled", "no reminder about a paid invoice")
        self.assertEqual(self.promise.state, "kept")
        # Nothing left to dispute or to promise.
        self._login(self.customer_user)
        response = self.url_open(f"/my/invoices/{invoice.id}")
        self.assertNotIn("o_ar_dispute_button", response.text)
        self.assertNotIn("o_ar_promise_button", response.text)
        self.assertNotIn('data-bs-target="#pay_with"', response.text)
