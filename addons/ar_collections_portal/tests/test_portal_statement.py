from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import ArPortalCommon


@tagged("post_install", "-at_install")
class TestPortalStatement(ArPortalCommon):
    """The portal pages and route of the statement of account (the report itself is tested in the core)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # 1,200 invoiced 45 days ago, 800 five days ago; 500 paid ten days ago; a credit note of 100 today.
        cls._pay(cls.invoice_overdue, cls._day(-10), amount=500)
        cls.refund = cls._invoice(cls.customer, 100, cls.today, move_type="out_refund")

    def test_statement_pdf_route(self):
        self._login(self.customer_user)
        response = self.url_open(
            f"/my/collections/statement/pdf?date_from={self._day(-30)}&date_to={self.today}&download=1")
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment;", response.headers["Content-Disposition"])
        self.assertIn("Statement of Account", response.text)
        self.assertIn("Opening Balance", response.text)
        self.assertIn("Closing Balance", response.text)
        self.assertIn(self.invoice_due.name, response.text)
        self.assertNotIn(self.other_invoice.name, response.text)
        # Odoo's own PDF of each invoice.
        response = self.url_open(f"/my/invoices/{self.invoice_due.id}?report_type=pdf&download=true")
        self.assertEqual(response.status_code, 200)

    def test_statement_page_shows_balance(self):
        self._login(self.customer_user)
        response = self.url_open("/my/collections/statement")
        self.assertIn("o_ar_open_amounts", response.text)
        self.assertIn("1,400.00", response.text, "700 + 800 - 100 open")
        self.assertIn("700.00", response.text, "overdue")

    @mute_logger("odoo.http")
    def test_statement_bad_dates(self):
        self._login(self.customer_user)
        for query, message in (
            ("date_from=&date_to=2025-01-31", "Enter the first day"),
            ("date_from=2025-01-01&date_to=", "Enter the last day"),
            ("date_from=2025-02-31&date_to=2025-03-01", "Enter the first day"),
            ("date_from=2025-03-01&date_to=2025-01-01", "comes before its first day"),
            ("date_from=2015-01-01&date_to=2025-01-01", "at most 5 years"),
            ("date_from=2025-01-01&date_to=2025-02-01&company_id=abc", "Choose one of your companies"),
        ):
            with self.subTest(query=query):
                response = self.url_open(f"/my/collections/statement/pdf?{query}")
                self.assertEqual(response.status_code, 400)
                self.assertIn(message, response.text)
                self.assertIn("o_ar_statement_form", response.text)
