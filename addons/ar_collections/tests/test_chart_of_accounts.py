from odoo import Command
from odoo.tests import tagged

from .common import ArCollectionsCommon


@tagged("post_install", "-at_install")
class TestBelgianChartOfAccounts(ArCollectionsCommon):
    """The same figures and segments on a real country's chart (Belgium, EUR, taxes included)."""

    country_code = "BE"
    chart_template = "be_comp"

    def test_company_runs_on_belgian_chart(self):
        company = self.env.company
        self.assertEqual(company.chart_template, "be_comp")
        self.assertEqual(company.currency_id.name, "EUR")
        receivable = self.customer.with_company(company).property_account_receivable_id
        self.assertEqual(receivable.code, "400000")

    def test_figures_with_taxes_on_belgian_chart(self):
        tax_21 = self.env["account.tax"].search([
            ("company_id", "=", self.env.company.id), ("type_tax_use", "=", "sale"), ("amount", "=", 21),
            ("amount_type", "=", "percent")], limit=1)
        self.assertTrue(tax_21)
        invoice = self.env["account.move"].create({
            "move_type": "out_invoice",
            "partner_id": self.customer.id,
            "invoice_date": self._day(-50),
            "invoice_date_due": self._day(-20),
            "invoice_line_ids": [Command.create({
                "name": "Consulting", "quantity": 1, "price_unit": 1000, "tax_ids": [Command.set(tax_21.ids)]})],
        })
        invoice.action_post()
        self.assertAlmostEqual(invoice.amount_total, 1210.0)
        segment = self.env["ar.collection.segment"].create({
            "name": "Belgium", "rule_ids": [Command.create({
                "metric": "country", "operator": "in", "country_ids": [Command.set(self.env.ref("base.be").ids)]})],
        })
        self.env["ar.collection.segment"]._assign_partners(self.env.company)
        partner = self.customer.with_company(self.env.company)
        self.assertAlmostEqual(partner.collection_overdue_amount, 1210.0)
        self.assertEqual(partner.collection_oldest_overdue_days, 20)
        self.assertEqual(partner.collection_segment_id, segment)
        self.assertEqual(partner._collection_overdue_totals(), [(invoice.currency_id, 1210.0)])
