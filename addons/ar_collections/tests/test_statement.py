from odoo.exceptions import ValidationError
from odoo.tests import tagged

from ..report.report_statement import default_date_from
from .common import ArCollectionsCommon


@tagged("post_install", "-at_install")
class TestStatement(ArCollectionsCommon):
    """The statement of account: balances and lines, the back-office wizard, the legal handoff package."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contact = cls.env["res.partner"].create({"name": "Anna Azure", "parent_id": cls.customer.id})
        # 1,200 invoiced 45 days ago, 800 five days ago; 500 paid ten days ago; a credit note of 100 today.
        cls.invoice_overdue = cls._invoice(cls.customer, 1200, cls._day(-45))
        cls.invoice_due = cls._invoice(cls.customer, 800, cls._day(-5))
        cls.other_invoice = cls._invoice(cls.customer_2, 500, cls._day(-45))
        cls._pay(cls.invoice_overdue, cls._day(-10), amount=500)
        cls.refund = cls._invoice(cls.customer, 100, cls.today, move_type="out_refund")
        cls.Statement = cls.env["report.ar_collections.report_statement"]

    def _statement(self, date_from, date_to):
        return self.Statement._get_report_values(
            self.customer.ids, {"date_from": str(date_from), "date_to": str(date_to)})["statements"][self.customer.id]

    def _legal_statement_html(self):
        package = self.env["ar.collection.escalation"]._legal_package(self.env.company, self.customer)
        return package.filtered(lambda attachment: attachment.mimetype != "text/csv").raw.decode()

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
        values = self.Statement._get_report_values(self.contact.ids, {})
        self.assertEqual(values["docs"], self.customer)

    def test_back_office_wizard_prints_the_chosen_period(self):
        Wizard = self.env["ar.collection.statement.wizard"].with_user(self.collector).with_context(
            active_model="res.partner", active_ids=self.contact.ids)
        wizard = Wizard.create({"date_from": self._day(-30), "date_to": self.today})
        self.assertEqual(wizard.partner_ids, self.customer, "a contact's statement is its company's")
        action = wizard.action_print()
        self.assertEqual(action["report_name"], "ar_collections.report_statement")
        self.assertEqual(action["data"], {
            "date_from": str(self._day(-30)), "date_to": str(self.today), "company_id": self.env.company.id})
        html, _kind = self.env["ir.actions.report"].with_user(self.collector)._render_qweb_html(
            "ar_collections.action_report_statement", wizard.partner_ids.ids, data=action["data"])
        self.assertIn(self.invoice_due.name, html.decode())
        for date_from, date_to in ((self.today, self._day(-1)), (self._day(-6 * 366), self.today)):
            with self.subTest(date_from=date_from, date_to=date_to), self.assertRaises(ValidationError):
                Wizard.create({"date_from": date_from, "date_to": date_to})

    def test_wizard_defaults_to_the_last_twelve_months(self):
        wizard = self.env["ar.collection.statement.wizard"].with_user(self.collector).with_context(
            active_model="res.partner", active_ids=self.customer.ids).create({})
        self.assertEqual((wizard.date_from, wizard.date_to), (default_date_from(self.today), self.today))
        self.assertEqual(wizard.company_id, self.env.company)

    def test_customer_form_has_the_statement_button(self):
        arch = self.env["res.partner"].with_user(self.collector).get_views([(False, "form")])["views"]["form"]["arch"]
        action = self.env.ref("ar_collections.ar_collection_statement_wizard_action")
        self.assertIn(f'name="{action.id}"', arch)

    def test_period_reaches_back_to_the_oldest_open_item(self):
        company = self.env.company
        # Only recent open items: the last twelve months.
        self.assertEqual(self.Statement._period_with_open_items(self.customer, company, self.today),
                         (default_date_from(self.today), self.today))
        # An item paid long ago does not widen the period; one still open does.
        old_paid = self._invoice(self.customer, 300, self._day(-700))
        self._pay(old_paid, self._day(-690))
        self.assertEqual(self.Statement._period_with_open_items(self.customer, company, self.today)[0],
                         default_date_from(self.today))
        old_open = self._invoice(self.customer, 250, self._day(-500))
        self.assertEqual(self.Statement._period_with_open_items(self.customer, company, self.today),
                         (old_open.date, self.today))

    def test_legal_package_statement_is_the_statement_of_account(self):
        old_open = self._invoice(self.customer, 250, self._day(-500))
        html = self._legal_statement_html()
        self.assertIn("Statement of Account", html)
        self.assertIn("Opening Balance", html)
        self.assertNotIn("Payment Reminder", html, "the statement, not the reminder letter")
        # Every open item, and the history of the last twelve months.
        for move in (old_open, self.invoice_overdue, self.invoice_due, self.refund):
            self.assertIn(move.name, html)
        self.assertNotIn(self.other_invoice.name, html)
