from odoo.addons.ar_collections.engine.dispute_detection import score_text
from odoo.tests import tagged

from .common import ArCollectionsCommon
from .engine_common import ArCollectionsEngineCommon

REPLY = """From: {author}
To: billing@example.com
Subject: Re: {subject}
Message-ID: <{uid}@customer.example.com>
In-Reply-To: {parent}
References: {parent}
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 8bit

{body}
"""


@tagged("post_install", "-at_install")
class TestReplyDetection(ArCollectionsCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.collection_user_id = cls.collector
        cls.customer_fr = cls._customer("Boulangerie Dupont", "FR", lang=cls._lang("fr_FR"))
        cls.invoice = cls._invoice(cls.customer, 1000, cls._day(-40))
        cls.invoice_fr = cls._invoice(cls.customer_fr, 700, cls._day(-40))

    @classmethod
    def _lang(cls, code):
        cls.env["res.lang"]._activate_lang(code)
        return code

    def _reply(self, invoice, body, uid):
        reminder = invoice.message_post(body="Reminder: your invoice is overdue.", message_type="comment",
                                        subtype_xmlid="mail.mt_comment")
        raw = REPLY.format(author=invoice.partner_id.email_formatted, subject=invoice.name, uid=uid,
                           parent=reminder.message_id, body=body)
        thread_id = self.env["mail.thread"].message_process("account.move", raw.encode(), thread_id=invoice.id)
        self.assertEqual(thread_id, invoice.id)
        return invoice.message_ids[0]

    def test_detector_is_plain_python(self):
        phrases = [("en_US", "invoice is wrong", 1.0), ("fr_FR", "facture est erronée", 1.0),
                   ("en_US", "incorrect", 0.6)]
        self.assertEqual(score_text("Hello, THE INVOICE IS WRONG!", phrases)[0], 1.0)
        self.assertEqual(score_text("Bonjour, la facture est erronee.", phrases)[0], 1.0)
        self.assertEqual(score_text("Thanks!\n> the invoice is wrong", phrases)[0], 0.0, "quoted text ignored")
        self.assertEqual(score_text("incorrectly formatted", phrases)[0], 0.0, "whole words only")

    def test_english_reply_opens_a_dispute(self):
        message = self._reply(self.invoice, "Hello,\nThis invoice is wrong: we never received the goods.", "en1")
        dispute = self.invoice.collection_dispute_ids
        self.assertEqual(len(dispute), 1)
        self.assertRecordValues(dispute, [{
            "source": "email", "state": "open", "user_id": self.collector.id, "disputed_amount": 1000,
            "source_message_id": message.id}])
        self.assertGreaterEqual(dispute.detection_score, 1.0)
        self.assertEqual(self.invoice.collection_state, "disputed", "dunning pauses")
        self.assertEqual(dispute.activity_ids.user_id, self.collector, "routed to its owner")
        self.assertTrue(any("never received" in (m.body or "") for m in dispute.message_ids), "email attached")
        # A second reply does not open another one.
        self._reply(self.invoice, "The invoice is wrong, again.", "en2")
        self.assertEqual(len(self.invoice.collection_dispute_ids), 1)

    def test_french_reply_opens_a_dispute(self):
        self._reply(self.invoice_fr, "Bonjour,\nNous contestons cette facture : elle est incorrecte.", "fr1")
        dispute = self.invoice_fr.collection_dispute_ids
        self.assertEqual(len(dispute), 1)
        self.assertIn("contestons", dispute.detection_phrases)
        self.assertEqual(self.invoice_fr.collection_state, "disputed")

    def test_polite_reply_is_not_a_dispute(self):
        self._reply(self.invoice, "Thanks for the reminder, payment goes out on Friday.", "en3")
        self._reply(self.invoice_fr, "Merci, le paiement part vendredi.", "fr2")
        self.assertFalse((self.invoice | self.invoice_fr).collection_dispute_ids)

    def test_threshold_is_configurable(self):
        self.env.company.collection_dispute_threshold = 5.0
        self._reply(self.invoice, "This invoice is wrong.", "en4")
        self.assertFalse(self.invoice.collection_dispute_ids)

    def test_false_positive_dismissed_and_recorded(self):
        self._reply(self.invoice, "Is it a dispute if the invoice is wrong? Just kidding, paying today.", "en5")
        dispute = self.invoice.collection_dispute_ids
        dispute.with_user(self.collector).action_dismiss()
        self.assertRecordValues(dispute, [{"state": "rejected", "resolution": "dismissed"}])
        self.assertEqual(self.invoice.collection_state, "normal", "dunning resumes")
        event = self.env["ar.collection.event"].search([
            ("res_model", "=", "ar.dispute"), ("res_id", "=", dispute.id), ("event_type", "=", "dismissal")])
        self.assertEqual(len(event), 1)
        self.assertFalse(self.env["mail.mail"].search([("subject", "ilike", dispute.name)]),
                         "no rejection email for a false positive")


@tagged("post_install", "-at_install")
class TestDisputeLifecycle(ArCollectionsCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls._invoice(cls.customer, 1000, cls._day(-40))

    def _dispute(self, amount):
        return self.env["ar.dispute"].create({
            "partner_id": self.customer.id, "invoice_ids": self.invoice.ids, "reason_id": self.reason.id,
            "disputed_amount": amount})

    def test_credit_note_through_reversal(self):
        dispute = self._dispute(300)
        self.assertEqual(self.invoice.collection_state, "disputed")
        dispute.action_resolve_credit_note()
        credit = dispute.credit_note_ids
        self.assertRecordValues(credit, [{"move_type": "out_refund", "state": "posted", "amount_total": 300,
                                          "reversed_entry_id": self.invoice.id}])
        self.assertRecordValues(dispute, [{"state": "resolved", "resolution": "credit_note"}])
        self.assertAlmostEqual(self.invoice.amount_residual, 700)
        self.assertEqual(self.invoice.collection_state, "normal", "back in the dunning flow")

    def test_full_credit_note(self):
        dispute = self._dispute(1000)
        dispute.action_resolve_credit_note()
        self.assertEqual(self.invoice.payment_state, "reversed")

    def test_rejection_emails_the_explanation(self):
        dispute = self._dispute(200)
        dispute.resolution_note = "The goods were delivered as ordered."
        dispute.action_reject()
        self.assertEqual(dispute.state, "rejected")
        self.assertEqual(self.invoice.collection_state, "normal")
        sent = dispute.message_ids.filtered(lambda m: "delivered as ordered" in (m.body or "")
                                            and m.message_type != "notification")
        self.assertTrue(sent)
        self.assertIn(self.customer, sent.partner_ids)


@tagged("post_install", "-at_install")
class TestRepliesToConsolidatedReminders(ArCollectionsEngineCommon):
    """A reply to the reminder of all overdue invoices, posted on the customer, opens a dispute too."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.first = cls._overdue_invoice_of(cls.customer, 1000, 10)
        cls.second = cls._overdue_invoice_of(cls.customer, 400, 12)

    @classmethod
    def _overdue_invoice_of(cls, partner, amount, days_overdue):
        return cls._invoice(partner, amount, cls._day(-days_overdue - 30))

    def _send_reminder(self):
        self._plan()
        action = self._actions()
        with self.mock_mail_gateway():
            self.Action._execute_due()
        self.assertEqual(action.state, "done")
        self.assertEqual(action.move_ids, self.first | self.second)
        return action

    def _reply(self, action, body, uid, lang=None):
        if lang:
            self.env["res.lang"]._activate_lang(lang)
            self.customer.lang = lang
        reminder = action.sent_message_ids[:1]
        self.assertEqual(reminder.model, "res.partner", f"{action.state}: {action.failure_reason}")
        raw = REPLY.format(author=self.customer.email_formatted, subject=reminder.subject, uid=uid,
                           parent=reminder.message_id, body=body)
        self.env["mail.thread"].message_process(False, raw.encode())
        return self.customer.message_ids.filtered(lambda message: message.message_type == "email")[:1]

    def test_reply_disputes_every_invoice_of_the_reminder(self):
        action = self._send_reminder()
        message = self._reply(action, "Hello, this invoice is wrong: we never received the goods.", "c1")
        dispute = (self.first | self.second).collection_dispute_ids
        self.assertEqual(len(dispute), 1)
        self.assertEqual(dispute.invoice_ids, self.first | self.second, "all the reminder's invoices")
        self.assertRecordValues(dispute, [{"source": "email", "disputed_amount": 1400,
                                           "source_message_id": message.id, "user_id": self.collector.id}])
        self.assertEqual(set((self.first | self.second).mapped("collection_state")), {"disputed"},
                         "dunning pauses")
        self.assertTrue(dispute.activity_ids.filtered(lambda activity: activity.user_id == self.collector),
                        "the owner is told")

    def test_reply_naming_an_invoice_disputes_that_one(self):
        action = self._send_reminder()
        self._reply(action, f"Invoice {self.second.name.lower()} is wrong, we did not order it. The other is fine.",
                    "c2")
        dispute = (self.first | self.second).collection_dispute_ids
        self.assertEqual(dispute.invoice_ids, self.second)
        self.assertEqual(dispute.disputed_amount, 400)
        self.assertNotEqual(self.first.collection_state, "disputed")

    def test_replies_in_the_customers_languages(self):
        replies = {
            "fr_FR": "Bonjour, nous contestons cette facture : marchandise jamais reçue.",
            "nl_NL": "Goedemiddag, deze factuur klopt niet, wij hebben de goederen nooit ontvangen.",
            "de_DE": "Guten Tag, die Rechnung ist falsch, wir haben die Ware nie erhalten.",
            "es_ES": "Buenos días, la factura es incorrecta: nunca recibimos la mercancía.",
        }
        for index, (lang, body) in enumerate(replies.items()):
            with self.subTest(lang=lang):
                customer = self._customer(f"Client {lang}", lang[-2:], lang="en_US")
                invoice = self._overdue_invoice_of(customer, 300, 10)
                self._plan()
                action = self._actions(customer)
                with self.mock_mail_gateway():
                    self.Action._execute_due()
                self.customer, saved = customer, self.customer
                try:
                    self._reply(action, body, f"lang{index}", lang=lang)
                finally:
                    self.customer = saved
                self.assertEqual(invoice.collection_dispute_ids.source, "email", f"a dispute from a {lang} reply")

    def test_polite_reply_opens_nothing(self):
        action = self._send_reminder()
        self._reply(action, "Thank you, the payment leaves on Friday.", "c3")
        self.assertFalse((self.first | self.second).collection_dispute_ids)
