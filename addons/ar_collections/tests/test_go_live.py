from datetime import datetime, time

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.sms.tests.common import SMSCase

from .engine_common import ArCollectionsEngineCommon, html_amount


@tagged("post_install", "-at_install")
class TestGoLiveOnAnOldBook(ArCollectionsEngineCommon, SMSCase):
    """Going live on a book with old overdue invoices: every customer starts at the first reminder."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.strategy.min_gap_days = 3
        cls.step_courtesy, cls.step_first, cls.step_sms, cls.step_final = cls._replace_steps_of(cls.strategy, (
            {"name": "Courtesy", "offset_days": -3, "channel": "email",
             "mail_template_id": cls.env.ref("ar_collections.mail_template_courtesy_reminder").id},
            {"name": "First reminder", "offset_days": 5, "channel": "email",
             "mail_template_id": cls.env.ref("ar_collections.mail_template_overdue_reminder").id},
            {"name": "SMS", "offset_days": 15, "channel": "sms",
             "sms_template_id": cls.env.ref("ar_collections.sms_template_overdue_reminder").id},
            {"name": "Final notice", "offset_days": 35, "channel": "email",
             "mail_template_id": cls.env.ref("ar_collections.mail_template_final_notice").id},
        ))

    @classmethod
    def _replace_steps_of(cls, strategy, values_list):
        strategy.step_ids = [Command.clear()] + [Command.create(values) for values in values_list]
        return strategy.step_ids.sorted("offset_days")

    def _send_due(self):
        with self.mock_mail_gateway():
            self.Action._execute_due()
        return self._new_mails

    def test_first_message_of_an_old_invoice_is_the_first_reminder(self):
        invoice = self._overdue_invoice(1000, 120)
        self._plan()
        action = self._actions()
        self.assertEqual(action.step_id, self.step_first, "not the final notice, whatever the invoice's age")
        mails = self._send_due()
        self.assertEqual(len(mails), 1)
        self.assertIn("the following invoices are overdue", mails.body_html)
        self.assertNotIn("previous reminders", mails.body_html)
        self.assertEqual(invoice.collection_step_id, self.step_first)

    def test_steps_follow_one_another_with_the_minimum_gap(self):
        invoice = self._overdue_invoice(1000, 120)
        taken = []
        for day in range(0, 12):
            with freeze_time(datetime.combine(self._day(day), time(10, 0))):
                self._plan(today=self._day(day))
                new = self._actions().filtered(lambda action: action.state == "planned")
                if new:
                    taken.append((day, new.step_id.name))
                    with self.mock_mail_gateway(), self.mockSMSGateway():
                        self.Action._execute_due()
                    self.assertEqual(new.state, "done")
        self.assertEqual(taken, [(0, "First reminder"), (3, "SMS"), (6, "Final notice")])
        self.assertEqual(invoice.collection_step_id, self.step_final)

    def test_next_step_waits_for_the_previous_action(self):
        self._overdue_invoice(1000, 120)
        self._plan()
        first = self._actions()
        first.state = "to_approve"  # a manager has not looked at it yet
        self._plan(today=self._day(10))
        self.assertEqual(self._actions(), first, "nothing more while the first reminder waits")

    def test_catch_up_by_age_jumps_to_the_step_reached(self):
        self.strategy.catch_up_by_age = True
        self._overdue_invoice(1000, 120)
        self._plan()
        self.assertEqual(self._actions().step_id, self.step_final)
        mails = self._send_due()
        self.assertIn("The following invoices are overdue and remain unpaid", mails.body_html,
                      "a final notice sent first does not speak of previous reminders")

    def test_final_notice_speaks_of_previous_reminders_only_when_sent(self):
        self.strategy.catch_up_by_age = True
        reminded = self._overdue_invoice(1000, 40)
        fresh = self._overdue_invoice(500, 40)
        final_template = self.env.ref("ar_collections.mail_template_final_notice")

        def body():
            return final_template._render_field("body_html", self.customer.ids, compute_lang=True)[self.customer.id]

        self.assertIn("The following invoices are overdue and remain unpaid", body())
        self.env["ar.collection.action"].create({
            "partner_id": self.customer.id, "channel": "email", "state": "done", "step_id": self.step_first.id,
            "strategy_id": self.strategy.id, "move_ids": [Command.set(reminded.ids)],
        })
        self.assertIn("Despite our previous reminders about some of them", body(),
                      "a consolidated message whose invoices stand at different steps")
        self.env["ar.collection.action"].create({
            "partner_id": self.customer.id, "channel": "sms", "state": "done", "step_id": self.step_sms.id,
            "strategy_id": self.strategy.id, "move_ids": [Command.set(fresh.ids)],
        })
        self.assertIn("Despite our previous reminders, the following invoices remain unpaid", body())


@tagged("post_install", "-at_install")
class TestNeverAskForMoneyAlreadyPaid(ArCollectionsEngineCommon):
    """Payments booked but not matched with their invoices are netted from what a reminder asks."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Exception = cls.env["ar.reconciliation.exception"]

    def _exceptions(self, kind):
        self.Exception._detect(self.company, self.today)
        return self.Exception.search([("company_id", "=", self.company.id), ("exception_type", "=", kind),
                                      ("partner_id", "=", self.customer.id), ("state", "=", "open")])

    def test_registered_payment_not_reconciled(self):
        self._overdue_invoice(1000, 20)
        payment = self.env["account.payment"].create({
            "payment_type": "inbound", "partner_type": "customer", "partner_id": self.customer.id,
            "amount": 1000, "date": self.today})
        payment.action_post()
        self._plan()
        action = self._actions()
        self.assertEqual((action.state, action.blocked_by), ("skipped", "COVERED_BY_CREDIT"))
        self.assertEqual(action.decision_inputs["open_credit"], 1000)
        self.assertEqual(len(self._exceptions("unapplied_cash")), 1, "the match to do goes to the queue")

    def test_partial_payment_not_reconciled_lowers_the_amount_asked(self):
        self._overdue_invoice(1000, 20)
        payment = self.env["account.payment"].create({
            "payment_type": "inbound", "partner_type": "customer", "partner_id": self.customer.id,
            "amount": 400, "date": self.today})
        payment.action_post()
        self._plan()
        action = self._actions()
        self.assertEqual(action.state, "planned")
        self.assertEqual(action.decision_inputs["amount_asked"], 600)
        with self.mock_mail_gateway():
            self.Action._execute_due()
        body = self._new_mails.body_html
        currency = self.company.currency_id
        self.assertIn(f"Total due: <strong>{html_amount(self.env, 600, currency)}</strong>", body)
        self.assertIn("Already deducted, payments received and not yet matched with your invoices:", body)
        self.assertIn(html_amount(self.env, 400, currency), body)

    def test_bank_statement_line_not_matched(self):
        self._overdue_invoice(750, 20)
        bank_journal = self.company_data["default_journal_bank"]
        st_line = self.env["account.bank.statement.line"].create({
            "journal_id": bank_journal.id, "date": self.today, "payment_ref": "Transfer from Azure Interior",
            "partner_id": self.customer.id, "amount": 750})
        self.assertFalse(st_line.is_reconciled)
        self._plan()
        action = self._actions()
        self.assertEqual((action.state, action.blocked_by), ("skipped", "COVERED_BY_CREDIT"))
        receipt = self._exceptions("unmatched_receipt")
        self.assertEqual(len(receipt), 1)
        self.assertAlmostEqual(receipt.amount, 750)
        self.assertEqual(receipt.user_id, self.collector)


@tagged("post_install", "-at_install")
class TestHumanInTheLoop(ArCollectionsEngineCommon):
    """A collector edits a planned email in Odoo's mail composer before it leaves."""

    def _planned_email(self):
        invoice = self._overdue_invoice(1000, 10)
        self._plan()
        action = self._actions()
        self.assertEqual((action.channel, action.state), ("email", "planned"))
        return action, invoice

    def test_edit_and_send_in_the_composer(self):
        action, invoice = self._planned_email()
        opened = action.with_user(self.collector).action_edit_and_send()
        self.assertEqual(opened["res_model"], "mail.compose.message")
        composer = self.env["mail.compose.message"].with_user(self.collector).with_context(
            opened["context"]).browse(opened["res_id"])
        self.assertIn(invoice.name, composer.body)
        self.assertEqual(composer.partner_ids, self.customer)
        composer.body = composer.body.replace("Please settle", "As agreed on the phone, please settle")
        with self.mock_mail_gateway():
            composer.action_send_mail()
        self.assertEqual(action.state, "done", "the same action, done")
        self.assertEqual(len(self._actions()), 1, "no second action")
        mail = self._new_mails.filtered(lambda m: self.customer in m.recipient_ids)
        self.assertIn("As agreed on the phone", mail.body_html)
        self.assertEqual(action.sent_message_ids, mail.mail_message_id)
        sent = self._events(action, "sent")
        self.assertEqual(len(sent), 1)
        self.assertIn(self.collector.name, sent.description)
        self.assertEqual(invoice.collection_state, "reminded")
        with self.mock_mail_gateway():
            self.Action._execute_due()
        self.assertFalse(self._new_mails, "the engine does not send it again")

    def test_only_a_planned_email_opens_in_the_composer(self):
        action, _invoice = self._planned_email()
        action.state = "done"
        with self.assertRaises(UserError):
            action.action_edit_and_send()

    def test_invoicing_contacts_copied_when_the_strategy_says_so(self):
        billing = self.env["res.partner"].create({
            "name": "Accounts Payable", "type": "invoice", "parent_id": self.customer.id,
            "email": "ap@azure.example.com"})
        self.strategy.copy_invoice_contacts = True
        self._overdue_invoice(1000, 10)
        self._plan()
        with self.mock_mail_gateway():
            self.Action._execute_due()
        mail = self._new_mails
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.recipient_ids, self.customer | billing)
