from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestAgendaTour(HttpCase):

    def test_collector_works_the_agenda(self):
        """A collector opens the agenda, logs a call with a promise and sees the line done."""
        company = self.env.company
        collector = new_test_user(self.env, "ar_tour_collector",
                                  groups="base.group_user,ar_collections.group_ar_collections_collector",
                                  company_id=company.id, company_ids=company.ids)
        customer = self.env["res.partner"].create({"name": "Agenda Tour Customer", "is_company": True,
                                                   "phone": "+32 2 290 34 90"})
        customer.with_company(company).collection_user_id = collector
        today = fields.Date.context_today(self.env.user)
        invoice = self.env["account.move"].create({
            "move_type": "out_invoice", "partner_id": customer.id, "invoice_date": today - timedelta(days=50),
            "invoice_date_due": today - timedelta(days=20),
            "invoice_line_ids": [Command.create({"name": "Audit", "price_unit": 900, "tax_ids": []})],
        })
        invoice.action_post()
        self.env["ar.collection.action"].create({
            "partner_id": customer.id, "channel": "call", "state": "planned", "company_id": company.id,
            "scheduled_date": fields.Datetime.now(), "move_ids": [Command.set(invoice.ids)]})
        self.env["ar.collection.agenda.line"]._build_agenda(company)
        line = self.env["ar.collection.agenda.line"].search([("partner_id", "=", customer.id)])
        self.assertEqual(line.user_id, collector)

        self.start_tour("/odoo/action-ar_collections.ar_collection_agenda_line_action", "ar_collections_agenda_tour", login="ar_tour_collector")

        self.assertEqual(line.state, "done")
        promise = self.env["ar.promise"].search([("partner_id", "=", customer.id)])
        self.assertEqual(promise.amount, 450)
        self.assertEqual(promise.source, "call")
        self.assertEqual(invoice.collection_state, "promised")
