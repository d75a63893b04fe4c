from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from .test_agenda import AgendaCommon


@tagged("post_install", "-at_install")
class TestCallLog(AgendaCommon):

    def setUp(self):
        super().setUp()
        self.line = self._build().filtered(lambda l: l.partner_id == self.customer)

    def _log(self, outcome, user=None, **values):
        user = user or self.collector
        wizard = self.env["ar.collection.call.log"].with_user(user).with_context(
            default_agenda_line_id=self.line.id, default_partner_id=self.customer.id).create(
                {"outcome": outcome, "note": f"Called: {outcome}", **values})
        self.assertEqual(wizard.invoice_ids, self.invoice)
        wizard.action_confirm()
        return wizard

    def _call_action(self, outcome):
        return self.env["ar.collection.action"].search([
            ("partner_id", "=", self.customer.id), ("reason_codes", "=", f"call:{outcome}")])

    def _assert_logged(self, outcome):
        action = self._call_action(outcome)
        self.assertEqual(len(action), 1)
        self.assertEqual((action.state, action.channel, action.user_id), ("done", "call", self.collector))
        self.assertEqual(self.line.state, "done")
        self.assertEqual(self.line.call_outcome, outcome)
        self.assertEqual(self.call.state, "done", "the engine's planned call was made")
        event = self.env["ar.collection.event"].search([
            ("event_type", "=", "call"), ("res_model", "=", "ar.collection.action"), ("res_id", "=", action.id)])
        self.assertEqual(event.partner_id, self.customer)
        self.assertEqual(event.payload["outcome"], outcome)
        note = self.customer.message_ids.filtered(lambda m: "Collection call" in (m.body or ""))
        self.assertTrue(note, "a note on the customer")
        return action

    def test_reached_and_voicemail(self):
        self._log("reached")
        self._assert_logged("reached")
        self.assertEqual(self.invoice.collection_last_action_date, self.today)
        self.line.sudo().state = "todo"
        self._log("voicemail")
        self.assertEqual(len(self._call_action("voicemail")), 1)

    def test_wrong_number_flags_the_phone(self):
        self._log("wrong_number")
        self._assert_logged("wrong_number")
        self.assertTrue(self.customer.collection_phone_invalid)
        self.customer.phone = self.customer.phone
        self.assertTrue(self.customer.collection_phone_invalid, "the same number is still wrong")
        self.customer.phone = "+32 2 555 00 00"
        self.assertFalse(self.customer.collection_phone_invalid, "a new number is worth calling")

    def test_promise(self):
        self._log("promise", promise_amount=600, promise_date=self._day(5))
        self._assert_logged("promise")
        promise = self.env["ar.promise"].search([("partner_id", "=", self.customer.id)])
        self.assertRecordValues(promise, [{"amount": 600, "promise_date": self._day(5), "source": "call",
                                           "user_id": self.collector.id, "state": "open"}])
        self.assertEqual(promise.invoice_ids, self.invoice)
        self.assertEqual(self.invoice.collection_state, "promised")

    def test_dispute(self):
        self._log("dispute", dispute_reason_id=self.reason.id, dispute_amount=250)
        self._assert_logged("dispute")
        dispute = self.env["ar.dispute"].search([("partner_id", "=", self.customer.id)])
        self.assertRecordValues(dispute, [{"disputed_amount": 250, "source": "call", "state": "open"}])
        self.assertEqual(self.invoice.collection_state, "disputed")

    def test_paid_and_call_back_schedule_activities(self):
        self._log("paid")
        self._assert_logged("paid")
        self.line.sudo().state = "todo"
        self._log("call_back", callback_date=self._day(2))
        activities = self.customer.activity_ids
        self.assertEqual(sorted(activities.mapped("date_deadline")), [self._day(2), self._day(2)])
        self.assertTrue(any("Call back" in (a.summary or "") for a in activities))

    def test_from_the_customer_without_agenda_line(self):
        wizard = Form(self.env["ar.collection.call.log"].with_user(self.collector).with_context(
            default_partner_id=self.customer_2.id))
        wizard.outcome = "promise"
        self.assertEqual(wizard.promise_amount, 5000)
        wizard.promise_amount = 1000
        wizard.save().action_confirm()
        self.assertEqual(self.env["ar.promise"].search([("partner_id", "=", self.customer_2.id)]).amount, 1000)

    def test_other_collectors_line_needs_a_manager(self):
        with self.assertRaises(AccessError):
            self._log("reached", user=self.collector_2)
        self._log("reached", user=self.manager)
        self.assertEqual(self.line.state, "done")


@tagged("post_install", "-at_install")
class TestPromiseEvaluation(AgendaCommon):
    """Promises from calls are kept, partly kept or broken as partial payments arrive."""

    def _promise(self, invoice, amount):
        return self.env["ar.promise"].create({
            "partner_id": invoice.partner_id.id, "invoice_ids": [fields.Command.set(invoice.ids)],
            "amount": amount, "promise_date": self._day(3), "grace_days": 2, "source": "call"})

    def test_kept_after_two_partial_payments(self):
        promise = self._promise(self.invoice, 800)
        self._pay(self.invoice, self.today, amount=300)
        self.assertEqual(promise.state, "open")
        self._pay(self.invoice, self.today, amount=500)
        self.assertEqual(promise.state, "kept")
        self.assertEqual(self.invoice.collection_state, "reminded" if self.invoice.collection_last_action_date
                         else "normal")

    def test_partly_kept_at_deadline(self):
        promise = self._promise(self.invoice, 800)
        self._pay(self.invoice, self.today, amount=300)
        promise._evaluate(today=self._day(5))
        self.assertEqual(promise.state, "open", "within the grace period")
        promise._evaluate(today=self._day(6))
        self.assertEqual(promise.state, "partial")
        self.assertAlmostEqual(promise.amount_paid, 300)

    def test_broken_goes_on_the_agenda(self):
        promise = self._promise(self.invoice_2, 1000)
        promise._evaluate(today=self._day(6))
        self.assertEqual(promise.state, "broken")
        line = self._build().filtered(lambda l: l.partner_id == self.customer_2)
        self.assertIn("promise_broken", line.reason_codes)
        self.assertEqual(line.next_action, "call")
