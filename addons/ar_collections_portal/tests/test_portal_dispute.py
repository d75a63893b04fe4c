from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import JPEG, PDF, PNG, ArPortalCommon


@tagged("post_install", "-at_install")
class TestPortalDispute(ArPortalCommon):
    """A customer disputes an invoice; every bad input gets a message and writes nothing."""

    def setUp(self):
        super().setUp()
        self._login(self.customer_user)

    def assertRefused(self, response, message, status=200):
        """The form came back with ``message`` and no dispute was created."""
        self.assertEqual(response.status_code, status)
        self.assertIn(message, response.text)
        self.assertFalse(self._portal_disputes(), "nothing may be written")

    def test_dispute(self):
        response = self._post(self._dispute_url(self.invoice_overdue), self._dispute_data(), files=[
            ("attachments", ("delivery-note.pdf", PDF, "application/pdf")),
            ("attachments", ("photo.PNG", PNG, "image/png")),
            ("attachments", ("scan.jpeg", JPEG, "image/jpeg")),
        ])
        dispute = self._portal_disputes()
        self.assertEqual(len(dispute), 1)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.url.endswith(f"/my/disputes/{dispute.id}?ar_notice=created"), response.url)
        self.assertIn("o_ar_notice", response.text)
        self.assertRecordValues(dispute, [{
            "source": "portal",
            "state": "open",
            "reason_id": self.reason.id,
            "disputed_amount": 150.0,
            "description": "Only 8 of the 10 units arrived.",
            "company_id": self.invoice_overdue.company_id.id,
            "user_id": self.collector.id,
        }])
        self.assertEqual(dispute.invoice_ids, self.invoice_overdue)
        self.assertEqual(self.invoice_overdue.collection_state, "disputed")
        attachments = self.env["ir.attachment"].search([("res_model", "=", "ar.dispute"), ("res_id", "=", dispute.id)])
        self.assertEqual(sorted(attachments.mapped("name")), ["delivery-note.pdf", "photo.PNG", "scan.jpeg"])
        self.assertEqual(sorted(attachments.mapped("mimetype")), ["application/pdf", "image/jpeg", "image/png"])
        customer_message = dispute.message_ids.filtered(
            lambda message: message.author_id == self.contact and message.message_type == "comment")
        self.assertEqual(customer_message.attachment_ids, attachments)
        self.assertIn(self.contact, dispute.message_partner_ids, "the customer follows the dispute")
        # Acknowledged by email to the person who filed it.
        acknowledgement = dispute.message_ids.filtered(lambda message: "we received your dispute" in (message.subject or ""))
        self.assertEqual(len(acknowledgement), 1)
        self.assertEqual(acknowledgement.author_id, self.collector.partner_id)
        self.assertEqual(acknowledgement.notification_ids.res_partner_id, self.contact,
                         "to the person who filed it, not to the collector who sends it")
        self.assertEqual(acknowledgement.notification_ids.notification_type, "email")
        self.assertIn("We received your dispute", acknowledgement.body)
        self.assertIn(dispute.name, acknowledgement.body)
        # The collector hears of the customer's explanation.
        self.assertIn(self.collector.partner_id, customer_message.notification_ids.res_partner_id)
        # Audited as created by the portal user.
        event = self.env["ar.collection.event"].search([
            ("res_model", "=", "ar.dispute"), ("res_id", "=", dispute.id), ("event_type", "=", "create")])
        self.assertEqual(event.user_id, self.customer_user)

    def test_dispute_comment_is_escaped(self):
        script = '<script>alert("pwned")</script><img src=x onerror=alert(1)>'
        self._post(self._dispute_url(self.invoice_overdue), self._dispute_data(comment=script))
        dispute = self._portal_disputes()
        self.assertEqual(dispute.description, script, "stored as typed, as plain text")
        response = self.url_open(f"/my/disputes/{dispute.id}")
        self.assertNotIn("<script>alert", response.text)
        self.assertNotIn("<img src=x", response.text)
        self.assertIn("&lt;script&gt;alert", response.text)
        message = dispute.message_ids.filtered(
            lambda message: message.author_id == self.contact and message.message_type == "comment")
        self.assertNotIn("<script", message.body)
        self.assertIn("&lt;script&gt;", message.body)
        # Refused forms show back what was typed, escaped too.
        response = self._post(self._dispute_url(self.invoice_due), self._dispute_data(comment=script, amount="-1"))
        self.assertNotIn("<script>alert", response.text)
        self.assertIn("&lt;script&gt;alert", response.text)

    def test_bad_amounts(self):
        for amount, message in (
            ("-10", "must be more than zero"),
            ("0", "must be more than zero"),
            ("1200.01", "at most what is left to pay"),
            ("1e9", "as a number"),
            ("abc", "as a number"),
            ("nan", "as a number"),
            ("", "as a number"),
        ):
            with self.subTest(amount=amount):
                response = self._post(self._dispute_url(self.invoice_overdue), self._dispute_data(amount=amount))
                self.assertRefused(response, message)
                self.assertIn("o_ar_form_errors", response.text)
                self.assertIn('name="amount" required="required" inputmode="decimal"', response.text)

    def test_amount_at_most_residual_after_partial_payment(self):
        self._pay(self.invoice_overdue, self.today, amount=1000)
        response = self._post(self._dispute_url(self.invoice_overdue), self._dispute_data(amount="200.01"))
        self.assertRefused(response, "at most what is left to pay")
        self._post(self._dispute_url(self.invoice_overdue), self._dispute_data(amount="200,00"))
        self.assertEqual(self._portal_disputes().disputed_amount, 200.0)

    def test_missing_fields(self):
        response = self._post(self._dispute_url(self.invoice_overdue), self._dispute_data(reason_id=""))
        self.assertRefused(response, "Choose the reason of the dispute")
        response = self._post(self._dispute_url(self.invoice_overdue), self._dispute_data(reason_id="99999999"))
        self.assertRefused(response, "Choose the reason of the dispute")
        self.reason.active = False
        response = self._post(self._dispute_url(self.invoice_overdue), self._dispute_data())
        self.assertRefused(response, "Choose the reason of the dispute")
        self.reason.active = True
        response = self._post(self._dispute_url(self.invoice_overdue), self._dispute_data(comment="   "))
        self.assertRefused(response, "Tell us what is wrong")
        response = self._post(self._dispute_url(self.invoice_overdue), self._dispute_data(comment="x" * 2001))
        self.assertRefused(response, "under 2000 characters")

    def test_bad_attachments(self):
        self.env["ir.config_parameter"].set_param("ar_collections_portal.max_attachment_mb", "1")
        too_big = PDF + b"0" * (1024 * 1024)
        for files, message in (
            ([("attachments", ("big.pdf", too_big, "application/pdf"))], "big.pdf is larger than 1 MB"),
            ([("attachments", ("virus.exe", b"MZ\x90\x00", "application/octet-stream"))],
             "virus.exe: only PDF, PNG and JPEG"),
            ([("attachments", ("page.html", b"<html></html>", "text/html"))], "page.html: only PDF, PNG and JPEG"),
            ([("attachments", ("fake.pdf", b"<html><script>alert(1)</script></html>", "application/pdf"))],
             "fake.pdf is not a genuine PDF file"),
            ([("attachments", ("image.png", PDF, "image/png"))], "image.png is not a genuine PNG file"),
            ([("attachments", ("empty.pdf", b"", "application/pdf"))], "empty.pdf is empty"),
            ([("attachments", ("noextension", PDF, "application/pdf"))], "noextension: only PDF, PNG and JPEG"),
            ([("attachments", (f"file{index}.pdf", PDF, "application/pdf")) for index in range(6)],
             "Attach at most 5 files"),
        ):
            with self.subTest(message=message):
                response = self._post(self._dispute_url(self.invoice_overdue), self._dispute_data(), files=files)
                self.assertRefused(response, message)
        self.assertFalse(self.env["ir.attachment"].search([("res_model", "=", "ar.dispute")]))

    def test_missing_csrf_token(self):
        response = self._post(self._dispute_url(self.invoice_overdue), self._dispute_data(), csrf=False)
        self.assertRefused(response, "This form has expired", status=400)
        response = self._post(self._dispute_url(self.invoice_overdue),
                              self._dispute_data(csrf_token="forged"), csrf=False)
        self.assertRefused(response, "This form has expired", status=400)

    def test_paid_invoice(self):
        self._pay(self.invoice_overdue, self.today)
        response = self.url_open(self._dispute_url(self.invoice_overdue))
        self.assertIn("already paid", response.text)
        self.assertNotIn("o_ar_dispute_form", response.text)
        response = self._post(self._dispute_url(self.invoice_overdue), self._dispute_data())
        self.assertRefused(response, "already paid")

    def test_invoice_already_disputed(self):
        dispute = self._backoffice_dispute(self.customer, self.invoice_overdue)
        response = self._post(self._dispute_url(self.invoice_overdue), self._dispute_data())
        self.assertRefused(response, f"Dispute {dispute.name} is already open")

    def test_credit_note_cannot_be_disputed(self):
        refund = self._invoice(self.customer, 100, self._day(-5), move_type="out_refund")
        self.assertEqual(self.url_open(self._dispute_url(refund)).status_code, 403)

    @mute_logger("odoo.http")
    def test_other_customer_invoice(self):
        for method in ("get", "post"):
            with self.subTest(method=method):
                if method == "get":
                    response = self.url_open(self._dispute_url(self.other_invoice))
                else:
                    response = self._post(self._dispute_url(self.other_invoice), self._dispute_data())
                self.assertEqual(response.status_code, 403)
        # Even with the other customer's invoice token (a forwarded reminder).
        token = self.other_invoice._portal_ensure_token()
        response = self._post(self._dispute_url(self.other_invoice), self._dispute_data(access_token=token))
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self._post(f"/my/invoices/{10 ** 8}/dispute", self._dispute_data()).status_code, 404)
        self.assertFalse(self.env["ar.dispute"].search([("source", "=", "portal")]))

    def test_rate_limit(self):
        self.env["ir.config_parameter"].set_param("ar_collections_portal.max_requests_per_hour", "2")
        self._post(self._promise_url(self.invoice_overdue), self._promise_data())
        self._post(self._dispute_url(self.invoice_due), self._dispute_data())
        self.assertEqual(len(self._portal_promises()) + len(self._portal_disputes()), 2)
        response = self._post(self._dispute_url(self.invoice_overdue), self._dispute_data())
        self.assertEqual(response.status_code, 200)
        self.assertIn("in the last hour, the most we accept", response.text)
        self.assertEqual(len(self._portal_disputes()), 1, "the third request is refused")
        # Requests of other customers do not count.
        self._login(self.other_user)
        self._post(self._dispute_url(self.other_invoice), self._dispute_data(amount="50"))
        self.assertEqual(len(self._portal_disputes(self.customer_2)), 1)
