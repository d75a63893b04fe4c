from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import ArCollectionsCommon


@tagged("post_install", "-at_install")
class TestOverrides(ArCollectionsCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls._invoice(cls.customer, 1000, cls._day(-40))
        cls.action = cls.env["ar.collection.action"].create({
            "partner_id": cls.customer.id, "channel": "email", "state": "planned",
            "scheduled_date": fields.Datetime.now(), "move_ids": [Command.set(cls.invoice.ids)],
            "step_id": cls.strategy.step_ids[1].id})

    def _override(self, operation, user=None, **values):
        wizard = self.env["ar.collection.override"].with_user(user or self.manager).create({
            "partner_id": self.customer.id, "operation": operation, "reason": f"Because {operation}", **values})
        wizard.action_apply()
        return wizard

    def _event(self, operation):
        event = self.env["ar.collection.event"].search([
            ("event_type", "=", "override"), ("partner_id", "=", self.customer.id),
            ("rule", "=", f"override:{operation}")])
        self.assertEqual(len(event), 1)
        self.assertEqual(event.reason, f"Because {operation}")
        self.assertEqual(event.user_id, self.manager)
        return event

    def test_skip(self):
        self._override("skip")
        self.assertEqual(self.action.state, "cancelled")
        self._event("skip")
        # Visible on the customer: the audit smart button lists it.
        domain = self.customer.action_view_collection_events()["domain"]
        self.assertIn(self._event("skip"), self.env["ar.collection.event"].search(domain))

    def test_postpone(self):
        before = self.action.scheduled_date
        self._override("postpone", postpone_days=5)
        self.assertEqual((self.action.scheduled_date - before).days, 5)
        self._event("postpone")

    def test_change_step(self):
        step = self.strategy.step_ids[1]
        self._override("change_step", step_id=step.id)
        self.assertEqual(self.invoice.collection_step_id, step)
        self._event("change_step")

    def test_change_segment(self):
        segment = self.env["ar.collection.segment"].create({"name": "Strategic", "strategy_id": self.strategy.id})
        self._override("change_segment", segment_id=segment.id)
        self.assertEqual(self.customer.with_company(self.env.company).collection_segment_id, segment)
        self._event("change_segment")

    def test_release_hold(self):
        self.invoice.collection_hold_state = "escalated"
        self._override("release_hold")
        self.assertFalse(self.invoice.collection_hold_state)
        self.assertEqual(self._event("release_hold").old_value, f"{self.invoice.name}: escalated")

    def test_reassign(self):
        self._override("reassign", user_id=self.collector_2.id)
        self.assertEqual(self.customer.with_company(self.env.company).collection_user_id, self.collector_2)
        self.assertEqual(self.action.user_id, self.collector_2)
        self._event("reassign")

    def test_reason_required_and_managers_only(self):
        with self.assertRaises(UserError):
            self.env["ar.collection.override"].with_user(self.manager).create({
                "partner_id": self.customer.id, "operation": "skip", "reason": "   "}).action_apply()
        with self.assertRaises(AccessError):
            self._override("skip", user=self.collector)
        self.assertEqual(self.action.state, "planned")
