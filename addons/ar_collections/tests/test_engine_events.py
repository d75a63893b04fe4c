from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .engine_common import ArCollectionsEngineCommon


@tagged("post_install", "-at_install")
class TestEngineEvents(ArCollectionsEngineCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.strategy.send_thank_you = True
        cls.step_sms = cls.env["ar.collection.step"].create({
            "strategy_id": cls.strategy.id, "name": "SMS", "offset_days": 15, "channel": "sms",
            "sms_template_id": cls.env.ref("ar_collections.sms_template_overdue_reminder").id,
        })

    def _remind(self, invoice):
        """Send the +5 reminder of ``invoice``, then plan the +15 step, left pending."""
        self._plan()
        with self.mock_mail_gateway():
            self.Action._execute_due()
        self.assertEqual(invoice.collection_state, "reminded")
        self._plan(today=self._day(6))
        return self._actions().filtered(lambda action: action.state == "planned")

    def test_daily_run_plans_and_sends(self):
        invoice = self._overdue_invoice(1000, 10)
        engine = self.Engine.sudo()  # as the scheduled action runs it: every company
        with self.mock_mail_gateway():
            self.assertEqual(engine._cron_run(), 1)
            self.assertEqual(engine._cron_run(), 0, "idempotent")
        self.assertMailMail(self.customer, "outgoing")
        self.assertEqual(invoice.collection_state, "reminded")
        self.assertEqual(self.Action._count_due(), 0)
        mail_queue = self.env.ref("mail.ir_cron_mail_scheduler_action")
        self.assertTrue(self.env["ir.cron.trigger"].search([("cron_id", "=", mail_queue.id)]),
                        "the reminders leave without waiting for the hourly mail queue")

    def test_invoice_posted_wakes_the_engine(self):
        self._engine_triggers().unlink()
        self._overdue_invoice(100, 1)
        self.assertTrue(self._engine_triggers())

    def test_payment_cancels_pending_actions_and_thanks(self):
        invoice = self._overdue_invoice(1000, 10)
        pending = self._remind(invoice)
        self.assertEqual(pending.channel, "sms")
        with self.mock_mail_gateway():
            self._pay(invoice, self.today)
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(pending.state, "cancelled")
        self.assertEqual(pending.cancel_reason, "Invoice paid")
        thanks = self.assertMailMail(self.customer, "outgoing", fields_values={
            "subject": f"{self.company.name}: thank you for paying invoice {invoice.name}"})
        self.assertEqual((thanks.model, thanks.res_id), ("account.move", invoice.id))
        event = self.env["ar.collection.event"].search([("move_id", "=", invoice.id), ("rule", "=", "thank_you")])
        self.assertEqual(event.event_type, "sent")
        # Thanked once: a second payment hook does not thank again.
        with self.mock_mail_gateway():
            invoice._collection_on_paid()
            self.assertFalse(self._new_mails)

    def test_partial_payment_keeps_actions_and_thanks_nobody(self):
        invoice = self._overdue_invoice(1000, 10)
        pending = self._remind(invoice)
        with self.mock_mail_gateway():
            self._pay(invoice, self.today, amount=400)
            self.assertFalse(self._new_mails)
        self.assertEqual(pending.state, "planned")

    def test_no_thank_you_unless_reminded_and_asked(self):
        reminded = self._overdue_invoice(1000, 10)
        self._remind(reminded)
        never_reminded = self._invoice(self.customer, 300, self.today)
        with self.mock_mail_gateway():
            self._pay(never_reminded, self.today)
            self.assertFalse(self._new_mails)
        self.strategy.send_thank_you = False
        with self.mock_mail_gateway():
            self._pay(reminded, self.today)
            self.assertFalse(self._new_mails)

    def test_payment_keeps_promise(self):
        invoice = self._overdue_invoice(1000, 10)
        promise = self.env["ar.promise"].create({
            "partner_id": self.customer.id, "invoice_ids": invoice.ids, "amount": 400, "promise_date": self._day(5)})
        self.assertEqual(invoice.collection_state, "promised")
        self._pay(invoice, self.today, amount=400)
        self.assertEqual(promise.state, "kept")

    def test_broken_promise_escalates_per_strategy(self):
        invoice = self._overdue_invoice(1000, 10)
        self._plan()  # the invoice reaches the +5 step of the strategy
        promise = self.env["ar.promise"].create({
            "partner_id": self.customer.id, "invoice_ids": invoice.ids, "amount": 1000, "promise_date": self.today,
            "grace_days": 0, "user_id": self.collector.id})
        self._engine_triggers().unlink()
        promise._evaluate(today=self._day(1))
        self.assertEqual(promise.state, "broken")
        self.assertEqual(invoice.collection_hold_state, "escalated")
        self.assertEqual(invoice.collection_state, "escalated")
        activity = self.customer.activity_ids.filtered(lambda a: a.user_id == self.manager)
        self.assertEqual(len(activity), 1)
        self.assertIn(promise.name, activity.note)
        escalation = self._events(promise, "escalation")
        self.assertEqual(escalation.new_value, "Collections Manager")
        self.assertTrue(self._engine_triggers(), "the invoice is back in the flow")

    def test_broken_promise_escalation_level_comes_from_strategy(self):
        self.strategy.broken_promise_escalate_to = "director"
        self.company.collection_director_id = self.ar_admin
        invoice = self._overdue_invoice(1000, 10)
        promise = self.env["ar.promise"].create({
            "partner_id": self.customer.id, "invoice_ids": invoice.ids, "amount": 1000, "promise_date": self.today,
            "grace_days": 0})
        promise._evaluate(today=self._day(1))
        self.assertTrue(self.customer.activity_ids.filtered(lambda a: a.user_id == self.ar_admin))
        self.strategy.broken_promise_escalate_to = False
        other = self._overdue_invoice(500, 10)
        promise = self.env["ar.promise"].create({
            "partner_id": self.customer.id, "invoice_ids": other.ids, "amount": 500, "promise_date": self.today,
            "grace_days": 0})
        promise._evaluate(today=self._day(1))
        self.assertEqual(promise.state, "broken")
        self.assertFalse(self._events(promise, "escalation"))
        self.assertFalse(other.collection_hold_state)

    def test_account_past_amount_or_age_threshold_escalates_once(self):
        self.strategy.write({"escalation_amount": 1500, "threshold_escalate_to": "manager"})
        first = self._overdue_invoice(1000, 10)
        self._plan()
        self.assertFalse(first.collection_hold_state, "1000 overdue: below the threshold")
        second = self._overdue_invoice(700, 3)
        self._plan()
        self.assertEqual((first | second).mapped("collection_state"), ["escalated", "escalated"])
        activity = self.customer.activity_ids.filtered(lambda a: a.user_id == self.manager)
        self.assertEqual(len(activity), 1)
        self.assertIn(second.name, activity.note)
        event = self.env["ar.collection.event"].search([
            ("partner_id", "=", self.customer.id), ("event_type", "=", "escalation")])
        self.assertEqual(len(event), 1)
        self.assertIn("past the threshold", event.reason)
        self.assertEqual(event.payload["reasons"], ["OVER_AMOUNT_THRESHOLD"])
        self._plan(today=self._day(1))
        self.assertEqual(len(self.customer.activity_ids.filtered(lambda a: a.user_id == self.manager)), 1,
                         "escalated once")
        self.strategy.write({"escalation_amount": 0, "escalation_days": 60})
        old = self._overdue_invoice(100, 61, partner=self.customer_2)
        self._plan()
        self.assertEqual(old.collection_state, "escalated")

    def test_thresholds_must_make_sense(self):
        with self.assertRaises(ValidationError):
            self.strategy.escalation_days = -1
        with self.assertRaises(ValidationError):
            self.strategy.write({"escalation_amount": 100, "threshold_escalate_to": False})

    def test_dispute_resolution_wakes_the_engine(self):
        invoice = self._overdue_invoice(1000, 10)
        dispute = self.env["ar.dispute"].create({
            "partner_id": self.customer.id, "invoice_ids": invoice.ids, "reason_id": self.reason.id,
            "disputed_amount": 100})
        self._engine_triggers().unlink()
        dispute.write({"resolution": "correction"})
        self.assertFalse(self._engine_triggers())
        dispute.action_resolve()
        self.assertTrue(self._engine_triggers())
        self.assertEqual(invoice.collection_state, "normal")
        self._engine_triggers().unlink()
        dispute.action_reopen()
        dispute.resolution_note = "The price is the one agreed."
        dispute.action_reject()
        self.assertTrue(self._engine_triggers())

    def test_aging_buckets_crossed(self):
        recent = self._overdue_invoice(100, 10)
        month = self._overdue_invoice(100, 31)
        old = self._overdue_invoice(100, 95)
        Move = self.env["account.move"]
        self._engine_triggers().unlink()
        crossings = Move._collection_update_aging_buckets(self.company, today=self.today)
        self.assertEqual(len(crossings), 2)
        self.assertEqual((recent.collection_aging_bucket, month.collection_aging_bucket,
                          old.collection_aging_bucket), (0, 30, 90))
        events = self.env["ar.collection.event"].search([("move_id", "=", month.id), ("rule", "=like", "aging:%")])
        self.assertEqual((events.old_value, events.new_value, events.partner_id), ("0", "30", self.customer))
        self.assertTrue(self._engine_triggers())
        # The same day again: nothing crosses.
        self.assertFalse(Move._collection_update_aging_buckets(self.company, today=self.today))
        # Fifteen days later the month-old invoice enters the 45 bucket.
        crossings = Move._collection_update_aging_buckets(self.company, today=self._day(15))
        self.assertEqual([(row[0], row[3], row[4]) for row in crossings], [(month.id, 30, 45)])

    def test_aging_buckets_are_configurable(self):
        self.company.collection_aging_buckets = "15, 60"
        invoice = self._overdue_invoice(100, 20)
        self.env["account.move"]._collection_update_aging_buckets(self.company, today=self.today)
        self.assertEqual(invoice.collection_aging_bucket, 15)
        for wrong in ("60,30", "thirty", "0,30", ""):
            with self.assertRaises(ValidationError):
                self.company.collection_aging_buckets = wrong
