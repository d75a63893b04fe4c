from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import new_test_user, tagged

from .common import ArCollectionsCommon


@tagged("post_install", "-at_install")
class TestDisputeRoutingAndSla(ArCollectionsCommon):
    """Disputes go to the team of their reason, with its SLA, and escalate when it is breached."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        cls.director = new_test_user(cls.env, "ar_director", groups="base.group_user,ar_collections.group_ar_collections_manager",
                                     company_id=company.id, company_ids=company.ids)
        company.write({"collection_manager_id": cls.manager.id, "collection_director_id": cls.director.id})
        cls.billing = cls.env["ar.collection.team"].create({
            "name": "Billing Corrections", "leader_id": cls.manager.id, "member_ids": [(6, 0, cls.collector.ids)],
            "dispute_sla_days": 5})
        cls.reason.team_id = cls.billing  # price disputes go to billing
        cls.invoice = cls._invoice(cls.customer, 1000, cls._day(-40))

    def _dispute(self, reason=None):
        return self.env["ar.dispute"].create({
            "partner_id": self.customer.id, "invoice_ids": self.invoice.ids,
            "reason_id": (reason or self.reason).id, "disputed_amount": 300})

    def _escalations(self, dispute):
        return self.env["ar.collection.event"].search([
            ("res_model", "=", "ar.dispute"), ("res_id", "=", dispute.id), ("event_type", "=", "escalation")])

    def test_routing_by_reason_and_sla_deadline(self):
        dispute = self._dispute()
        self.assertEqual(dispute.team_id, self.billing, "routed to the reason's team")
        self.assertEqual((dispute.sla_deadline - dispute.create_date).days, 5, "the team's SLA")
        other = self._dispute(self.env.ref("ar_collections.dispute_reason_admin"))
        self.assertFalse(other.team_id)
        self.assertEqual((other.sla_deadline - other.create_date).days, 5, "the reason's own SLA")
        quality = self._dispute(self.env.ref("ar_collections.dispute_reason_quality"))
        self.assertEqual((quality.sla_deadline - quality.create_date).days, 10, "ten days by default")

    def test_breach_escalates_to_the_team_manager_then_the_director(self):
        dispute = self._dispute()
        Dispute = self.env["ar.dispute"]
        Dispute._cron_escalate_breached()
        self.assertFalse(dispute.sla_escalation, "within its SLA: nothing")
        self.assertFalse(dispute.sla_breached)
        with freeze_time(fields.Datetime.now() + timedelta(days=6)):
            dispute.invalidate_recordset(["sla_breached"])  # computed on read, from the clock
            self.assertTrue(dispute.sla_breached)
            self.assertIn(dispute, Dispute.search([("sla_breached", "=", True)]))
            Dispute._cron_escalate_breached()
            self.assertEqual(dispute.sla_escalation, "manager")
            self.assertTrue(dispute.activity_ids.filtered(lambda activity: activity.user_id == self.manager))
            Dispute._cron_escalate_breached()
            self.assertEqual(len(self._escalations(dispute)), 1, "escalated once per level")
        with freeze_time(fields.Datetime.now() + timedelta(days=11)):
            Dispute._cron_escalate_breached()
            self.assertEqual(dispute.sla_escalation, "director")
            self.assertTrue(dispute.activity_ids.filtered(lambda activity: activity.user_id == self.director))
            events = self._escalations(dispute)
            self.assertEqual(sorted(events.mapped("new_value")), ["director", "manager"])
            self.assertEqual(set(events.mapped("rule")), {"dispute_sla"})

    def test_resolved_dispute_never_escalates(self):
        dispute = self._dispute()
        dispute.write({"resolution": "correction"})
        dispute.action_resolve()
        with freeze_time(fields.Datetime.now() + timedelta(days=30)):
            self.env["ar.dispute"]._cron_escalate_breached()
        self.assertFalse(dispute.sla_escalation)
        self.assertFalse(dispute.sla_breached)

    def test_without_team_the_company_manager_takes_it(self):
        dispute = self._dispute(self.env.ref("ar_collections.dispute_reason_admin"))
        with freeze_time(fields.Datetime.now() + timedelta(days=6)):
            self.env["ar.dispute"]._cron_escalate_breached()
        self.assertEqual(dispute.sla_escalation, "manager")
        self.assertTrue(dispute.activity_ids.filtered(lambda activity: activity.user_id == self.manager))
