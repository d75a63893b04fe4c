from odoo.tests import tagged

from .common import ArCollectionsCommon


@tagged("post_install", "-at_install")
class TestBehaviourFigures(ArCollectionsCommon):
    """Figures from a payment history computed by hand."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        d = cls._day
        cls.paid_late = cls._invoice(cls.customer, 1000, d(-100), due_days=30)   # due D-70
        cls._pay(cls.paid_late, d(-60))                                           # 10 days late
        cls.paid_early = cls._invoice(cls.customer, 500, d(-90), due_days=30)    # due D-60
        cls._pay(cls.paid_early, d(-65))                                          # 5 days early
        cls.overdue = cls._invoice(cls.customer, 300, d(-50), due_days=30)       # due D-20, open
        cls.not_due = cls._invoice(cls.customer, 200, d(-10), due_days=30)       # due D+20, open
        cls.credit_note = cls._invoice(cls.customer, 50, d(-5), move_type="out_refund")

    def test_figures_match_hand_computation(self):
        company = self.env.company
        facts = self.env["res.partner"]._collection_refresh_behaviour(company, self.customer)
        partner = self.customer.with_company(company)
        self.assertAlmostEqual(partner.collection_avg_days_late, 5.0)       # (10 + 0) / 2
        self.assertAlmostEqual(partner.collection_late_ratio, 0.5)          # 1 of 2 paid late
        self.assertAlmostEqual(partner.collection_overdue_amount, 300.0)
        self.assertAlmostEqual(partner.collection_open_balance, 450.0)      # 300 + 200 - 50
        self.assertEqual(partner.collection_oldest_overdue_date, self._day(-20))
        self.assertEqual(partner.collection_oldest_overdue_days, 20)
        self.assertEqual(partner.collection_invoice_count, 4)
        self.assertAlmostEqual(partner.collection_avg_invoice_amount, 500.0)  # 2000 / 4
        # 35 * 5/60 + 25 * 0.5 + 20 * 20/120 = 2.92 + 12.5 + 3.33 = 18.75
        self.assertEqual(partner.collection_risk_score, 19)
        self.assertEqual(partner.collection_risk_reasons, "LATE_SHARE +12, LATE_DAYS +3, AGED_DEBT +3")
        self.assertEqual(facts[self.customer.id]["risk_score"], 19)
        self.assertTrue(partner.collection_figures_date)

    def test_partial_payment_and_broken_promise_raise_risk(self):
        company = self.env.company
        self._pay(self.overdue, self.today, amount=100)
        self.env["res.partner"]._collection_refresh_behaviour(company, self.customer)
        partner = self.customer.with_company(company)
        self.assertAlmostEqual(partner.collection_overdue_amount, 200.0)
        self.assertAlmostEqual(partner.collection_open_balance, 350.0)
        promise = self.env["ar.promise"].create({
            "partner_id": self.customer.id, "invoice_ids": self.overdue.ids,
            "amount": 200, "promise_date": self.today,
        })
        promise._evaluate(today=self._day(30))
        self.assertEqual(promise.state, "broken")
        self.env["res.partner"]._collection_refresh_behaviour(company, self.customer)
        self.assertEqual(partner.collection_risk_score, 24)  # 19 + 5 for one broken promise
        self.assertIn("BROKEN_PROMISES +5", partner.collection_risk_reasons)

    def test_figures_are_per_company(self):
        other = self.setup_other_company()["company"]
        self.env["res.partner"]._collection_refresh_behaviour(self.env.company, self.customer)
        self.assertAlmostEqual(self.customer.with_company(self.env.company).collection_overdue_amount, 300.0)
        self.assertFalse(self.customer.with_company(other).collection_overdue_amount)
        self.assertFalse(self.customer.with_company(other).collection_risk_score)

    def test_stale_figures_are_reset(self):
        company = self.env.company
        self.env["res.partner"]._collection_refresh_behaviour(company)
        self._pay(self.overdue, self.today)
        self._pay(self.not_due, self.today)
        self.env["res.partner"]._collection_refresh_behaviour(company)
        partner = self.customer.with_company(company)
        self.assertFalse(partner.collection_overdue_amount)
        self.assertFalse(partner.collection_oldest_overdue_date)
        self.assertAlmostEqual(partner.collection_open_balance, -50.0)  # the unused credit note

    def test_foreign_currency_figures_in_company_currency(self):
        eur = self.setup_other_currency("EUR", rates=[("1900-01-01", 2.0)])
        other_customer = self._customer("Gemini Furniture", "FR")
        self._invoice(other_customer, 400, self._day(-40), due_days=10, currency=eur)  # 200 in company currency
        self.env["res.partner"]._collection_refresh_behaviour(self.env.company, other_customer)
        self.assertAlmostEqual(
            other_customer.with_company(self.env.company).collection_overdue_amount, 200.0)
