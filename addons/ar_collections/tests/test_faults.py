"""Faults rehearsed: the mail server and the SMS endpoint failing, a template that cannot render.

The reminders go through Odoo's real queues (``mail.mail`` and ``sms.sms``),
only the wire is mocked: the SMTP session of ``mock_mail_gateway`` and the
IAP call of the SMS API. A worker killed while planning or sending is
rehearsed with committed data in ``tests/integration/test_faults.py``.
"""
import smtplib
from collections import Counter
from contextlib import contextmanager
from datetime import timedelta
from unittest.mock import patch

import requests
from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.sms.tests.common import SMSCase
from odoo.addons.sms.tools.sms_api import SmsApi

from .engine_common import ArCollectionsEngineCommon

ACTION_LOGGER = "odoo.addons.ar_collections.models.ar_collection_action"
MAIL_LOGGERS = ("odoo.addons.mail.models.mail_mail", "odoo.addons.base.models.ir_mail_server")


@tagged("post_install", "-at_install")
class TestFaults(ArCollectionsEngineCommon, SMSCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer_3 = cls._customer("Gemini Furniture", "BE", lang="en_US", mobile="+32 470 98 76 54")
        cls.customer_2.lang = "en_US"
        cls.customers = cls.customer | cls.customer_2 | cls.customer_3
        cls.reminder_template = cls.env.ref("ar_collections.mail_template_overdue_reminder")

    def setUp(self):
        super().setUp()
        self.delivered = []  # recipients of each email the SMTP server accepted, in order

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _send_reminders(self):
        """One overdue invoice per customer, planned and sent: ``(actions, mails)``, both in customer order."""
        for index, customer in enumerate(self.customers):
            self._overdue_invoice(1000 + index, 10, partner=customer)
        self._plan()
        actions = self.Action.browse([self._actions(customer).id for customer in self.customers])
        now = fields.Datetime.now()
        for index, action in enumerate(actions):  # sent, hence queued, in customer order
            action.scheduled_date = now - timedelta(minutes=len(actions) - index)
        self.assertEqual(self.Action._execute_due(), 3)
        self.assertEqual(actions.mapped("state"), ["done"] * 3)
        mails = self.env["mail.mail"].browse([self._mail(action).id for action in actions])
        self.assertEqual(mails.mapped("state"), ["outgoing"] * 3)
        self.assertEqual(mails.ids, sorted(mails.ids), "the queue sends them in this order")
        return actions, mails

    def _mail(self, action):
        mail = self.env["mail.mail"].sudo().search([("mail_message_id", "in", action.sent_message_ids.ids)])
        self.assertEqual(len(mail), 1)
        return mail

    @contextmanager
    def _smtp_server(self, fail=None):
        """Odoo's mail gateway with an SMTP server that raises ``fail(n, recipients)`` on the n-th email, if any."""
        with self.mock_mail_gateway(), mute_logger(*MAIL_LOGGERS):
            session = self.testing_smtp_session
            calls = []

            def send_message(message, smtp_from, smtp_to_list):
                calls.append(smtp_to_list)
                error = fail and fail(len(calls), smtp_to_list)
                if error:
                    raise error
                self.delivered.extend(smtp_to_list)

            with patch.object(session, "send_message", side_effect=send_message):
                yield

    def _run_mail_queue(self, mails):
        """One run of the mail queue's cron: send what is due, then commit (the deliveries are judged then)."""
        self.env["mail.mail"].process_email_queue(ids=mails.ids)
        self.env.cr.flush()

    def _customer_notification(self, action):
        return action.sent_message_ids.notification_ids.filtered(
            lambda notification: notification.res_partner_id.commercial_partner_id == action.partner_id)

    # ------------------------------------------------------------------
    # The SMTP server refuses or drops mid-batch
    # ------------------------------------------------------------------

    def test_smtp_drops_mid_batch(self):
        """The connection drops on the second email: the first went, the second is tried again later,
        the third was never tried and goes at the next run of the queue; each customer gets one email."""
        actions, mails = self._send_reminders()
        now = fields.Datetime.now()
        drop = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        with self._smtp_server(lambda n, _to: drop if n == 2 else None):
            self._run_mail_queue(mails)
        self.assertEqual(self.delivered, [self.customer.email_normalized])
        self.assertEqual(mails.mapped("state"), ["sent", "outgoing", "outgoing"])
        dropped = mails[1]
        self.assertGreaterEqual(dropped.scheduled_date, now + timedelta(hours=1), "tried again after a delay")
        self.assertTrue(dropped.failure_reason, "the mail shows it failed")
        self.assertFalse(mails[2].scheduled_date and mails[2].scheduled_date > now, "never tried: not delayed")
        self.assertEqual(actions.mapped("state"), ["done"] * 3, "the actions went; only the email waits")
        self.assertEqual(actions.mapped("attempt_count"), [1, 2, 1])
        self.assertIn("not delivered", actions[1].failure_reason)
        failed = self._events(actions[1], "failed")
        self.assertEqual((len(failed), failed.rule, failed.new_value), (1, "delivery", "2/3"))
        self.assertEqual(self.Action._count_due(), 0, "no action is sent again: its email is")

        # The next run of the queue sends what never went, and not the delayed email.
        with self._smtp_server():
            self._run_mail_queue(mails)
        self.assertEqual(self.delivered, [self.customer.email_normalized, self.customer_3.email_normalized])
        self.assertEqual(mails.mapped("state"), ["sent", "outgoing", "sent"])

        with freeze_time(now + timedelta(hours=1, minutes=1)), self._smtp_server():
            self._run_mail_queue(mails)
        self.assertEqual(Counter(self.delivered), Counter(self.customers.mapped("email_normalized")))
        self.assertEqual(mails.mapped("state"), ["sent"] * 3)
        self.assertEqual(self._customer_notification(actions[1]).notification_status, "sent")
        self.assertEqual(actions.mapped("state"), ["done"] * 3)

    def test_smtp_refuses_a_recipient_three_times(self):
        """The server refuses one address: the batch goes on, that email is tried three times with growing
        delays, then its action fails with the server's answer; the others are sent once."""
        actions, mails = self._send_reminders()
        refused = self.customer_2.email_normalized

        def refuse(_n, smtp_to_list):
            if refused in smtp_to_list:
                return smtplib.SMTPRecipientsRefused({refused: (550, b"5.1.1 Mailbox unavailable")})
            return None

        start = fields.Datetime.now()
        with self._smtp_server(refuse):
            self._run_mail_queue(mails)
        self.assertEqual(mails.mapped("state"), ["sent", "outgoing", "sent"], "the batch went on")
        self.assertIn("SMTPRecipientsRefused", mails[1].failure_reason)
        self.assertIn("5.1.1 Mailbox unavailable", mails[1].failure_reason)
        self.assertIn("5.1.1 Mailbox unavailable", actions[1].failure_reason, "the action shows why")
        self.assertEqual((actions[1].state, actions[1].attempt_count), ("done", 2))
        self.assertGreaterEqual(mails[1].scheduled_date, start + timedelta(hours=1))

        second_try = mails[1].scheduled_date
        with freeze_time(second_try + timedelta(minutes=1)), self._smtp_server(refuse):
            self._run_mail_queue(mails)
            self.assertEqual((actions[1].state, actions[1].attempt_count), ("done", 3))
            self.assertEqual(mails[1].state, "outgoing")
            self.assertGreaterEqual(mails[1].scheduled_date, fields.Datetime.now() + timedelta(hours=6),
                                    "a longer delay after the second failure")

        with freeze_time(mails[1].scheduled_date + timedelta(minutes=1)), self._smtp_server(refuse):
            self._run_mail_queue(mails)
        self.assertEqual((actions[1].state, actions[1].attempt_count), ("failed", 3))
        self.assertIn("5.1.1 Mailbox unavailable", actions[1].failure_reason)
        self.assertEqual(mails[1].state, "exception", "out of the queue")
        self.assertEqual(len(self._events(actions[1], "failed")), 3)

        with freeze_time(start + timedelta(days=2)), self._smtp_server(refuse):
            self._run_mail_queue(mails)
            self.assertEqual(self.Action._count_due(), 0)
        self.assertEqual(self.delivered, [self.customer.email_normalized, self.customer_3.email_normalized],
                         "each accepted email went once")
        # Once the address is fixed, a person retries the action: one new email, the refused one stays out.
        self.customer_2.email = "accounts@deco-addict.example.com"
        actions[1].action_retry()
        self.assertEqual(self.Action._execute_due(), 1)
        retried = self.env["mail.mail"].sudo().search(
            [("mail_message_id", "in", actions[1].sent_message_ids.ids), ("id", "!=", mails[1].id)])
        self.assertEqual(len(retried), 1)
        with self._smtp_server(refuse):
            self._run_mail_queue(mails | retried)
        self.assertEqual(self.delivered[2:], ["accounts@deco-addict.example.com"])
        self.assertEqual(mails[1].state, "exception")

    def test_smtp_refuses_one_recipient_of_an_email_the_others_got(self):
        """A reminder copied to the customer's invoicing contact: the server takes it for the customer and
        refuses the contact. Only the contact gets it again."""
        self.strategy.copy_invoice_contacts = True
        contact = self.env["res.partner"].create({
            "name": "Invoicing Desk", "parent_id": self.customer.id, "type": "invoice",
            "email": "invoicing.desk@example.com"})
        self._overdue_invoice(1000, 10)
        self._plan()
        action = self._actions()
        self.Action._execute_due()
        mail = self._mail(action)
        self.assertEqual(mail.recipient_ids, self.customer | contact, "one email, both recipients")
        refused = contact.email_normalized

        def refuse(_n, smtp_to_list):
            if refused in smtp_to_list:
                return smtplib.SMTPRecipientsRefused({refused: (450, b"4.2.1 Mailbox busy, try later")})
            return None

        with self._smtp_server(refuse):
            self._run_mail_queue(mail)
        self.assertEqual(self.delivered, [self.customer.email_normalized])
        self.assertEqual((mail.state, action.attempt_count), ("outgoing", 2))
        notifications = action.sent_message_ids.notification_ids
        self.assertEqual(notifications.filtered(lambda n: n.res_partner_id == self.customer).notification_status,
                         "sent")
        self.assertEqual(notifications.filtered(lambda n: n.res_partner_id == contact).notification_status,
                         "exception")
        with freeze_time(mail.scheduled_date + timedelta(minutes=1)), self._smtp_server():
            self._run_mail_queue(mail)
        self.assertEqual(self.delivered, [self.customer.email_normalized, refused], "the customer got it once")
        self.assertEqual(mail.state, "sent")
        self.assertEqual(set(notifications.mapped("notification_status")), {"sent"})
        self.assertEqual(action.state, "done")

    def test_smtp_refuses_connection(self):
        """The server cannot be reached: the whole batch waits for a later run, with the reason; nothing is lost."""
        actions, mails = self._send_reminders()
        now = fields.Datetime.now()
        with self._smtp_server(), patch.object(type(self.env["ir.mail_server"]), "connect",
                                               side_effect=ConnectionRefusedError(111, "Connection refused")):
            self._run_mail_queue(mails)
        self.assertFalse(self.delivered)
        self.assertEqual(mails.mapped("state"), ["outgoing"] * 3)
        for mail in mails:
            self.assertIn("Connection refused", mail.failure_reason)
            self.assertGreaterEqual(mail.scheduled_date, now + timedelta(hours=1))
        self.assertEqual(actions.mapped("attempt_count"), [2, 2, 2])
        for action in actions:
            self.assertIn("Connection failed", action.failure_reason)
        # Before the delay, the queue sends nothing; after it, everything once.
        with self._smtp_server():
            self._run_mail_queue(mails)
        self.assertFalse(self.delivered)
        with freeze_time(now + timedelta(hours=1, minutes=1)), self._smtp_server():
            self._run_mail_queue(mails)
        self.assertEqual(Counter(self.delivered), Counter(self.customers.mapped("email_normalized")))
        self.assertEqual(mails.mapped("state"), ["sent"] * 3)
        self.assertEqual(actions.mapped("state"), ["done"] * 3)

    # ------------------------------------------------------------------
    # The SMS endpoint times out
    # ------------------------------------------------------------------

    def test_sms_endpoint_times_out(self):
        """IAP does not answer: the texts end in error, their actions fail with the reason for a person to
        retry (a timed-out text may have gone: it is never resent blindly); a retry sends each text once."""
        self._replace_steps({"name": "SMS", "offset_days": 5, "channel": "sms",
                             "sms_template_id": self.env.ref("ar_collections.sms_template_overdue_reminder").id})
        customers = self.customer | self.customer_3
        for customer in customers:
            self._overdue_invoice(1000, 10, partner=customer)
        self._plan()
        actions = self.Action.browse([self._actions(customer).id for customer in customers])
        with self.mockSMSGateway():
            self.assertEqual(self.Action._execute_due(), 2)
            texts = self._new_sms
            self.assertEqual(texts.mapped("state"), ["outgoing"] * 2)
            with patch.object(SmsApi, "_send_sms_batch",
                              side_effect=requests.exceptions.ReadTimeout("Read timed out. (read timeout=15)")):
                self.env["sms.sms"]._process_queue(ids=texts.ids)
            self.env.cr.flush()
            self.assertFalse(self._sms, "nothing reached the endpoint")
        self.assertEqual(texts.mapped("state"), ["error"] * 2)
        self.assertEqual(texts.mapped("failure_type"), ["sms_server"] * 2)
        for action in actions:
            self.assertEqual((action.state, action.attempt_count), ("failed", 1))
            self.assertIn("SMS to", action.failure_reason)
            self.assertIn("not delivered: Server Error", action.failure_reason)
            self.assertEqual(self._events(action, "failed").rule, "delivery")
        self.assertEqual(self.Action._count_due(), 0, "not resent blindly")
        with self.mockSMSGateway():
            self.env["sms.sms"]._process_queue()
            self.assertFalse(self._sms, "a text in error stays out of the queue")
            actions.action_retry()
            self.assertEqual(self.Action._execute_due(), 2)
            self.env["sms.sms"]._process_queue()
            self.env.cr.flush()
            self.assertEqual(Counter(sms["number"] for sms in self._sms), Counter(["+32470123456", "+32470987654"]))
        self.assertEqual(actions.mapped("state"), ["done"] * 2)
        self.assertEqual(texts.mapped("state"), ["error"] * 2)

    # ------------------------------------------------------------------
    # A template that cannot render for one customer
    # ------------------------------------------------------------------

    def test_template_fails_for_one_customer(self):
        """The template uses the salesperson's first name and one customer has none: that action fails with
        the error, is tried again like any failure, and the others go."""
        self.reminder_template.subject = "{{ object.name }}: {{ object.user_id.name.split()[0] }} writes to you"
        (self.customer | self.customer_3).user_id = self.collector
        for index, customer in enumerate(self.customers):
            self._overdue_invoice(1000 + index, 10, partner=customer)
        self._plan()
        actions = self.Action.browse([self._actions(customer).id for customer in self.customers])
        with mute_logger(ACTION_LOGGER, "odoo.addons.mail.models.mail_render_mixin"):
            self.assertEqual(self.Action._execute_due(), 3)
        broken = actions[1]
        self.assertEqual((broken.state, broken.attempt_count), ("planned", 1))
        self.assertIn("Failed to render inline_template template", broken.failure_reason)
        self.assertIn("object.user_id.name.split()[0]", broken.failure_reason)
        self.assertIn("'bool' object has no attribute 'split'", broken.failure_reason, "the cause is recorded")
        self.assertFalse(broken.sent_message_ids)
        self.assertFalse(broken.move_ids.collection_last_action_date, "nothing of the failed send is kept")
        self.assertEqual((actions - broken).mapped("state"), ["done"] * 2)
        mails = self.env["mail.mail"].sudo().search([("mail_message_id", "in", actions.sent_message_ids.ids)])
        with self._smtp_server():
            self._run_mail_queue(mails)
        self.assertEqual(Counter(self.delivered),
                         Counter([self.customer.email_normalized, self.customer_3.email_normalized]))
        # Tried again at its time, it fails again until a person fixes the data, then goes once.
        for attempt in (2, 3):
            self._make_due(broken)
            with mute_logger(ACTION_LOGGER, "odoo.addons.mail.models.mail_render_mixin"):
                self.Action._execute_due()
            self.assertEqual(broken.attempt_count, attempt)
        self.assertEqual(broken.state, "failed")
        self.customer_2.user_id = self.collector
        broken.action_retry()
        self.assertEqual(self.Action._execute_due(), 1)
        self.assertEqual(broken.state, "done")
        mails = self.env["mail.mail"].sudo().search([("mail_message_id", "in", actions.sent_message_ids.ids)])
        with self._smtp_server():
            self._run_mail_queue(mails)
        self.assertEqual(Counter(self.delivered), Counter(self.customers.mapped("email_normalized")))
