from odoo.addons.ar_collections.engine.dispute_detection import score_text
from odoo.tests import tagged

from .common import ArCollectionsCommon

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
