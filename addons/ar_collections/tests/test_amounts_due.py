from odoo import Command
from odoo.tests import tagged
from odoo.tools import format_amount

from odoo.addons.sms.tests.common import SMSCase

from .engine_common import ArCollectionsEngineCommon, html_amount


@tagged("post_install", "-at_install")
class TestMessagesShowWhatIsLeftToPay(ArCollectionsEngineCommon, SMSCase):
    """Every amount a customer reads is what is still due, never the invoice's total."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.currency = cls.company.currency_id

    def _partly_paid(self, days_overdue, partner=None):
        invoice = self._overdue_invoice(1000, days_overdue, partner=partner)
        self._pay(invoice, self.today, amount=250)
        self.assertEqual(invoice.amount_residual, 750)
        return invoice

    def _partly_credited(self, days_overdue, partner=None):
        invoice = self._overdue_invoice(1000, days_overdue, partner=partner)
        credit = invoice._reverse_moves([{"date": self.today, "invoice_date": self.today}], cancel=False)
        credit.invoice_line_ids.price_unit = 400
        credit.action_post()
        (invoice.line_ids | credit.line_ids).filtered(
            lambda line: line.account_type == "asset_receivable" and not line.reconciled).reconcile()
        self.assertEqual(invoice.amount_residual, 600)
        return invoice

    def _send(self, step_values, partner=None):
        self._replace_steps(step_values)
        self._plan()
        action = self._actions(partner).filtered(lambda action: action.state == "planned")
        self.assertTrue(action, "an action is planned")
        with self.mock_mail_gateway(), self.mockSMSGateway():
            self.Action._execute_due()
        self.assertEqual(action.state, "done", action.failure_reason)
        return action

    def _assert_left_to_pay(self, text, left):
        self.assertIn(html_amount(self.env, left, self.currency), text)
        self.assertNotIn(html_amount(self.env, 1000, self.currency), text, "never the invoice's total")

    def test_courtesy_email_and_its_header(self):
        for make, left in ((self._partly_paid, 750), (self._partly_credited, 600)):
            with self.subTest(left=left):
                customer = self._customer(f"Courtesy {left}", "BE", lang="en_US")
                invoice = make(-2, partner=customer)  # due in two days
                self._send({"name": "Courtesy", "offset_days": -3, "channel": "email",
                            "mail_template_id": self.env.ref("ar_collections.mail_template_courtesy_reminder").id},
                           partner=customer)
                mail = self._new_mails.filtered(lambda m: m.model == "account.move" and m.res_id == invoice.id)
                self._assert_left_to_pay(mail.body_html, left)
                self.assertIn(f"{format_amount(self.env, left, self.currency)} due", mail.body_html,
                              "the email's header says what is left to pay")

    def test_reminders_to_the_customer(self):
        templates = ("mail_template_overdue_reminder", "mail_template_final_notice")
        for make, left in ((self._partly_paid, 750), (self._partly_credited, 600)):
            for template in templates:
                with self.subTest(left=left, template=template):
                    customer = self._customer(f"{template} {left}", "BE", lang="en_US")
                    invoice = make(10, partner=customer)
                    self._send({"name": template, "offset_days": 5, "channel": "email",
                                "mail_template_id": self.env.ref(f"ar_collections.{template}").id}, partner=customer)
                    mail = self._new_mails.filtered(lambda m: customer in m.recipient_ids)
                    self.assertIn(invoice.name, mail.body_html)
                    self._assert_left_to_pay(mail.body_html, left)

    def test_sms_and_portal_notice(self):
        invoice = self._partly_credited(10)
        self._send({"name": "SMS", "offset_days": 5, "channel": "sms",
                    "sms_template_id": self.env.ref("ar_collections.sms_template_overdue_reminder").id})
        sms = self._new_sms
        self.assertEqual(len(sms), 1)
        self.assertIn(html_amount(self.env, 600, self.currency).replace("&nbsp;", "\xa0"), sms.body)
        self.assertNotIn("1,000", sms.body)
        self._send({"name": "Portal", "offset_days": 5, "channel": "portal",
                    "mail_template_id": self.env.ref("ar_collections.mail_template_portal_notice").id})
        notice = invoice.message_ids.filtered(lambda message: "remains to be paid" in (message.body or ""))
        self.assertEqual(len(notice), 1)
        self._assert_left_to_pay(notice.body, 600)

    def test_letter(self):
        invoice = self._partly_paid(10)
        action = self._send({"name": "Letter", "offset_days": 5, "channel": "letter",
                             "letter_report_id": self.env.ref("ar_collections.action_report_collection_letter").id})
        content = action.letter_attachment_id.raw.decode()
        self.assertIn(invoice.name, content)
        self.assertIn("Overdue total: <span", content)
        overdue_total = content.split("Overdue total:")[1][:300]
        self.assertIn("750.00", overdue_total)

    def test_statement_from_the_engine(self):
        self._partly_credited(10)
        self.strategy.step_ids = [Command.clear()]
        action = self._send({"name": "Reminder", "offset_days": 5, "channel": "email", "attach_statement": True,
                             "mail_template_id": self.env.ref("ar_collections.mail_template_overdue_reminder").id})
        statement = action.sent_message_ids.attachment_ids
        self.assertEqual(len(statement), 1)
        self.assertIn(b"Statement of Account", statement.raw)
        self.assertIn(b"600.00", statement.raw, "the closing balance is what is left to pay")
