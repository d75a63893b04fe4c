from odoo.tests import tagged

from .common import ArPortalCommon


@tagged("post_install", "-at_install")
class TestPortalPages(ArPortalCommon):
    """Every page of the collections portal, as the customer sees it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dispute = cls._backoffice_dispute(cls.customer, cls.invoice_overdue)
        cls.promise = cls._backoffice_promise(cls.customer, cls.invoice_due)
        cls.other_dispute = cls._backoffice_dispute(cls.customer_2, cls.other_invoice)

    def setUp(self):
        super().setUp()
        self._login(self.customer_user)

    def test_home_counters(self):
        response = self.url_open("/my")
        self.assertEqual(response.status_code, 200)
        for url in ("/my/disputes", "/my/promises", "/my/collections/statement", "/my/collections/preferences"):
            self.assertIn(f'href="{url}"', response.text)
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["ar_dispute_count", "ar_promise_count", "ar_statement_count"]})
        self.assertEqual(counters, {"ar_dispute_count": 1, "ar_promise_count": 1, "ar_statement_count": 1})

    def test_invoice_list_shows_collection_status_and_amounts(self):
        response = self.url_open("/my/invoices")
        self.assertEqual(response.status_code, 200)
        self.assertIn('data-state="disputed"', response.text)
        self.assertIn('data-state="promised"', response.text)
        self.assertIn("text-bg-warning o_ar_collection_state", response.text, "disputed: the back office's colour")
        self.assertIn("o_ar_days_overdue", response.text)
        self.assertIn("15 days overdue", response.text)
        self.assertIn("o_ar_open_amounts", response.text)
        self.assertIn("2,000.00", response.text, "balance due of the two open invoices")
        self.assertNotIn(self.other_invoice.name, response.text)

    def test_invoice_list_filters(self):
        response = self.url_open("/my/invoices?filterby=collection_disputed")
        self.assertIn(self.invoice_overdue.name, response.text)
        self.assertNotIn(self.invoice_due.name, response.text)
        response = self.url_open("/my/invoices?filterby=collection_promised")
        self.assertIn(self.invoice_due.name, response.text)
        self.assertNotIn(self.invoice_overdue.name, response.text)
        response = self.url_open("/my/invoices?filterby=collection_open")
        self.assertIn(self.invoice_due.name, response.text)

    def test_invoice_page(self):
        response = self.url_open(f"/my/invoices/{self.invoice_due.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_ar_collection_state", response.text)
        self.assertIn(f'href="/my/invoices/{self.invoice_due.id}/dispute"', response.text)
        # Already promised: the promise is shown, no second one is offered.
        self.assertNotIn(f'href="/my/invoices/{self.invoice_due.id}/promise"', response.text)
        self.assertIn(self.promise.name, response.text)
        self.assertIn(f'href="/my/promises/{self.promise.id}"', response.text)
        response = self.url_open(f"/my/invoices/{self.invoice_overdue.id}")
        self.assertIn(f'href="/my/invoices/{self.invoice_overdue.id}/promise"', response.text)
        self.assertNotIn(f'href="/my/invoices/{self.invoice_overdue.id}/dispute"', response.text)
        self.assertIn(self.dispute.name, response.text)

    def test_invoice_pdf(self):
        response = self.url_open(f"/my/invoices/{self.invoice_due.id}?report_type=pdf&download=true")
        self.assertEqual(response.status_code, 200)

    def test_dispute_and_promise_forms(self):
        response = self.url_open(self._dispute_url(self.invoice_due))
        self.assertEqual(response.status_code, 200)
        self.assertIn('name="csrf_token"', response.text)
        self.assertIn(self.reason.name, response.text)
        self.assertIn('enctype="multipart/form-data"', response.text)
        response = self.url_open(self._promise_url(self.invoice_overdue))
        self.assertEqual(response.status_code, 200)
        self.assertIn(f'min="{self.today}"', response.text)
        self.assertIn(f'max="{self._day(30)}"', response.text)

    def test_disputes(self):
        response = self.url_open("/my/disputes")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.dispute.name, response.text)
        self.assertNotIn(self.other_dispute.name, response.text)
        for query in ("?filterby=open&sortby=name", "?filterby=closed", "?sortby=state"):
            self.assertEqual(self.url_open(f"/my/disputes{query}").status_code, 200)
        self.assertNotIn(self.dispute.name, self.url_open("/my/disputes?filterby=closed").text)
        response = self.url_open(f"/my/disputes/{self.dispute.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_portal_chatter", response.text)
        self.assertIn(self.reason.name, response.text)
        self.assertIn(self.invoice_overdue.name, response.text)

    def test_promises(self):
        response = self.url_open("/my/promises")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.promise.name, response.text)
        self.assertEqual(self.url_open("/my/promises/page/2").status_code, 200)
        response = self.url_open(f"/my/promises/{self.promise.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_portal_chatter", response.text)
        self.assertIn(self.invoice_due.name, response.text)

    def test_statement_and_preferences_pages(self):
        response = self.url_open("/my/collections/statement")
        self.assertEqual(response.status_code, 200)
        self.assertIn('action="/my/collections/statement/pdf"', response.text)
        response = self.url_open("/my/collections/preferences")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.contact.name, response.text)
        self.assertIn('name="collection_no_sms"', response.text)
