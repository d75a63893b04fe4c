from odoo import Command
from odoo.tests import tagged

from .common import ArCollectionsCommon


@tagged("post_install", "-at_install")
class TestSegments(ArCollectionsCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Segment = cls.env["ar.collection.segment"]
        cls.enterprise_tag = cls.env["res.partner.category"].create({"name": "Enterprise"})
        cls.risky = Segment.create({
            "name": "Risky", "code": "RISKY", "sequence": 10, "strategy_id": cls.strategy.id,
            "rule_ids": [Command.create({"metric": "overdue_amount", "operator": ">=", "value": 1000})],
        })
        cls.belgian_enterprise = Segment.create({
            "name": "Belgian enterprise", "code": "BE_ENT", "sequence": 20,
            "rule_ids": [
                Command.create({"metric": "country", "operator": "in",
                                "country_ids": [Command.set(cls.env.ref("base.be").ids)]}),
                Command.create({"metric": "tag", "operator": "in", "tag_ids": [Command.set(cls.enterprise_tag.ids)]}),
            ],
        })
        cls.long_tail = Segment.create({"name": "Long tail", "code": "TAIL", "sequence": 100})
        cls.customer.category_id = cls.enterprise_tag
        cls.customer_3 = cls._customer("Lumber Inc", "BE")
        for partner, amount in ((cls.customer, 200), (cls.customer_2, 1500), (cls.customer_3, 50)):
            cls._invoice(partner, amount, cls._day(-60))

    def _segment_of(self, partner):
        return partner.with_company(self.env.company).collection_segment_id

    def test_assignment_follows_rules_in_sequence(self):
        count = self.env["ar.collection.segment"]._assign_partners(self.env.company)
        self.assertEqual(count, 3)
        self.assertEqual(self._segment_of(self.customer), self.belgian_enterprise)  # BE + tag, overdue 200
        self.assertEqual(self._segment_of(self.customer_2), self.risky)             # overdue 1500 wins first
        self.assertEqual(self._segment_of(self.customer_3), self.long_tail)         # BE without tag: catch-all
        self.assertTrue(self.long_tail.is_catch_all)
        self.assertEqual(self.long_tail.partner_count, 1)

    def test_sequence_decides_between_matching_segments(self):
        self.belgian_enterprise.sequence = 5
        self.customer.category_id = self.enterprise_tag
        self._invoice(self.customer, 2000, self._day(-40))
        self.env["ar.collection.segment"]._assign_partners(self.env.company)
        self.assertEqual(self._segment_of(self.customer), self.belgian_enterprise)
        self.belgian_enterprise.sequence = 50
        self.env["ar.collection.segment"]._assign_partners(self.env.company)
        self.assertEqual(self._segment_of(self.customer), self.risky)

    def test_override_wins_and_survives_reassignment(self):
        Segment = self.env["ar.collection.segment"]
        Segment._assign_partners(self.env.company)
        partner = self.customer_3.with_company(self.env.company).with_user(self.manager)
        partner.collection_segment_override_id = self.risky
        self.assertEqual(self._segment_of(self.customer_3), self.risky)
        Segment._assign_partners(self.env.company)
        self.assertEqual(self._segment_of(self.customer_3), self.risky)
        self.assertEqual(self.customer_3.with_company(self.env.company).collection_segment_auto_id, self.long_tail)
        override_event = self.env["ar.collection.event"].search([
            ("partner_id", "=", self.customer_3.id), ("event_type", "=", "override")])
        self.assertEqual(override_event.user_id, self.manager)
        self.assertEqual(override_event.new_value, "Risky")
        partner.collection_segment_override_id = False
        self.assertEqual(self._segment_of(self.customer_3), self.long_tail)

    def test_other_company_untouched(self):
        other = self.setup_other_company()["company"]
        foreign = self._customer("Foreign Ltd", "US")
        self.env["ar.collection.segment"].with_company(other).create({
            "name": "Other tail", "company_id": other.id})
        self.env["ar.collection.segment"]._assign_partners(self.env.company)
        self.assertFalse(self.customer.with_company(other).collection_segment_id)
        self.assertFalse(self._segment_of(foreign))  # no receivable history here

    def test_rule_partners_filter_only_given(self):
        self.env["ar.collection.segment"]._assign_partners(self.env.company, self.customer)
        self.assertTrue(self._segment_of(self.customer))
        self.assertFalse(self._segment_of(self.customer_2))

    def test_bulk_assignment_query_count_does_not_grow_with_customers(self):
        Segment = self.env["ar.collection.segment"]
        for batch in range(2):
            for index in range(20):
                self._invoice(self._customer(f"Bulk {batch}-{index}", "US"), 100 + index, self._day(-45))
            Segment._assign_partners(self.env.company)  # warm the caches of the new records
            self.env.invalidate_all()
            with self.assertQueryCount(18):  # with 23, then 43 customers
                Segment._assign_partners(self.env.company)
