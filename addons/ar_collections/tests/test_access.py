from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import ArCollectionsCommon


@tagged("post_install", "-at_install")
class TestAccess(ArCollectionsCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls._invoice(cls.customer, 800, cls._day(-40))
        cls.action = cls.env["ar.collection.action"].create({
            "partner_id": cls.customer.id, "move_id": cls.invoice.id, "channel": "call",
            "user_id": cls.collector_2.id, "state": "to_approve",
        })
        cls.other_company = cls.setup_other_company()["company"]
        cls.other_user = new_test_user(
            cls.env, "ar_other_company_manager", groups="base.group_user,ar_collections.group_ar_collections_manager",
            company_id=cls.other_company.id, company_ids=cls.other_company.ids)

    def test_collector_reads_but_cannot_configure(self):
        strategy = self.strategy.with_user(self.collector)
        self.assertEqual(strategy.name, "Standard")
        with self.assertRaises(AccessError):
            strategy.write({"max_touches": 10})
        with self.assertRaises(AccessError):
            self.env["ar.collection.segment"].with_user(self.collector).create({"name": "Mine"})
        with self.assertRaises(AccessError):
            self.env["ar.collection.segment"].with_user(self.manager).create({"name": "Mine"})
        segment = self.env["ar.collection.segment"].with_user(self.ar_admin).create({"name": "Admin's"})
        self.assertEqual(segment.company_id, self.env.company)

    def test_collector_acts_only_on_own_actions(self):
        mine = self.env["ar.collection.action"].with_user(self.collector).create({
            "partner_id": self.customer.id, "channel": "email", "user_id": self.collector.id,
        })
        mine.action_cancel()
        self.assertEqual(mine.state, "cancelled")
        theirs = self.action.with_user(self.collector)
        self.assertEqual(theirs.channel, "call")  # visible
        with self.assertRaises(AccessError):
            theirs.write({"user_id": self.collector.id})
        with self.assertRaises(AccessError):
            theirs.unlink()

    def test_only_managers_approve(self):
        with self.assertRejected(UserError, "Only a collections manager"):
            self.action.with_user(self.collector_2).action_approve()
        self.action.with_user(self.manager).action_approve("Go ahead")
        self.assertEqual(self.action.state, "planned")
        self.assertEqual(self.action.approved_by_id, self.manager)
        approval = self.env["ar.collection.event"].search([
            ("res_model", "=", "ar.collection.action"), ("event_type", "=", "approval")])
        self.assertEqual((approval.user_id, approval.reason), (self.manager, "Go ahead"))

    def test_reject_needs_a_reason(self):
        with self.assertRejected(UserError, "Say why"):
            self.action.with_user(self.manager).action_reject()
        self.action.approval_comment = "Customer is negotiating"
        self.action.with_user(self.manager).action_reject()
        self.assertEqual(self.action.state, "cancelled")

    def test_collector_cannot_change_another_collectors_promise(self):
        promise = self.env["ar.promise"].with_user(self.collector_2).create({
            "partner_id": self.customer.id, "invoice_ids": self.invoice.ids, "amount": 100,
            "promise_date": self._day(3), "user_id": self.collector_2.id,
        })
        with self.assertRaises(AccessError):
            promise.with_user(self.collector).action_cancel()
        promise.with_user(self.manager).action_cancel()
        self.assertEqual(promise.state, "cancelled")

    def test_other_company_sees_nothing(self):
        dispute = self.env["ar.dispute"].create({
            "partner_id": self.customer.id, "reason_id": self.reason.id, "invoice_ids": self.invoice.ids,
            "disputed_amount": 50,
        })
        for model, record in (("ar.dispute", dispute), ("ar.collection.action", self.action),
                              ("ar.collection.strategy", self.strategy)):
            with self.subTest(model=model):
                Model = self.env[model].with_user(self.other_user)
                self.assertFalse(Model.search([("id", "=", record.id)]))
                with self.assertRaises(AccessError):
                    record.with_user(self.other_user).read(["display_name"])
        events = self.env["ar.collection.event"].with_user(self.other_user).search([])
        self.assertFalse(events.filtered(lambda e: e.company_id == self.env.company))

    def test_only_managers_assign_and_pause_customers(self):
        partner = self.customer.with_company(self.env.company)
        for values in ({"collection_user_id": self.collector.id}, {"collection_paused": True}):
            with self.subTest(values=values), self.assertRaises(AccessError):
                partner.with_user(self.collector).write(values)
        partner.with_user(self.collector).write({"collection_preferred_channel": "sms"})  # preferences are fine
        partner.with_user(self.manager).write({"collection_user_id": self.collector.id})
        self.assertEqual(partner.collection_user_id, self.collector)

    def test_only_managers_hold_invoices(self):
        with self.assertRaises(AccessError):
            self.invoice.with_user(self.collector).write({"collection_hold_state": "paused"})
        self.assertFalse(self.invoice.collection_hold_state)
        self.invoice.with_user(self.manager).write({"collection_hold_state": "paused"})
        self.assertEqual(self.invoice.collection_state, "paused")
        with self.assertRaises(AccessError):
            self.invoice.with_user(self.collector).write({"collection_hold_state": False})

    def test_portal_user_has_no_backoffice_access(self):
        portal = new_test_user(self.env, "ar_portal_access", groups="base.group_portal")
        for model in ("ar.collection.action", "ar.collection.strategy", "ar.collection.segment"):
            with self.subTest(model=model), self.assertRaises(AccessError):
                self.env[model].with_user(portal).search([])

    def test_collector_manages_disputes_of_own_team(self):
        team = self.env["ar.collection.team"].create({
            "name": "Desk", "member_ids": [Command.set(self.collector.ids)]})
        dispute = self.env["ar.dispute"].create({
            "partner_id": self.customer.id, "reason_id": self.reason.id, "invoice_ids": self.invoice.ids,
            "disputed_amount": 50, "team_id": team.id, "user_id": self.manager.id,
        })
        dispute.with_user(self.collector).write({"resolution_note": "Checking the delivery note"})
        with self.assertRaises(AccessError):
            dispute.with_user(self.collector_2).write({"resolution_note": "Not my team"})
