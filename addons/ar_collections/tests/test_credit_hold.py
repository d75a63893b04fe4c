from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import ArCollectionsCommon


@tagged("post_install", "-at_install")
class TestCreditHold(ArCollectionsCommon):
    """Customers go on credit hold by rule; a new invoice then waits for a manager's release."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.write({"collection_manager_id": cls.manager.id, "collection_hold_on_broken_promise": True,
                           "collection_hold_on_escalation": True})

    def _draft_invoice(self, partner=None, amount=100):
        return self.env["account.move"].create({
            "move_type": "out_invoice", "partner_id": (partner or self.customer).id, "invoice_date": self.today,
            "invoice_line_ids": [Command.create({"name": "Consulting", "quantity": 1, "price_unit": amount,
                                                 "tax_ids": [Command.clear()]})]})

    def _hold_events(self, partner):
        return self.env["ar.collection.event"].search([
            ("res_model", "=", "res.partner"), ("res_id", "=", partner.id),
            ("rule", "in", ("broken_promise", "over_credit_limit", "risk_score", "escalation:legal",
                            "credit_hold_release"))])

    def test_broken_promise_holds_credit_until_a_manager_releases_it(self):
        invoice = self._invoice(self.customer, 1000, self._day(-60))
        promise = self.env["ar.promise"].create({
            "partner_id": self.customer.id, "invoice_ids": invoice.ids, "amount": 1000,
            "promise_date": self._day(2)})
        promise._evaluate(today=self._day(10))
        self.assertEqual(promise.state, "broken")
        customer = self.customer.with_company(self.company)
        self.assertTrue(customer.collection_credit_hold)
        self.assertIn(promise.name, customer.collection_credit_hold_reason)
        self.assertEqual(len(self._hold_events(self.customer)), 1)
        draft = self._draft_invoice()
        self.assertTrue(draft.collection_credit_hold, "the invoice shows the hold")
        with self.assertRaisesRegex(UserError, "on credit hold"):
            draft.action_post()
        self.assertEqual(draft.state, "draft", "nothing posted")
        with self.assertRaises(AccessError):
            customer.with_user(self.collector)._collection_release_credit_hold("Customer called")
        with self.assertRaises(UserError):
            customer.with_user(self.manager)._collection_release_credit_hold("  ")
        customer.with_user(self.manager)._collection_release_credit_hold("Paid by wire this morning")
        self.assertFalse(customer.collection_credit_hold)
        self.assertGreater(customer.collection_credit_hold_exempt_until, self.today)
        release = self._hold_events(self.customer).filtered(lambda event: event.rule == "credit_hold_release")
        self.assertEqual((release.event_type, release.reason, release.user_id),
                         ("override", "Paid by wire this morning", self.manager))
        draft.action_post()
        self.assertEqual(draft.state, "posted")
        customer._collection_put_on_credit_hold(self.company, "Again", "broken_promise")
        self.assertFalse(customer.collection_credit_hold, "a released customer is not held again at once")

    def test_over_credit_limit_and_risk_score_by_the_daily_rule(self):
        self.company.account_use_credit_limit = True
        self.company.collection_hold_risk_score = 1
        customer = self.customer.with_company(self.company)
        customer.write({"use_partner_credit_limit": True, "credit_limit": 500})
        self._invoice(self.customer, 800, self._day(-5))
        small = self._customer("Small Risk", "BE")
        self._invoice(small, 100, self._day(-90))
        self.env["res.partner"]._collection_refresh_behaviour(self.company)
        self.env["res.partner"]._cron_collection_credit_holds()
        self.assertTrue(customer.collection_credit_hold)
        self.assertEqual(customer.collection_credit_hold_reason, "Over its credit limit")
        small = small.with_company(self.company)
        self.assertGreaterEqual(small.collection_risk_score, 1)
        self.assertTrue(small.collection_credit_hold)
        self.assertIn("Risk score", small.collection_credit_hold_reason)
        self.company.collection_hold_over_credit_limit = False
        self.company.collection_hold_risk_score = 0
        fresh = self._customer("Fresh", "BE")
        fresh.with_company(self.company).write({"use_partner_credit_limit": True, "credit_limit": 10})
        self._invoice(fresh, 800, self._day(-5))
        self.env["res.partner"]._collection_refresh_behaviour(self.company)
        self.env["res.partner"]._cron_collection_credit_holds()
        self.assertFalse(fresh.with_company(self.company).collection_credit_hold, "rules switched off")

    def test_legal_handoff_holds_credit(self):
        invoice = self._invoice(self.customer, 1000, self._day(-90))
        self.env["ar.collection.escalation"]._escalate_customer(
            self.company, self.customer, "legal", invoice, reason="Unpaid for 60 days")
        self.assertTrue(self.customer.with_company(self.company).collection_credit_hold)
        self.assertEqual(self._hold_events(self.customer).rule, "escalation:legal")

    def test_manager_override_releases_the_credit_hold(self):
        self.customer._collection_put_on_credit_hold(self.company, "Broken promise", "broken_promise")
        wizard = self.env["ar.collection.override"].with_user(self.manager).create({
            "partner_id": self.customer.id, "operation": "release_credit_hold", "reason": "Director's decision"})
        wizard.action_apply()
        self.assertFalse(self.customer.with_company(self.company).collection_credit_hold)
        override = self.env["ar.collection.event"].search([
            ("res_model", "=", "res.partner"), ("res_id", "=", self.customer.id),
            ("rule", "=", "override:release_credit_hold")])
        self.assertEqual(override.reason, "Director's decision")

    def test_other_company_is_not_held(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        self.customer._collection_put_on_credit_hold(self.company, "Broken promise", "broken_promise")
        self.assertFalse(self.customer.with_company(other).collection_credit_hold, "a hold is per company")
