from datetime import timedelta

from odoo import Command, fields
from odoo.tests import new_test_user, tagged

from odoo.addons.mail.tests.common import MailCommon

COUNTRIES = ("fr", "be", "de", "nl", "es", "it", "uk", "us")


@tagged("post_install", "-at_install")
class TestDefaultConfiguration(MailCommon):
    """A fresh installation without demo data is ready to run, and starts switched off."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.ref("base.main_company")
        cls.customer = cls.env["res.partner"].create({
            "name": "Maison Durand", "is_company": True, "email": "compta@durand.example.com",
            "country_id": cls.env.ref("base.fr").id})
        cls.Action = cls.env["ar.collection.action"]

    def _overdue_invoice(self, days_overdue, amount=1200.0):
        today = fields.Date.context_today(self.env.user)
        invoice = self.env["account.move"].with_company(self.company).create({
            "move_type": "out_invoice", "partner_id": self.customer.id, "company_id": self.company.id,
            "invoice_date": today - timedelta(days=days_overdue + 30),
            "invoice_date_due": today - timedelta(days=days_overdue),
            "invoice_line_ids": [Command.create({
                "name": "Consulting", "quantity": 1, "price_unit": amount, "tax_ids": [Command.clear()]})],
        })
        invoice.action_post()
        return invoice

    def test_defaults_exist_for_the_main_company(self):
        strategies = self.env["ar.collection.strategy"].search([("company_id", "=", self.company.id)])
        self.assertGreaterEqual(len(strategies), 3)
        standard = self.env.ref("ar_collections.strategy_standard")
        self.assertEqual(self.company.collection_strategy_id, standard)
        self.assertEqual(sorted(set(standard.step_ids.mapped("channel"))), ["call", "email", "letter", "sms"])
        self.assertTrue(any(step.offset_days < 0 for step in standard.step_ids), "a courtesy reminder")
        letter = standard.step_ids.filtered(lambda step: step.channel == "letter")
        self.assertTrue(letter.needs_approval)
        segments = self.env["ar.collection.segment"].search([("company_id", "=", self.company.id)])
        self.assertTrue(all(segment.strategy_id for segment in segments))
        self.assertEqual(set(segments.strategy_id.ids) & {self.env.ref(f"ar_collections.{name}").id for name in (
            "strategy_standard", "strategy_gentle", "strategy_firm")}, set(segments.strategy_id.ids))
        Profile = self.env["ar.collection.compliance.profile"]
        for code in COUNTRIES:
            profile = Profile._for_partner(self.env["res.partner"].new({"country_id": self.env.ref(f"base.{code}")}),
                                           self.company)
            self.assertTrue(profile.mandatory_wording, f"a compliance profile for {code}")
        eu = Profile.search([("country_id.code", "in", ("FR", "BE", "DE", "NL", "ES", "IT"))])
        self.assertEqual(len(eu), 6)
        for profile in eu:
            self.assertIn("40", profile.fee_statement, "the EU late-payment directive's fixed compensation")
            self.assertTrue(profile.interest_statement)

    def test_engine_starts_switched_off(self):
        self.assertTrue(self.company.collection_engine_paused)

    def test_a_reminder_leaves_once_switched_on(self):
        invoice = self._overdue_invoice(40)
        engine = self.env["ar.collection.engine"]
        with self.mock_mail_gateway():
            engine._cron_run()
        self.assertFalse(self.Action.search([("partner_id", "=", self.customer.id), ("state", "=", "done")]),
                         "nothing is sent while the engine is off")
        self.company._collection_switch_engine(on=True)
        self.assertFalse(self.company.collection_engine_paused)
        switched = self.env["ar.collection.event"].search([
            ("res_model", "=", "res.company"), ("res_id", "=", self.company.id), ("rule", "=", "engine_switch")])
        self.assertEqual(switched.new_value, "on")
        self.env["ar.collection.strategy"].search([("company_id", "=", self.company.id)]).write({
            "quiet_weekday_ids": [Command.clear()], "quiet_hour_start": 0, "quiet_hour_end": 0})
        with self.mock_mail_gateway():
            engine._cron_run()
        action = self.Action.search([("partner_id", "=", self.customer.id), ("state", "=", "done")])
        self.assertEqual(len(action), 1)
        self.assertEqual(action.step_id, self.env.ref("ar_collections.step_standard_first"),
                         "the first reminder, not a later step, although the invoice is 40 days overdue")
        self.assertIn(invoice, action.move_ids)
        mail = self._new_mails.filtered(lambda m: self.customer in m.recipient_ids)
        self.assertEqual(len(mail), 1)
        self.assertIn(invoice.name, mail.body_html)
        self.assertIn("L441-10", mail.body_html, "the French compliance wording")

    def test_new_company_gets_the_defaults(self):
        company = self.env["res.company"].create({"name": "Filiale Lyon"})
        self.assertFalse(self.env["ar.collection.strategy"].search([("company_id", "=", company.id)]))
        company._collection_ensure_defaults()
        strategies = self.env["ar.collection.strategy"].search([("company_id", "=", company.id)])
        self.assertEqual(sorted(strategies.mapped("name")), sorted(
            self.env.ref(f"ar_collections.{name}").name for name in ("strategy_standard", "strategy_gentle",
                                                                     "strategy_firm")))
        self.assertEqual(company.collection_strategy_id.company_id, company)
        segments = self.env["ar.collection.segment"].search([("company_id", "=", company.id)])
        self.assertEqual(len(segments), 3)
        self.assertEqual(segments.strategy_id.company_id, company, "segments lead to the company's own strategies")
        self.assertTrue(self.env["ar.collection.ranking.rule"].search([("company_id", "=", company.id)]))
        company._collection_ensure_defaults()
        self.assertEqual(self.env["ar.collection.strategy"].search_count([("company_id", "=", company.id)]), 3,
                         "loaded once")

    def test_settings_checklist_and_preview(self):
        self._overdue_invoice(40)
        settings = self.env["res.config.settings"].create({})
        self.assertTrue(settings.collection_check_strategy)
        self.assertTrue(settings.collection_check_compliance)
        preview = self.env["ar.collection.engine.preview"].create({"company_id": self.company.id})
        preview.action_refresh()
        line = preview.line_ids.filtered(lambda line: line.partner_id == self.customer)
        self.assertEqual(line.state, "planned", "the preview shows what would be sent once switched on")
        self.assertEqual(line.step_id, self.env.ref("ar_collections.step_standard_first"))
        self.assertEqual(line.segment_id, self.customer.with_company(self.company).collection_segment_id)
        grouped = preview.action_open_grouped()
        self.assertEqual(grouped["context"]["group_by"], ["step_id", "channel", "segment_id"])
        self.assertFalse(self.Action.search([("partner_id", "=", self.customer.id)]), "a preview writes nothing")


@tagged("post_install", "-at_install")
class TestListsOpenOnWhatEachPersonNeeds(MailCommon):

    def test_collector_and_manager_defaults(self):
        collector = new_test_user(self.env, "ar_default_collector",
                                  groups="base.group_user,ar_collections.group_ar_collections_collector")
        manager = new_test_user(self.env, "ar_default_manager",
                                groups="base.group_user,ar_collections.group_ar_collections_manager")
        Action = self.env["ar.collection.action"]
        self.assertIn("search_default_my_actions", str(Action.with_user(collector)._action_open_for_current_user()))
        manager_action = Action.with_user(manager)._action_open_for_current_user()
        self.assertNotIn("search_default_my_actions", str(manager_action["context"]))
        self.assertEqual(manager_action["context"]["search_default_group_user"], 1)
        Agenda = self.env["ar.collection.agenda.line"]
        self.assertIn("my_today", str(Agenda.with_user(collector)._action_open_for_current_user()["context"]))
        self.assertEqual(Agenda.with_user(manager)._action_open_for_current_user()["context"],
                         {"search_default_today": 1, "search_default_group_user": 1})
