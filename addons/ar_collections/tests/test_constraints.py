from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import ArCollectionsCommon


@tagged("post_install", "-at_install")
class TestConstraints(ArCollectionsCommon):

    def test_duplicate_step_offset_rejected(self):
        with self.assertRejected(ValidationError, "several steps at 5 day"):
            self.strategy.write({"step_ids": [Command.create({
                "name": "Again", "offset_days": 5, "channel": "sms",
                "sms_template_id": self.env.ref("ar_collections.sms_template_overdue_reminder").id,
            })]})

    def test_step_needs_template_of_its_channel(self):
        cases = {
            "email": {},
            "sms": {"mail_template_id": self.env.ref("ar_collections.mail_template_overdue_reminder").id},
            "letter": {},
            "call": {"call_script": "<p><br></p>"},
            "portal": {},
        }
        for channel, values in cases.items():
            with self.subTest(channel=channel), self.assertRejected(ValidationError, "no template"):
                self.env["ar.collection.step"].create({
                    "strategy_id": self.strategy.id, "name": channel, "offset_days": 40, "channel": channel,
                    **values,
                })

    def test_valid_steps_for_every_channel(self):
        templates = {
            "sms": {"sms_template_id": self.env.ref("ar_collections.sms_template_overdue_reminder").id},
            "letter": {"letter_report_id": self.env.ref("ar_collections.action_report_collection_letter").id},
            "call": {"call_script": "<p>Ask for a date</p>"},
            "portal": {"mail_template_id": self.env.ref("ar_collections.mail_template_overdue_reminder").id},
        }
        for offset, (channel, values) in enumerate(templates.items(), start=10):
            step = self.env["ar.collection.step"].create({
                "strategy_id": self.strategy.id, "name": channel, "offset_days": offset, "channel": channel, **values,
            })
            self.assertEqual(step.channel, channel)
        self.assertEqual(self.strategy.step_count, 6)

    def test_action_limits(self):
        invalid = [
            ({"min_gap_days": -1}, "gap between touches cannot be negative"),
            ({"max_touches": -2}, "cannot be negative"),
            ({"max_touches": 3, "touch_period_days": 0}, "period of at least one day"),
            ({"quiet_hour_start": 25}, "Quiet hours"),
            ({"min_overdue_amount": -5}, "minimum overdue amount"),
            ({"control_group_percent": 80}, "control group"),
            ({"quiet_weekday_ids": [Command.set(self.env["ar.collection.weekday"].search([]).ids)]}, "every day quiet"),
        ]
        for values, message in invalid:
            with self.subTest(values=values), self.assertRejected(ValidationError, message):
                self.strategy.write(values)

    def test_quiet_hours_span_midnight(self):
        self.strategy.write({"quiet_hour_start": 20.0, "quiet_hour_end": 8.0})
        self.assertTrue(self.strategy.is_quiet_hour(22.5))
        self.assertTrue(self.strategy.is_quiet_hour(7.9))
        self.assertFalse(self.strategy.is_quiet_hour(12.0))
        self.strategy.write({"quiet_hour_start": 12.0, "quiet_hour_end": 14.0})
        self.assertTrue(self.strategy.is_quiet_hour(13.0))
        self.assertFalse(self.strategy.is_quiet_hour(20.0))

    def test_segment_rule_operators(self):
        segment = self.env["ar.collection.segment"].create({"name": "Big"})
        with self.assertRejected(ValidationError, "must use"):
            segment.rule_ids = [Command.create({"metric": "country", "operator": ">="})]
        with self.assertRejected(ValidationError, "must use"):
            segment.rule_ids = [Command.create({"metric": "overdue_amount", "operator": "in"})]
        with self.assertRejected(ValidationError, "at least one country"):
            segment.rule_ids = [Command.create({"metric": "country", "operator": "in"})]
        with self.assertRejected(ValidationError, "percentage"):
            segment.rule_ids = [Command.create({"metric": "late_ratio", "operator": ">=", "value": 150})]

    def test_compliance_profile_needs_a_channel(self):
        with self.assertRejected(ValidationError, "at least one channel"):
            self.env["ar.collection.compliance.profile"].create({
                "name": "Nothing allowed", "allow_email": False, "allow_sms": False, "allow_call": False,
                "allow_letter": False, "allow_portal": False,
            })

    def test_dispute_amount_and_invoices(self):
        invoice = self._invoice(self.customer, 100, self._day(-40))
        other_invoice = self._invoice(self.customer_2, 100, self._day(-40))
        values = {"partner_id": self.customer.id, "reason_id": self.reason.id}
        with self.assertRejected(ValidationError, "exceeds the total"):
            self.env["ar.dispute"].create({**values, "invoice_ids": invoice.ids, "disputed_amount": 150})
        with self.assertRejected(ValidationError, "must be positive"):
            self.env["ar.dispute"].create({**values, "invoice_ids": invoice.ids, "disputed_amount": -1})
        with self.assertRejected(ValidationError, "do not belong"):
            self.env["ar.dispute"].create({**values, "invoice_ids": other_invoice.ids, "disputed_amount": 10})
        self.assertFalse(self.env["ar.dispute"].search([("partner_id", "=", self.customer.id)]))

    def test_promise_bounds(self):
        invoice = self._invoice(self.customer, 100, self._day(-40))
        values = {"partner_id": self.customer.id, "invoice_ids": invoice.ids}
        with self.assertRejected(ValidationError, "in the past"):
            self.env["ar.promise"].create({**values, "amount": 50, "promise_date": self._day(-1)})
        with self.assertRejected(ValidationError, "exceeds what is open"):
            self.env["ar.promise"].create({**values, "amount": 500, "promise_date": self._day(3)})
        with self.assertRejected(ValidationError, "must be positive"):
            self.env["ar.promise"].create({**values, "amount": 0, "promise_date": self._day(3)})

    def test_dispute_lifecycle_pauses_invoice(self):
        invoice = self._invoice(self.customer, 100, self._day(-40))
        dispute = self.env["ar.dispute"].create({
            "partner_id": self.customer.id, "reason_id": self.reason.id, "invoice_ids": invoice.ids,
            "disputed_amount": 40,
        })
        self.assertTrue(dispute.name.startswith("DSP/"))
        self.assertEqual(invoice.collection_state, "disputed")
        with self.assertRejected(UserError, "Choose how"):
            dispute.action_resolve()
        with self.assertRejected(UserError, "Explain"):
            dispute.action_reject()
        dispute.resolution = "correction"
        dispute.action_resolve()
        self.assertEqual(dispute.state, "resolved")
        self.assertEqual(invoice.collection_state, "normal")
        with self.assertRejected(UserError, "already closed"):
            dispute.action_resolve()
        dispute.action_reopen()
        self.assertEqual(invoice.collection_state, "disputed")

    def test_promise_lifecycle(self):
        invoice = self._invoice(self.customer, 300, self._day(-40))
        promise = self.env["ar.promise"].create({
            "partner_id": self.customer.id, "invoice_ids": invoice.ids, "amount": 300, "promise_date": self._day(5),
        })
        self.assertEqual(invoice.collection_state, "promised")
        self.assertEqual(promise.deadline, self._day(5 + self.env.company.collection_promise_grace_days))
        self._pay(invoice, self.today, amount=100)
        promise._evaluate()
        self.assertEqual(promise.state, "open")  # not due yet, partly paid
        promise._evaluate(today=self._day(30))
        self.assertEqual(promise.state, "partial")
        self.assertAlmostEqual(promise.amount_paid, 100)
        self.assertEqual(invoice.collection_state, "normal")

    def test_promise_kept_when_paid(self):
        invoice = self._invoice(self.customer, 300, self._day(-40))
        promise = self.env["ar.promise"].create({
            "partner_id": self.customer.id, "invoice_ids": invoice.ids, "amount": 300, "promise_date": self._day(5),
        })
        self._pay(invoice, self.today)
        promise._evaluate()
        self.assertEqual(promise.state, "kept")

    def test_hold_state_precedence(self):
        invoice = self._invoice(self.customer, 300, self._day(-40))
        invoice.collection_hold_state = "paused"
        self.assertEqual(invoice.collection_state, "paused")
        self.env["ar.dispute"].create({
            "partner_id": self.customer.id, "reason_id": self.reason.id, "invoice_ids": invoice.ids,
            "disputed_amount": 10,
        })
        self.assertEqual(invoice.collection_state, "disputed")
        invoice.collection_hold_state = "legal"
        self.assertEqual(invoice.collection_state, "legal")
