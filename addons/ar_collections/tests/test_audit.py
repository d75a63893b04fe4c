from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import ArCollectionsCommon


@tagged("post_install", "-at_install")
class TestAuditTrail(ArCollectionsCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls._invoice(cls.customer, 500, cls._day(-40))
        cls.dispute = cls.env["ar.dispute"].with_user(cls.collector).create({
            "partner_id": cls.customer.id, "reason_id": cls.reason.id, "invoice_ids": cls.invoice.ids,
            "disputed_amount": 100, "user_id": cls.collector.id,
        })

    def _events(self, **domain):
        return self.env["ar.collection.event"].search([(key, "=", value) for key, value in domain.items()])

    def test_state_changes_are_recorded(self):
        self.dispute.with_user(self.collector).write({"resolution": "correction"})
        self.dispute.with_user(self.collector).action_resolve()
        dispute_events = self._events(res_model="ar.dispute", res_id=self.dispute.id)
        self.assertEqual(sorted(dispute_events.mapped("event_type")), ["create", "state_change"])
        change = dispute_events.filtered(lambda e: e.event_type == "state_change")
        self.assertEqual((change.old_value, change.new_value), ("Open", "Resolved"))
        self.assertEqual(change.user_id, self.collector)
        self.assertEqual(change.partner_id, self.customer)
        invoice_events = self._events(res_model="account.move", res_id=self.invoice.id)
        self.assertEqual(invoice_events.mapped("new_value"), ["Normal", "Disputed"])

    def test_reason_is_recorded(self):
        self.dispute.with_context(ar_collection_reason="Customer sent proof").write(
            {"resolution": "correction", "state": "resolved"})
        change = self._events(res_model="ar.dispute", event_type="state_change")
        self.assertEqual(change.reason, "Customer sent proof")

    def test_nobody_can_edit_or_delete_events(self):
        event = self._events(res_model="ar.dispute", event_type="create")
        self.assertTrue(event)
        for user in (self.collector, self.manager, self.ar_admin):
            with self.subTest(user=user.login):
                as_user = event.with_user(user)
                self.assertEqual(as_user.description, event.description)  # readable
                with self.assertRejected(UserError, "immutable"):
                    as_user.write({"reason": "tampered"})
                with self.assertRejected(UserError, "immutable"):
                    as_user.unlink()
                with self.assertRejected(UserError, "written by the system"):
                    self.env["ar.collection.event"].with_user(user).create({"event_type": "override"})
        # Not even the superuser, through the application.
        with self.assertRejected(UserError, "immutable"):
            event.sudo().write({"reason": "tampered"})
        with self.assertRejected(UserError, "immutable"):
            event.sudo().unlink()
        with self.assertRejected(UserError, "written by the system"):
            self.env["ar.collection.event"].sudo().create({"event_type": "override"})
        self.assertFalse(event.reason)

    def test_portal_and_plain_users_cannot_read_events(self):
        portal = new_test_user(self.env, "ar_portal_audit", groups="base.group_portal")
        employee = new_test_user(self.env, "ar_employee_audit", groups="base.group_user")
        for user in (portal, employee):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.env["ar.collection.event"].with_user(user).search([]).read(["description"])
