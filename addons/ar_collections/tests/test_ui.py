from odoo import Command
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestCollectionsUi(HttpCase):

    def test_every_collections_view_renders(self):
        """Every view of the addon validates and renders for a collector."""
        collector = self.env["res.users"].create({
            "name": "View Collector", "login": "ar_view_collector",
            "groups_id": [Command.set([self.env.ref("base.group_user").id,
                                       self.env.ref("ar_collections.group_ar_collections_collector").id])],
        })
        models = ["ar.collection.segment", "ar.collection.strategy", "ar.collection.action", "ar.collection.event",
                  "ar.dispute", "ar.promise", "ar.collection.compliance.profile", "ar.collection.team",
                  "ar.dispute.reason"]
        for model in models:
            with self.subTest(model=model):
                views = self.env[model].with_user(collector).get_views(
                    [(False, "list"), (False, "form"), (False, "search")])
                self.assertEqual(set(views["views"]), {"list", "form", "search"})
        partner_form = self.env["res.partner"].with_user(collector).get_views([(False, "form")])
        self.assertIn("collection_risk_score", partner_form["views"]["form"]["arch"])
        move_form = self.env["account.move"].with_user(collector).get_views([(False, "form")])
        self.assertIn("collection_state", move_form["views"]["form"]["arch"])

    def test_backoffice_dispute_tour(self):
        """A person resolves a dispute in the browser; the invoice leaves the disputed state."""
        company = self.env.company
        customer = self.env["res.partner"].create({"name": "Tour Customer", "is_company": True})
        invoice = self.env["account.move"].create({
            "move_type": "out_invoice", "partner_id": customer.id, "invoice_date": "2026-01-10",
            "invoice_date_due": "2026-02-10",
            "invoice_line_ids": [Command.create({"name": "Audit", "price_unit": 900, "tax_ids": []})],
        })
        invoice.action_post()
        dispute = self.env["ar.dispute"].create({
            "partner_id": customer.id, "invoice_ids": invoice.ids, "disputed_amount": 300,
            "reason_id": self.env.ref("ar_collections.dispute_reason_quality").id, "company_id": company.id,
        })
        self.assertEqual(invoice.collection_state, "disputed")
        self.start_tour("/odoo/action-ar_collections.ar_dispute_action", "ar_collections_backoffice_tour", login="admin")
        self.assertEqual(dispute.state, "resolved")
        self.assertEqual(dispute.resolution, "correction")
        self.assertEqual(invoice.collection_state, "normal")
        event = self.env["ar.collection.event"].search([
            ("res_model", "=", "ar.dispute"), ("res_id", "=", dispute.id), ("event_type", "=", "state_change")])
        self.assertEqual(event.user_id, self.env.ref("base.user_admin"))
