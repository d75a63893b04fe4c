from odoo import Command
from odoo.tests import new_test_user, tagged

from .common import ArCollectionsCommon

MEASURES = ["kept_score:avg", "promise_count:sum", "kept_count:sum", "partial_count:sum", "broken_count:sum"]


@tagged("post_install", "-at_install")
class TestPromiseStats(ArCollectionsCommon):
    """Kept rate of promises per collector (analysis report) and per customer (behaviour figure).

    Collector 1 on Azure: kept, partly kept, broken       -> (1 + 0.5 + 0) / 3 = 0.5
    Collector 2 on Azure: kept; on Deco: kept, broken      -> (1 + 1 + 0) / 3 = 2/3
    Collector 2 on Deco also has an open and a cancelled promise, which are not settled.
    Azure: (1 + 0.5 + 0 + 1) / 4 = 0.625; Deco: (1 + 0) / 2 = 0.5
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer_3 = cls._customer("Lumber Inc", "US")
        settle_day = cls._day(30)  # past every deadline (promised in 3 days + grace period)
        kept = cls._promise(cls.customer, cls.collector)
        cls._pay(kept.invoice_ids, cls.today)
        partial = cls._promise(cls.customer, cls.collector)
        cls._pay(partial.invoice_ids, cls.today, amount=100)
        broken = cls._promise(cls.customer, cls.collector)
        kept_2 = cls._promise(cls.customer, cls.collector_2)
        cls._pay(kept_2.invoice_ids, cls.today)
        kept_3 = cls._promise(cls.customer_2, cls.collector_2)
        cls._pay(kept_3.invoice_ids, cls.today)
        broken_2 = cls._promise(cls.customer_2, cls.collector_2)
        cancelled = cls._promise(cls.customer_2, cls.collector_2)
        cancelled.action_cancel()
        (kept | partial | broken | kept_2 | kept_3 | broken_2 | cancelled)._evaluate(today=settle_day)
        cls.open_promise = cls._promise(cls.customer_2, cls.collector_2)
        cls.only_open = cls._promise(cls.customer_3, cls.collector)
        cls.settled = kept | partial | broken | kept_2 | kept_3 | broken_2
        cls.cancelled = cancelled
        cls.states = dict(zip(("kept", "partial", "broken", "kept_2", "kept_3", "broken_2"),
                              cls.settled.mapped("state"), strict=True))
        cls.customers = cls.customer | cls.customer_2 | cls.customer_3

    @classmethod
    def _promise(cls, partner, collector, amount=300):
        invoice = cls._invoice(partner, 300, cls._day(-40))
        return cls.env["ar.promise"].create({
            "partner_id": partner.id, "invoice_ids": [Command.set(invoice.ids)], "amount": amount,
            "promise_date": cls._day(3), "user_id": collector.id, "source": "call",
        })

    def _by_collector(self, Report):
        groups = Report._read_group([("partner_id", "in", self.customers.ids)], ["user_id"], MEASURES)
        return {user: tuple(values) for user, *values in groups}

    def test_promises_settled_as_the_product_does(self):
        self.assertEqual(self.states, {
            "kept": "kept", "partial": "partial", "broken": "broken",
            "kept_2": "kept", "kept_3": "kept", "broken_2": "broken",
        })
        self.assertEqual(self.cancelled.state, "cancelled")
        self.assertEqual(self.open_promise.state, "open")

    def test_report_has_one_row_per_settled_promise(self):
        rows = self.env["ar.promise.report"].search([("partner_id", "in", self.customers.ids)])
        self.assertEqual(rows.promise_id, self.settled)
        partial = rows.filtered(lambda row: row.state == "partial")
        self.assertEqual((partial.kept_score, partial.partial_count, partial.promise_count), (0.5, 1, 1))
        self.assertEqual(partial.partner_id, self.customer)
        self.assertEqual(partial.user_id, self.collector)
        self.assertAlmostEqual(partial.amount, 300)
        self.assertAlmostEqual(partial.residual_at_promise, 300)

    def test_kept_rate_per_collector(self):
        stats = self._by_collector(self.env["ar.promise.report"])
        self.assertEqual(set(stats), {self.collector, self.collector_2})
        rate, count, kept, partial, broken = stats[self.collector]
        self.assertAlmostEqual(rate, 0.5)
        self.assertEqual((count, kept, partial, broken), (3, 1, 1, 1))
        rate, count, kept, partial, broken = stats[self.collector_2]
        self.assertAlmostEqual(rate, 2 / 3)
        self.assertEqual((count, kept, partial, broken), (3, 2, 0, 1))

    def test_kept_rate_field_averages_in_views(self):
        """The pivot and graph use the field's own aggregator: an average, not a sum."""
        groups = self.env["ar.promise.report"].read_group(
            [("partner_id", "in", self.customers.ids)], ["kept_score", "promise_count"], ["partner_id"])
        by_partner = {group["partner_id"][0]: group for group in groups}
        self.assertAlmostEqual(by_partner[self.customer.id]["kept_score"], 0.625)
        self.assertEqual(by_partner[self.customer.id]["promise_count"], 4)
        self.assertAlmostEqual(by_partner[self.customer_2.id]["kept_score"], 0.5)
        self.assertNotIn(self.customer_3.id, by_partner)

    def test_partner_kept_rate_in_behaviour_figures(self):
        company = self.env.company
        facts = self.env["res.partner"]._collection_refresh_behaviour(company, self.customers)
        self.assertAlmostEqual(self.customer.with_company(company).collection_promise_kept_rate, 0.625)
        self.assertAlmostEqual(self.customer_2.with_company(company).collection_promise_kept_rate, 0.5)
        self.assertFalse(self.customer_3.with_company(company).collection_promise_kept_rate)  # only open
        self.assertEqual(facts[self.customer.id]["broken_promises"], 1)
        self.assertEqual(facts[self.customer_2.id]["broken_promises"], 1)
        self.assertAlmostEqual(facts[self.customer.id]["promise_kept_rate"], 0.625)

    def test_collector_reads_the_report(self):
        Report = self.env["ar.promise.report"].with_user(self.collector)
        self.assertTrue(Report.has_access("read"))
        for operation in ("write", "create", "unlink"):
            self.assertFalse(Report.has_access(operation), operation)
        stats = self._by_collector(Report)
        self.assertAlmostEqual(stats[self.collector_2][0], 2 / 3)  # every collector's figures, not only theirs
        rows = Report.search([("user_id", "=", self.collector.id)])
        self.assertEqual(len(rows), 3)
        self.assertEqual(set(rows.mapped("state")), {"kept", "partial", "broken"})

    def test_other_company_promises_stay_apart(self):
        other = self.setup_other_company()["company"]
        other_user = new_test_user(
            self.env, "ar_other_company_collector",
            groups="base.group_user,ar_collections.group_ar_collections_collector",
            company_id=other.id, company_ids=other.ids)
        invoice = self.env["account.move"].with_company(other).create({
            "move_type": "out_invoice", "partner_id": self.customer.id, "invoice_date": self._day(-40),
            "invoice_date_due": self._day(-10),
            "invoice_line_ids": [Command.create({
                "name": "Consulting", "quantity": 1, "price_unit": 500, "tax_ids": [Command.clear()]})],
        })
        invoice.action_post()
        promise = self.env["ar.promise"].with_company(other).create({
            "partner_id": self.customer.id, "invoice_ids": [Command.set(invoice.ids)], "amount": 500,
            "promise_date": self._day(3), "user_id": other_user.id, "company_id": other.id,
        })
        promise._evaluate(today=self._day(30))
        self.assertEqual((promise.company_id, promise.state), (other, "broken"))

        mine = self.env["ar.promise.report"].with_user(self.collector).search([])
        self.assertNotIn(promise, mine.promise_id)
        self.assertEqual(mine.company_id, self.env.company)
        stats = self._by_collector(self.env["ar.promise.report"].with_user(self.collector))
        self.assertNotIn(other_user, stats)
        theirs = self.env["ar.promise.report"].with_user(other_user).search([])
        self.assertEqual(theirs.promise_id, promise)

        # The customer's kept rate is per company too.
        Partner = self.env["res.partner"]
        Partner._collection_refresh_behaviour(self.env.company, self.customer)
        Partner.with_company(other)._collection_refresh_behaviour(other, self.customer)
        self.assertAlmostEqual(self.customer.with_company(self.env.company).collection_promise_kept_rate, 0.625)
        self.assertEqual(self.customer.with_company(other).collection_promise_kept_rate, 0.0)
