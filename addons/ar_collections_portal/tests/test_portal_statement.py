from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import ArPortalCommon


@tagged("post_install", "-at_install")
class TestPortalStatement(ArPortalCommon):
    """The statement of account: balances, lines, and the portal route that prints it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # 1,200 invoiced 45 days ago, 800 five days ago; 500 paid ten days ago; a credit note of 100 today.
        cls._pay(cls.invoice_overdue, cls._day(-10), amount=500)
        cls.refund = cls._invoice(cls.customer, 100, cls.today, move_type="out_refund")

    def _statement(self, date_from, date_to):
        return self.env["report.ar_collections_portal.report_statement"]._get_report_values(
            self.customer.ids, {"date_from": str(date_from), "date_to": str(date_to)})["statements"][self.customer.id]

    def test_statement_balances(self):
        statement = self._statement(self._day(-30), self.today)
        self.assertEqual(statement["opening"], 1200.0)
        self.assertEqual([(line["reference"], line["description"], line["debit"], line["credit"], line["balance"])
                          for line in statement["lines"]], [
            (statement["lines"][0]["reference"], "Payment", 0.0, 500.0, 700.0),
            (self.invoice_due.name, "Invoice", 800.0, 0.0, 1500.0),
            (self.refund.name, "Credit Note", 0.0, 100.0, 1400.0),
        ])
        self.assertEqual(statement["lines"][1]["date_due"], self.invoice_due.invoice_date_due)
        self.assertEqual((statement["total_debit"], statement["total_credit"], statement["closing"]),
                         (800.0, 600.0, 1400.0))
        # Before anything happened, and without anything in the period.
        statement = self._statement(self._day(-100), self._day(-50))
        self.assertEqual((statement["opening"], statement["lines"], statement["closing"]), (0.0, [], 0.0))
        # Other customers' documents are not on it.
        references = [line["reference"] for line in self._statement(self._day(-100), self.today)["lines"]]
        self.assertNotIn(self.other_invoice.name, references)
        self.assertIn(self.invoice_overdue.name, references)

    def test_statement_from_a_contact(self):
        """Printed for a contact, the statement is the one of the contact's company."""
        values = self.env["report.ar_collections_portal.report_statement"]._get_report_values(self.contact.ids, {})
        self.assertEqual(values["docs"], self.customer)

    def test_back_office_wizard_prints_the_chosen_period(self):
        Wizard = self.env["ar.collection.statement.wizard"].with_user(self.collector).with_context(
            active_model="res.partner", active_ids=self.contact.ids)
        wizard = Wizard.create({"date_from": self._day(-30), "date_to": self.today})
        self.assertEqual(wizard.partner_ids, self.customer, "a contact's statement is its company's")
        action = wizard.action_print()
        self.assertEqual(action["report_name"], "ar_collections_portal.report_statement")
        self.assertEqual(action["data"], {
            "date_from": str(self._day(-30)), "date_to": str(self.today), "company_id": self.env.company.id})
        html, _kind = self.env["ir.actions.report"].with_user(self.collector)._render_qweb_html(
            "ar_collections_portal.action_report_statement", wizard.partner_ids.ids, data=action["data"])
        self.assertIn(self.invoice_due.name, html.decode())
        for date_from, date_to in ((self.today, self._day(-1)), (self._day(-6 * 366), self.today)):
            with self.subTest(date_from=date_from, date_to=date_to), self.assertRaises(ValidationError):
                Wizard.create({"date_from": date_from, "date_to": date_to})

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
