from odoo import Command
from odoo.tests import tagged

from .common import ArCollectionsCommon


@tagged("post_install", "-at_install")
class TestEnginePlanning(ArCollectionsCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.collection_strategy_id = cls.strategy
        cls.strategy.write({"quiet_weekday_ids": [Command.clear()], "quiet_hour_start": 0, "quiet_hour_end": 0,
                            "min_gap_days": 0, "max_touches": 0})
        cls.env["ar.collection.step"].create({
            "strategy_id": cls.strategy.id, "name": "SMS", "offset_days": 15, "channel": "sms",
            "sms_template_id": cls.env.ref("ar_collections.sms_template_overdue_reminder").id,
        })
        cls.customer.mobile = "+32 470 12 34 56"
        cls.Engine = cls.env["ar.collection.engine"]

    def _actions(self, partner=None):
        return self.env["ar.collection.action"].search([("partner_id", "=", (partner or self.customer).id)])

    def test_plan_records_action_reasons_and_step(self):
        overdue = self._invoice(self.customer, 300, self._day(-40))   # due D-10: step +5
        not_due = self._invoice(self.customer, 100, self._day(-10))   # due D+20: nothing yet
        self.Engine._plan(self.env.company, today=self.today)
        action = self._actions()
        self.assertEqual(len(action), 1)
        self.assertEqual((action.channel, action.state, action.step_id.offset_days), ("email", "planned", 5))
        self.assertEqual(action.move_ids, overdue)
        self.assertIn("STEP_D+5", action.reason_codes)
        self.assertEqual(action.decision_inputs["days_overdue"], 10)
        self.assertAlmostEqual(action.amount_due, 300)
        self.assertEqual(overdue.collection_step_id.offset_days, 5)
        self.assertFalse(not_due.collection_step_id)
        event = self.env["ar.collection.event"].search([("res_model", "=", "ar.collection.action"),
                                                        ("res_id", "=", action.id)])
        self.assertEqual(event.event_type, "decision")
        self.assertEqual(event.payload["days_overdue"], 10)

    def test_running_twice_contacts_nobody_twice(self):
        self._invoice(self.customer, 300, self._day(-40))
        self.Engine._plan(self.env.company, today=self.today)
        self.Engine._plan(self.env.company, today=self.today)
        first = self._actions()
        self.assertEqual(len(first), 1)
        first.write({"state": "done", "done_date": first.scheduled_date})  # the reminder went out
        # Five days later the invoice reaches the SMS step: one new action, not a repeat.
        self.Engine._plan(self.env.company, today=self._day(6))
        self.assertEqual(sorted(self._actions().mapped("channel")), ["email", "sms"])

    def test_same_decisions_written_twice_are_inserted_once(self):
        self._invoice(self.customer, 300, self._day(-40))
        decisions = self.Engine._plan(self.env.company, today=self.today, dry_run=True)
        self.assertFalse(self._actions())  # dry run writes nothing
        customers = {decision.partner_id: None for decision in decisions}
        self.Engine._write_decisions(self.env.company, decisions, customers)
        self.Engine._write_decisions(self.env.company, decisions, customers)  # a second worker, same decisions
        self.assertEqual(len(self._actions()), 1)

    def test_concurrent_run_waits_for_the_first(self):
        self._invoice(self.customer, 300, self._day(-40))
        with self.registry.cursor() as other_cr:
            other_cr.execute("SELECT pg_advisory_xact_lock(%s)", [74_517_000 + self.env.company.id])
            self.assertEqual(self.Engine._plan(self.env.company, today=self.today), [])
            self.assertFalse(self._actions())
        self.Engine._plan(self.env.company, today=self.today)
        self.assertEqual(len(self._actions()), 1)

    def test_crash_mid_run_loses_nothing(self):
        self._invoice(self.customer, 300, self._day(-40))
        with self.assertRaises(ZeroDivisionError), self.env.cr.savepoint():
            self.Engine._plan(self.env.company, today=self.today)
            raise ZeroDivisionError  # the worker dies before its transaction commits
        self.env.invalidate_all()
        self.assertFalse(self._actions())
        self.Engine._plan(self.env.company, today=self.today)
        self.assertEqual(len(self._actions()), 1)

    def test_blocked_decision_recorded_once_with_guardrail(self):
        self.customer.with_company(self.env.company).collection_paused = True
        invoice = self._invoice(self.customer, 300, self._day(-40))
        self.Engine._plan(self.env.company, today=self.today)
        self.Engine._plan(self.env.company, today=self.today)
        action = self._actions()
        self.assertEqual((len(action), action.state, action.blocked_by), (1, "skipped", "CUSTOMER_PAUSED"))
        self.assertFalse(invoice.collection_step_id)  # the step is not taken: it runs once unpaused
        self.customer.with_company(self.env.company).collection_paused = False
        self.Engine._plan(self.env.company, today=self.today)
        self.assertEqual(sorted(self._actions().mapped("state")), ["planned", "skipped"])

    def test_consolidation_currencies_and_credit_notes(self):
        eur = self.setup_other_currency("EUR", rates=[("1900-01-01", 2.0)])
        usd_invoice = self._invoice(self.customer, 300, self._day(-40))
        eur_invoice = self._invoice(self.customer, 400, self._day(-45), currency=eur)
        self._invoice(self.customer, 50, self._day(-30), move_type="out_refund")
        self.Engine._plan(self.env.company, today=self.today)
        action = self._actions()
        self.assertEqual(action.move_ids, usd_invoice | eur_invoice)
        self.assertAlmostEqual(action.amount_due, 500)  # 300 + 400 EUR at 2.0, in company currency
        totals = dict((currency.name, amount) for currency, amount in self.customer._collection_overdue_totals())
        self.assertEqual(totals, {self.env.company.currency_id.name: 250.0, "EUR": 400.0})

    def test_credit_notes_covering_the_overdue_amount_stop_reminders(self):
        self._invoice(self.customer, 300, self._day(-40))
        credit_note = self._invoice(self.customer, 300, self._day(-20), move_type="out_refund")
        self.Engine._plan(self.env.company, today=self.today)
        action = self._actions()
        self.assertEqual((action.state, action.blocked_by), ("skipped", "COVERED_BY_CREDIT"))
        self.assertEqual(action.decision_inputs["amount_asked"], 0.0)
        self._pay(credit_note, self.today, amount=100)  # the customer asked for part of the credit back
        self.Engine._plan(self.env.company, today=self.today)
        planned = self._actions().filtered(lambda a: a.state == "planned")
        self.assertEqual(planned.decision_inputs["amount_asked"], 100.0)

    def test_partial_payment_lowers_the_amount(self):
        invoice = self._invoice(self.customer, 300, self._day(-40))
        self._pay(invoice, self.today, amount=120)
        self.Engine._plan(self.env.company, today=self.today)
        self.assertAlmostEqual(self._actions().amount_due, 180)

    def test_disputed_invoice_leaves_the_flow(self):
        invoice = self._invoice(self.customer, 300, self._day(-40))
        self.env["ar.dispute"].create({"partner_id": self.customer.id, "reason_id": self.reason.id,
                                       "invoice_ids": invoice.ids, "disputed_amount": 50})
        self.Engine._plan(self.env.company, today=self.today)
        self.assertFalse(self._actions())

    def test_other_company_untouched(self):
        other = self.setup_other_company()["company"]
        self._invoice(self.customer, 300, self._day(-40))
        self.Engine._plan(other, today=self.today)
        self.assertFalse(self._actions())

    def test_control_group_marked(self):
        self.strategy.control_group_percent = 50
        partners = [self._customer(f"Control {index}", "US") for index in range(12)]
        for partner in partners:
            self._invoice(partner, 100, self._day(-40))
        self.Engine._plan(self.env.company, today=self.today)
        actions = self.env["ar.collection.action"].search([("partner_id", "in", [p.id for p in partners])])
        self.assertEqual(len(actions), 12)
        self.assertTrue(0 < len(actions.filtered("is_control_group")) < 12)
        self.assertTrue(all("CONTROL_GROUP" in a.reason_codes for a in actions.filtered("is_control_group")))

    def test_query_count_does_not_grow_with_the_book(self):
        for batch in range(2):
            for index in range(15):
                self._invoice(self._customer(f"Load {batch}-{index}", "US"), 100, self._day(-40))
            today = self._day(batch * 10)
            self.Engine._plan(self.env.company, today=today, dry_run=True)  # warm the registry caches
            self.env.invalidate_all()
            with self.assertQueryCount(27):  # 15, then 30 customers; one more when ar_collections_ml scores
                self.Engine._plan(self.env.company, today=today)
