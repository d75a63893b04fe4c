import re
from datetime import datetime
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import format_amount, mute_logger

from odoo.addons.sms.tests.common import SMSCase

from .engine_common import ArCollectionsEngineCommon, html_amount

ACTION_LOGGER = "odoo.addons.ar_collections.models.ar_collection_action"


@tagged("post_install", "-at_install")
class TestEngineEmail(ArCollectionsEngineCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.courtesy_template = cls.env.ref("ar_collections.mail_template_courtesy_reminder")
        cls.courtesy_template.with_context(lang="fr_FR").subject = "Rappel : facture {{ object.name }}"

    def test_consolidated_email_content(self):
        eur = self.setup_other_currency("EUR", rates=[("1900-01-01", 2.0)])
        contact = self.env["res.partner"].create({
            "name": "Ann Payable", "parent_id": self.customer.id, "email": "ann.payable@example.com"})
        self.customer.collection_contact_id = contact
        first = self._overdue_invoice(1000, 10)
        second = self._overdue_invoice(500, 12)
        in_eur = self._overdue_invoice(300, 10, currency=eur)
        self._invoice(self.customer, 200, self._day(-5), move_type="out_refund")
        self._plan()
        action = self._actions()
        self.assertEqual(action.move_ids, first | second | in_eur)
        with self.mock_mail_gateway():
            self.assertEqual(self.Action._execute_due(), 1)
        self.assertEqual(action.state, "done")
        self.assertTrue(action.done_date)
        currency = self.company.currency_id
        mail = self.assertMailMail(contact, "outgoing", author=self.company.partner_id, fields_values={
            "subject": f"{self.company.name}: overdue invoices of {self.customer.name}",
            "email_from": self.company.email_formatted,
        })
        self.assertNotIn(self.customer, mail.recipient_ids, "only the collections contact is emailed")
        for invoice in first | second | in_eur:
            self.assertTrue(invoice.access_token)
            self.assertIn(invoice.name, mail.body_html)
            self.assertIn(f"/my/invoices/{invoice.id}?access_token={invoice.access_token}", mail.body_html)
        # Totals per currency, the credit note netted in its own currency.
        self.assertIn(html_amount(self.env, 1300, currency), mail.body_html)
        self.assertIn(html_amount(self.env, 300, eur), mail.body_html)
        # Posted in the customer's chatter, so that replies come back to it.
        message = mail.mail_message_id
        self.assertEqual((message.model, message.res_id), ("res.partner", self.customer.id))
        self.assertEqual(message.subtype_id, self.env.ref("mail.mt_comment"))
        for invoice in first | second | in_eur:
            self.assertEqual(invoice.collection_state, "reminded")
            self.assertEqual(invoice.collection_last_action_date, fields.Date.context_today(invoice))
        self.assertEqual(len(self._events(action, "sent")), 1)

    def test_single_invoice_email_in_customer_language_with_pdf(self):
        customer = self._customer("Client Parisien", "FR", lang="fr_FR")
        self.step_courtesy.attach_invoices = True
        invoice = self._invoice(customer, 400, self._day(-27))  # due in 3 days: courtesy step
        self._plan()
        action = self._actions(customer)
        self.assertEqual(action.template_step_id, self.step_courtesy)
        with self.mock_mail_gateway():
            self.Action._execute_due()
        self.assertEqual(action.state, "done")
        mail = self.assertMailMail(customer, "outgoing", fields_values={"subject": f"Rappel : facture {invoice.name}"})
        self.assertEqual((mail.model, mail.res_id), ("account.move", invoice.id))
        self.assertIn(f"access_token={invoice.access_token}", mail.body_html)
        self.assertEqual(len(mail.attachment_ids), 1)
        self.assertIn(invoice.name.replace("/", "_"), mail.attachment_ids.name)

    def test_language_falls_back_on_compliance_profile(self):
        self.env["ar.collection.compliance.profile"].create({
            "name": "Belgium", "country_id": self.env.ref("base.be").id, "lang": "fr_FR",
            "company_id": self.company.id})
        customer = self._customer("Sans Langue", "BE", lang=False)
        invoice = self._invoice(customer, 400, self._day(-27))
        self._plan()
        with self.mock_mail_gateway():
            self.Action._execute_due()
        self.assertMailMail(customer, "outgoing", fields_values={"subject": f"Rappel : facture {invoice.name}"})

    def test_statement_attached(self):
        self.step_reminder.attach_statement = True
        self._overdue_invoice(1000, 10)
        self._plan()
        with self.mock_mail_gateway():
            self.Action._execute_due()
        mail = self.assertMailMail(self.customer, "outgoing")
        self.assertEqual(mail.attachment_ids.mapped("name"), [f"Statement - {self.customer.name}.html"])

    def test_failure_is_retried_three_times_then_stays_failed(self):
        self._overdue_invoice(1000, 10)
        self._plan()
        action = self._actions()
        self.customer.email = False
        with self.mock_mail_gateway():
            self.Action._execute_due()
            self.assertEqual((action.state, action.attempt_count), ("planned", 1))
            self.assertIn("no valid email address", action.failure_reason)
            self.assertGreater(action.scheduled_date, fields.Datetime.now())
            self.assertEqual(len(self._events(action, "failed")), 1)
            self.assertTrue(self._engine_triggers().filtered(lambda t: t.call_at == action.scheduled_date))
            self.assertEqual(self.Action._count_due(), 0, "the retry waits for its time")
            for attempt in (2, 3):
                self._make_due(action)
                self.assertEqual(self.Action._count_due(), 1)
                self.Action._execute_due()
                self.assertEqual(action.attempt_count, attempt)
            self.assertEqual(action.state, "failed")
            self.assertEqual(len(self._events(action, "failed")), 3)
            self.assertFalse(self._new_mails)
            self.assertEqual(self.Action._count_due(), 0)
            # Once the address is fixed, a retry goes through.
            self.customer.email = "azure.interior@example.com"
            action.action_retry()
            self.Action._execute_due()
        self.assertEqual(action.state, "done")
        self.assertMailMail(self.customer, "outgoing")

    def test_retry_waits_for_the_end_of_quiet_hours(self):
        self.strategy.write({"quiet_hour_start": 20.0, "quiet_hour_end": 8.0})
        self.customer.tz = "Europe/Brussels"
        self._overdue_invoice(1000, 10)
        self._plan()
        action = self._actions()
        self.customer.email = False
        # 19:30 in Brussels (UTC+1): the retry an hour later would fall in the quiet hours.
        with freeze_time("2026-03-11 18:30:00"), self.mock_mail_gateway():
            action.scheduled_date = fields.Datetime.now()
            self.Action._execute_due()
        self.assertEqual((action.state, action.attempt_count), ("planned", 1))
        self.assertEqual(action.scheduled_date, datetime(2026, 3, 12, 7, 0), "08:00 the next day, Brussels time")
        with freeze_time("2026-03-11 09:00:00"):
            self.customer.email = "azure.interior@example.com"
            action.write({"state": "failed"})
            action.action_retry()
        self.assertEqual(action.scheduled_date, datetime(2026, 3, 11, 9, 0), "outside quiet hours: at once")

    def _send_reminder(self):
        self._overdue_invoice(1000, 10)
        self._plan()
        action = self._actions()
        with self.mock_mail_gateway():
            self.Action._execute_due()
        self.assertEqual(action.state, "done")
        self.assertEqual(len(action.sent_message_ids), 1)
        return action

    def _customer_notification(self, action):
        return action.sent_message_ids.notification_ids.filtered(lambda n: n.res_partner_id == self.customer)

    def test_bounce_fails_the_action_and_stops_emails(self):
        action = self._send_reminder()
        message = action.sent_message_ids
        # What Odoo's mail gateway does with a bounce of this message.
        self.env["mail.thread"]._routing_handle_bounce(None, {
            "bounced_email": self.customer.email_normalized, "bounced_partner": self.customer,
            "bounced_msg_ids": [message.message_id], "bounced_message": message,
            "email_from": "MAILER-DAEMON@mail.example.com", "to": "bounce@company.example.com",
            "message_id": "<bounce-1@mail.example.com>",
        })
        self.env.cr.flush()  # the delivery is judged when the transaction commits
        self.assertEqual(self._customer_notification(action).notification_status, "bounce")
        self.assertEqual(action.state, "failed")
        self.assertIn("not delivered", action.failure_reason)
        failed = self._events(action, "failed")
        self.assertEqual((len(failed), failed.rule), (1, "delivery"))
        self.assertEqual(self.Action._count_due(), 0, "a bounce is not retried blindly")
        # The next steps reach the customer another way, or not at all: the address bounced.
        self.strategy.step_ids = [Command.create({
            "name": "Letter", "offset_days": 20, "channel": "letter",
            "letter_report_id": self.env.ref("ar_collections.action_report_collection_letter").id,
        }), Command.create({
            "name": "Final", "offset_days": 30, "channel": "email",
            "mail_template_id": self.env.ref("ar_collections.mail_template_final_notice").id,
        })]
        self._plan(today=self._day(10))
        letter = self._actions() - action
        self.assertEqual((letter.channel, letter.state), ("letter", "planned"))
        self._make_due(letter)
        self.Action._execute_due()  # the next step comes once the letter went out
        self.assertEqual(letter.state, "done")
        self.customer.collection_no_letter = True
        self._plan(today=self._day(20))
        final = self._actions() - action - letter
        self.assertEqual((final.state, final.blocked_by), ("skipped", "EMAIL_BOUNCED"))
        self.customer.email = "accounts.azure@example.com"
        self.assertEqual(self.customer.message_bounce, 0, "a new address may be emailed again")

    def test_smtp_failure_sends_the_email_again_later_then_fails(self):
        action = self._send_reminder()
        mail = self.env["mail.mail"].sudo().search([("mail_message_id", "in", action.sent_message_ids.ids)])
        self.assertEqual(len(mail), 1)
        for attempt in (2, 3):
            mail.state = "exception"  # as the mail queue leaves an email the server did not take
            mail._postprocess_sent_message(success_pids=self.env["res.partner"],
                                           failure_reason="421 service not available", failure_type="mail_smtp")
            self.env.cr.flush()
            self.assertEqual((action.state, action.attempt_count), ("done", attempt))
            self.assertEqual(mail.state, "outgoing", "back in the mail queue")
            self.assertGreater(mail.scheduled_date, fields.Datetime.now())
        mail._postprocess_sent_message(success_pids=self.env["res.partner"],
                                       failure_reason="421 service not available", failure_type="mail_smtp")
        self.env.cr.flush()
        self.assertEqual(action.state, "failed")
        self.assertIn("421 service not available", action.failure_reason)
        self.assertEqual(len(self._events(action, "failed")), 3)
        action.action_retry()
        self.assertEqual(action.state, "planned")

    def test_sent_email_keeps_the_action_done(self):
        action = self._send_reminder()
        mail = self.env["mail.mail"].sudo().search([("mail_message_id", "in", action.sent_message_ids.ids)])
        with self.mock_mail_gateway(mail_unlink_sent=False):
            # While sending, the mail queue marks the notification failed until the server accepts the email.
            mail.send()
        self.env.cr.flush()
        self.assertEqual(self._customer_notification(action).notification_status, "sent")
        self.assertEqual(action.state, "done")

    def test_consolidated_reminder_leaves_out_disputed_invoices(self):
        invoice = self._overdue_invoice(1000, 10)
        disputed = self._overdue_invoice(400, 12)
        self.env["ar.dispute"].create({
            "partner_id": self.customer.id, "reason_id": self.env["ar.dispute.reason"].search([], limit=1).id,
            "invoice_ids": disputed.ids, "disputed_amount": 400})
        self.assertEqual(self.customer._collection_overdue_invoices(), invoice)
        self.assertEqual(self.customer._collection_overdue_totals(), [(invoice.currency_id, 1000.0)])
        self._plan()
        with self.mock_mail_gateway():
            self.Action._execute_due()
        mail = self.assertMailMail(self.customer, "outgoing")
        self.assertIn(invoice.name, mail.body_html)
        self.assertNotIn(disputed.name, mail.body_html)

    def test_unexpected_error_fails_one_action_not_the_batch(self):
        self._overdue_invoice(1000, 10)
        self._overdue_invoice(700, 10, partner=self.customer_2)
        self._plan()
        broken, sound = self._actions(), self._actions(self.customer_2)
        send_email = type(self.Action)._send_email

        def _send_email(action, step, moves):
            if action == broken:
                raise ValueError("template exploded")
            return send_email(action, step, moves)

        with self.mock_mail_gateway(), mute_logger(ACTION_LOGGER), \
                patch.object(type(self.Action), "_send_email", _send_email):
            self.assertEqual(self.Action._execute_due(), 2)
        self.assertEqual(broken.failure_reason, "ValueError: template exploded")
        self.assertEqual((broken.state, broken.attempt_count), ("planned", 1))
        self.assertFalse(broken.move_ids.collection_last_action_date, "a failed send is rolled back")
        self.assertEqual(sound.state, "done")
        self.assertMailMail(self.customer_2, "outgoing")

    def test_running_twice_sends_once(self):
        self._overdue_invoice(1000, 10)
        with self.mock_mail_gateway():
            self._plan()
            self.assertEqual(self.Action._execute_due(), 1)
            self._plan()
            self.assertEqual(self.Action._execute_due(), 0)
            self.assertEqual(len(self._new_mails), 1)
        self.assertEqual(len(self._actions()), 1)

    def test_manager_sends_now(self):
        self._overdue_invoice(1000, 10)
        self._plan()
        action = self._actions()
        action.scheduled_date = fields.Datetime.add(fields.Datetime.now(), days=2)
        self.assertEqual(self.Action._execute_due(), 0)
        with self.assertRaises(UserError):
            action.with_user(self.collector).action_send_now()
        self.env.invalidate_all()  # nothing read as the superuser beforehand
        with self.mock_mail_gateway():
            action.with_user(self.manager).action_send_now()
        self.assertEqual(action.state, "done")
        self.assertMailMail(self.customer, "outgoing")
        mail_queue = self.env.ref("mail.ir_cron_mail_scheduler_action")
        self.assertTrue(self.env["ir.cron.trigger"].search([("cron_id", "=", mail_queue.id)]))

    def test_crash_mid_run_loses_nothing_and_sends_once(self):
        self._overdue_invoice(1000, 10)
        self._plan()
        action = self._actions()
        with self.mock_mail_gateway():
            with self.assertRaises(ZeroDivisionError), self.env.cr.savepoint():
                self.Action._execute_due()
                raise ZeroDivisionError  # the worker dies before its transaction commits
            self.env.invalidate_all()
            self.assertEqual(action.state, "planned")
            self.assertEqual(self.Action._execute_due(), 1)
        self.assertEqual(action.state, "done")
        mails = self.env["mail.mail"].search([("model", "=", "res.partner"), ("res_id", "=", self.customer.id)])
        self.assertEqual(len(mails), 1)

    def test_batch_limit_and_order(self):
        self._overdue_invoice(1000, 10)
        self._overdue_invoice(700, 10, partner=self.customer_2)
        self._plan()
        first, second = self._actions(), self._actions(self.customer_2)
        second.scheduled_date = fields.Datetime.subtract(first.scheduled_date, hours=1)
        self.assertEqual(self.Action._count_due(), 2)
        with self.mock_mail_gateway():
            self.assertEqual(self.Action._execute_due(limit=1), 1)
        self.assertEqual((second.state, first.state), ("done", "planned"), "oldest first")
        self.assertEqual(self.Action._count_due(), 1)

    def test_settled_or_disputed_invoices_are_not_reminded(self):
        disputed = self._overdue_invoice(1000, 10)
        self._plan()
        action = self._actions()
        self.env["ar.dispute"].create({
            "partner_id": self.customer.id, "invoice_ids": disputed.ids, "reason_id": self.reason.id,
            "disputed_amount": 100})
        with self.mock_mail_gateway():
            self.Action._execute_due()
            self.assertFalse(self._new_mails)
        self.assertEqual(action.state, "cancelled")
        self.assertIn(f"{disputed.name} (Disputed)", action.cancel_reason)

    def test_consolidated_action_skips_paid_invoice(self):
        paid = self._overdue_invoice(1000, 10)
        still_open = self._overdue_invoice(500, 10)
        self._plan()
        action = self._actions()
        self._pay(paid, self.today)
        self.assertEqual(action.state, "planned", "one invoice is still open")
        with self.mock_mail_gateway():
            self.Action._execute_due()
        self.assertEqual(action.state, "done")
        self.assertFalse(paid.collection_last_action_date)
        self.assertEqual(still_open.collection_state, "reminded")

    def test_paused_company_strategy_or_customer_sends_nothing(self):
        self._overdue_invoice(1000, 10)
        self._plan()
        action = self._actions()
        partner = self.customer.with_company(self.company)
        for pause, resume in (
            (lambda: self.company.write({"collection_engine_paused": True}),
             lambda: self.company.write({"collection_engine_paused": False})),
            (lambda: self.strategy.write({"paused": True}), lambda: self.strategy.write({"paused": False})),
            (lambda: partner.write({"collection_paused": True}), lambda: partner.write({"collection_paused": False})),
        ):
            pause()
            self.assertEqual(self.Action._count_due(), 0)
            self.assertEqual(self.Action._execute_due(), 0)
            resume()
        self.assertEqual(action.state, "planned")
        with self.mock_mail_gateway():
            self.assertEqual(self.Action._execute_due(), 1)
        self.assertEqual(action.state, "done")

    def test_other_company_customers_untouched(self):
        other = self.setup_other_company()["company"]
        other.collection_strategy_id = self.strategy.copy({"company_id": other.id})
        foreign = self.env["account.move"].with_company(other).create({
            "move_type": "out_invoice", "partner_id": self.customer_2.id, "invoice_date": self._day(-40),
            "invoice_date_due": self._day(-10),
            "invoice_line_ids": [fields.Command.create({"name": "Consulting", "quantity": 1, "price_unit": 100,
                                                        "tax_ids": [fields.Command.clear()]})],
        })
        foreign.action_post()
        self._overdue_invoice(1000, 10)
        with self.mock_mail_gateway():
            self._plan()
            self.Action._execute_due()
            self.assertEqual(len(self._new_mails), 1)
        self.assertFalse(self._actions(self.customer_2))
        self.assertEqual(foreign.collection_state, "normal")
        self.assertFalse(foreign.collection_last_action_date)
        self.assertFalse(foreign.access_token)
        # The other company's own run speaks in its name.
        with self.mock_mail_gateway():
            self._plan(company=other)
            self.assertEqual(self.Action._execute_due(), 1)
        self.assertMailMail(self.customer_2, "outgoing", fields_values={
            "subject": f"{other.name}: overdue invoices of {self.customer_2.name}"})
        self.assertEqual(foreign.collection_state, "reminded")


@tagged("post_install", "-at_install")
class TestEngineOtherChannels(ArCollectionsEngineCommon):

    def test_call_task_for_the_collector(self):
        self._replace_steps({"name": "Call", "offset_days": 5, "channel": "call",
                             "call_script": "<p>Ask when the payment will be made.</p>"})
        invoice = self._overdue_invoice(1234, 10)
        self._plan()
        action = self._actions()
        self.assertEqual(action.user_id, self.collector)
        self.Action._execute_due()
        self.assertEqual(action.state, "done")
        activity = invoice.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.activity_type_id, self.env.ref("ar_collections.mail_activity_type_collection_call"))
        self.assertEqual(activity.user_id, self.collector)
        self.assertEqual(activity.date_deadline, fields.Date.context_today(activity))
        self.assertIn("Ask when the payment will be made.", activity.note)
        self.assertIn(html_amount(self.env, 1234, self.company.currency_id), activity.note)
        self.assertIn(invoice.name, activity.note)

    def test_letter_shows_amounts_in_the_invoice_currency(self):
        eur = self.setup_other_currency("EUR", rates=[("1900-01-01", 2.0)])
        self._overdue_invoice(400, 10, currency=eur)
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "ar_collections.action_report_collection_letter", self.customer.ids)
        text = re.sub(r"<[^>]+>", "", html.decode()).replace("&nbsp;", " ").replace("\xa0", " ")
        self.assertEqual(text.count("400.00 €"), 3, "total, open amount and overdue total, all in euros")
        self.assertNotIn("200.00", text, "not converted to the company currency")

    def test_letter_queued_for_printing_with_mandatory_wording(self):
        self.env["ar.collection.compliance.profile"].create({
            "name": "Belgium", "country_id": self.env.ref("base.be").id, "company_id": self.company.id,
            "mandatory_wording": "<p>Mention légale obligatoire</p>"})
        self._replace_steps({"name": "Letter", "offset_days": 5, "channel": "letter",
                             "letter_report_id": self.env.ref("ar_collections.action_report_collection_letter").id})
        invoice = self._overdue_invoice(1000, 10)
        self._plan()
        action = self._actions()
        self.Action._execute_due()
        self.assertEqual(action.state, "done")
        letter = action.letter_attachment_id
        self.assertEqual((letter.res_model, letter.res_id), ("res.partner", self.customer.id))
        content = letter.raw.decode()
        self.assertIn("Mention légale obligatoire", content)
        self.assertIn(invoice.name, content)
        queue = self.Action.search([("letter_attachment_id", "!=", False), ("printed", "=", False)])
        self.assertEqual(queue, action)
        self.assertEqual(action.action_print_letters()["url"], f"/web/content/{letter.id}?download=true")
        action.action_mark_printed()
        self.assertTrue(action.printed)
        self.assertTrue(action.printed_date)

    def test_portal_notice_visible_but_not_emailed(self):
        self._replace_steps({"name": "Portal", "offset_days": 5, "channel": "portal",
                             "mail_template_id": self.env.ref("ar_collections.mail_template_portal_notice").id})
        invoice = self._overdue_invoice(1000, 10)
        self.assertIn(self.customer, invoice.message_partner_ids, "the customer follows its invoice")
        self._plan()
        with self.mock_mail_gateway():
            self.Action._execute_due()
            self.assertFalse(self._new_mails)
        self.assertEqual(self._actions().state, "done")
        notice = invoice.message_ids.filtered(lambda message: invoice.name in (message.subject or ""))
        self.assertEqual(len(notice), 1)
        self.assertEqual((notice.message_type, notice.subtype_id), ("comment", self.env.ref("mail.mt_comment")))
        self.assertFalse(notice.is_internal)
        self.assertFalse(notice.notification_ids)
        self.assertIn(notice, invoice.website_message_ids)
        self.assertEqual(notice.filtered_domain(self.env["mail.message"]._get_search_domain_share()), notice)
        self.assertIn(html_amount(self.env, 1000, self.company.currency_id), notice.body)
        self.assertTrue(invoice.access_token)

    def test_approval_then_escalation_to_manager(self):
        steps = self._replace_steps({
            "name": "Manager", "offset_days": 5, "channel": "email", "needs_approval": True,
            "escalate_to": "manager",
            "mail_template_id": self.env.ref("ar_collections.mail_template_final_notice").id})
        invoice = self._overdue_invoice(1000, 10)
        self._plan()
        action = self._actions()
        self.assertEqual((action.state, action.step_id), ("to_approve", steps))
        self.assertEqual(self.Action._execute_due(), 0, "nothing is sent before the approval")
        action.with_user(self.manager).action_approve(comment="Customer ignored three reminders")
        self.assertEqual(action.state, "planned")
        with self.mock_mail_gateway():
            self.assertEqual(self.Action._execute_due(), 1)
        self.assertEqual(action.state, "done")
        self.assertEqual(invoice.collection_hold_state, "escalated")
        self.assertEqual(invoice.collection_state, "escalated")
        activity = self.customer.activity_ids.filtered(lambda a: a.user_id == self.manager)
        self.assertEqual(len(activity), 1)
        self.assertIn(invoice.name, activity.note)
        escalation = self._events(action, "escalation")
        self.assertEqual(escalation.new_value, "Collections Manager")
        self.assertEqual(escalation.payload["user_id"], self.manager.id)

    def test_legal_handoff_needs_approval_and_builds_package(self):
        legal = self._replace_steps({
            "name": "Legal", "offset_days": 5, "channel": "letter", "escalate_to": "legal",
            "letter_report_id": self.env.ref("ar_collections.action_report_collection_letter").id})
        self.assertTrue(legal.needs_approval, "a legal handoff always waits for an approval")
        with self.assertRaises(ValidationError):
            legal.needs_approval = False
        self.company.collection_legal_user_id = self.ar_admin
        invoice = self._overdue_invoice(1000, 10)
        self._plan()
        action = self._actions()
        self.assertEqual(action.state, "to_approve")
        # Even planned by hand, it does not run unapproved.
        action.state = "planned"
        self.Action._execute_due()
        self.assertEqual(action.state, "to_approve")
        action.with_user(self.manager).action_approve(comment="Hand over to legal")
        self.Action._execute_due()
        self.assertEqual(action.state, "done")
        self.assertEqual(invoice.collection_hold_state, "legal")
        self.assertEqual(invoice.collection_state, "legal")
        package = self.env["ir.attachment"].browse(self._events(action, "escalation").payload["attachment_ids"])
        self.assertEqual(len(package), 2)
        self.assertEqual(set(package.mapped("res_id")), {self.customer.id})
        history = package.filtered(lambda attachment: attachment.mimetype == "text/csv").raw.decode("utf-8-sig")
        self.assertIn("Action approved", history)
        self.assertIn("Hand over to legal", history)
        statement = package.filtered(lambda attachment: attachment.mimetype != "text/csv")
        self.assertIn(invoice.name, statement.raw.decode())
        activity = self.customer.activity_ids.filtered(lambda a: a.user_id == self.ar_admin)
        self.assertEqual(len(activity), 1)
        self.assertIn("Legal", activity.summary)

    def test_preview_lists_decisions_and_records_nothing(self):
        self._overdue_invoice(1000, 10)
        self._overdue_invoice(500, 10, partner=self.customer_2)
        self.customer_2.with_company(self.company).collection_paused = True
        preview = self.env["ar.collection.engine.preview"].with_user(self.manager).create({"date": self.today})
        preview.action_refresh()
        lines = {line.partner_id: line for line in preview.line_ids}
        self.assertEqual((lines[self.customer].state, lines[self.customer].channel), ("planned", "email"))
        self.assertEqual(lines[self.customer].step_id, self.step_reminder)
        self.assertIn("STEP_D+5", lines[self.customer].reason_codes)
        self.assertEqual((lines[self.customer_2].state, lines[self.customer_2].blocked_by),
                         ("skipped", "CUSTOMER_PAUSED"))
        self.assertEqual((preview.planned_count, preview.blocked_count), (1, 1))
        self.assertFalse(self.Action.search([]))


@tagged("post_install", "-at_install")
class TestEngineSms(ArCollectionsEngineCommon, SMSCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.step_sms = cls._replace_steps_cls({
            "name": "SMS", "offset_days": 5, "channel": "sms",
            "sms_template_id": cls.env.ref("ar_collections.sms_template_overdue_reminder").id})

    @classmethod
    def _replace_steps_cls(cls, values):
        cls.strategy.step_ids = [fields.Command.clear(), fields.Command.create(values)]
        return cls.strategy.step_ids

    def test_sms_to_normalized_mobile(self):
        self._overdue_invoice(1000, 10)
        self._plan()
        with self.mockSMSGateway():
            self.Action._execute_due()
        self.assertEqual(self._actions().state, "done")
        self.assertSMSOutgoing(self.customer, "+32470123456",
                               content=format_amount(self.env, 1000, self.company.currency_id))
        sms = self._new_sms
        self.assertEqual(len(sms), 1)
        self.assertEqual((sms.mail_message_id.model, sms.mail_message_id.res_id), ("res.partner", self.customer.id))

    def test_wrong_number_falls_back_to_email(self):
        self.strategy.step_ids = [Command.create({
            "name": "Email", "offset_days": 30, "channel": "email",
            "mail_template_id": self.env.ref("ar_collections.mail_template_final_notice").id})]
        self.customer.collection_phone_invalid = True
        self._overdue_invoice(1000, 10)
        self._plan()
        action = self._actions()
        self.assertEqual((action.channel, action.step_id), ("email", self.step_sms))
        self.assertIn("FALLBACK_CHANNEL", action.reason_codes)
        self.assertIn("FALLBACK_WRONG_NUMBER", action.reason_codes, "why the SMS could not go")
        self.assertEqual(action.decision_inputs["fallback"], {"from": "sms", "because": "WRONG_NUMBER"})
        self.assertEqual(self.customer.collection_contact_problems, "the phone number reaches the wrong person")

    def test_invalid_mobile_falls_back_and_shows_on_the_customer(self):
        self.strategy.step_ids = [Command.create({
            "name": "Email", "offset_days": 30, "channel": "email",
            "mail_template_id": self.env.ref("ar_collections.mail_template_final_notice").id})]
        self.customer.write({"mobile": "12", "phone": False})
        self._overdue_invoice(1000, 10)
        self._plan()
        action = self._actions()
        self.assertEqual(action.channel, "email")
        self.assertIn("FALLBACK_NO_PHONE", action.reason_codes)
        self.assertEqual(self.customer.collection_contact_problems,
                         "the phone number 12 is not a valid number for the customer's country")
        self.customer.mobile = "+32 470 12 34 56"
        self.assertFalse(self.customer.collection_contact_problems, "fixed")

    def test_landline_fails_the_action(self):
        self.customer.write({"mobile": False, "phone": "+32 2 555 12 12"})
        self._overdue_invoice(1000, 10)
        self._plan()
        action = self._actions()
        with self.mockSMSGateway():
            self.Action._execute_due()
        self.assertFalse(self._new_sms)
        self.assertEqual((action.state, action.attempt_count), ("planned", 1))
        self.assertIn("+32 2 555 12 12 is not a valid mobile number for Belgium", action.failure_reason)

    def test_missing_number_fails_the_action(self):
        self._overdue_invoice(1000, 10)
        self._plan()
        action = self._actions()
        self.customer.mobile = False
        with self.mockSMSGateway():
            self.Action._execute_due()
        self.assertFalse(self._new_sms)
        self.assertIn("has no mobile or phone number", action.failure_reason)
        self.assertEqual(len(self._events(action, "failed")), 1)
