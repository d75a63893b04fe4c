from odoo import Command, fields
from odoo.addons.ar_collections.engine.ranking import rank
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger
from psycopg2 import IntegrityError

from .common import ArCollectionsCommon


class AgendaCommon(ArCollectionsCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Line = cls.env["ar.collection.agenda.line"]
        cls.company = cls.env.company
        cls.company.collection_user_id = cls.collector_2
        cls.customer.with_company(cls.company).collection_user_id = cls.collector
        cls.invoice = cls._invoice(cls.customer, 1000, cls._day(-60))
        cls.invoice_2 = cls._invoice(cls.customer_2, 5000, cls._day(-40))
        cls.call = cls._planned_call(cls.customer, cls.invoice)

    @classmethod
    def _planned_call(cls, partner, invoice):
        return cls.env["ar.collection.action"].create({
            "partner_id": partner.id, "channel": "call", "state": "planned",
            "scheduled_date": fields.Datetime.now(), "move_ids": [Command.set(invoice.ids)],
            "move_id": invoice.id, "step_id": cls.strategy.step_ids[1].id,
        })

    def _rules(self, **weights):
        self.env["ar.collection.ranking.rule"].search([]).unlink()
        self.env["ar.collection.ranking.rule"].create([
            {"name": factor, "factor": factor, "weight": weight} for factor, weight in weights.items()])

    def _build(self):
        self.Line._build_agenda(self.company, self.today)
        return self.Line.search([("company_id", "=", self.company.id), ("date", "=", self.today)])


@tagged("post_install", "-at_install")
class TestAgenda(AgendaCommon):

    def test_ranking_is_plain_python(self):
        candidates = [
            {"partner_id": 1, "amount": 100.0, "days_overdue": 10, "reasons": {"call_planned"}, "user_id": 7},
            {"partner_id": 2, "amount": 900.0, "days_overdue": 10, "reasons": {"call_planned"}, "user_id": 7},
            {"partner_id": 3, "amount": 50.0, "days_overdue": 90, "promise_due": True,
             "reasons": {"promise_due"}, "user_id": 8},
        ]
        ranked = rank(candidates, [("amount", 1.0, None), ("promise_due", 5.0, None)])
        self.assertEqual([c["partner_id"] for c in ranked], [3, 2, 1])
        self.assertEqual([c["rank"] for c in ranked], [1, 1, 2], "ranks are per collector")
        self.assertEqual(ranked[0]["next_action"], "check_promise")

    def test_agenda_built_from_engine_calls_promises_and_risk(self):
        promise = self.env["ar.promise"].create({
            "partner_id": self.customer_2.id, "invoice_ids": [Command.set(self.invoice_2.ids)],
            "amount": 2000, "promise_date": self.today})
        lines = self._build()
        by_partner = {line.partner_id: line for line in lines}
        self.assertEqual(set(by_partner), {self.customer, self.customer_2})
        line = by_partner[self.customer]
        self.assertEqual(line.user_id, self.collector, "the customer's collector owns the line")
        self.assertEqual(line.reason_codes, "call_planned")
        self.assertEqual(line.next_action, "call")
        self.assertEqual(line.action_ids, self.call)
        self.assertEqual(line.move_ids, self.invoice)
        self.assertEqual(line.days_overdue, 30)
        self.assertAlmostEqual(line.amount_overdue, 1000)
        other = by_partner[self.customer_2]
        self.assertEqual(other.user_id, self.collector_2, "no collector: the company's default one")
        self.assertIn("promise_due", other.reason_codes)
        self.assertEqual(other.promise_ids, promise)
        self.assertEqual(other.next_action, "check_promise")

    def test_high_risk_customer_without_recent_contact(self):
        customer = self._customer("Risky Ltd", "US")
        self._invoice(customer, 300, self._day(-50))
        self.env["res.partner"].browse(customer.id).with_company(self.company).sudo().write(
            {"collection_risk_score": 90})
        line = self._build().filtered(lambda l: l.partner_id == customer)
        self.assertEqual(line.reason_codes, "high_risk_no_contact")
        # A recent call takes them off.
        self.env["ar.collection.action"].create({
            "partner_id": customer.id, "channel": "call", "state": "done", "done_date": fields.Datetime.now()})
        self.assertFalse(self._build().filtered(lambda l: l.partner_id == customer))

    def test_weighted_rules_rank(self):
        self.customer_2.with_company(self.company).collection_user_id = self.collector
        self._planned_call(self.customer_2, self.invoice_2)
        self._rules(amount=1.0)
        lines = self._build().sorted("rank")
        self.assertEqual(lines.mapped("partner_id"), self.customer_2 | self.customer)
        self.assertEqual(lines[0].partner_id, self.customer_2, "bigger amount first")
        self._rules(aging=1.0)
        lines = self._build().sorted("rank")
        self.assertEqual(lines[0].partner_id, self.customer, "older debt first")
        self.assertEqual(lines.mapped("rank"), [1, 2])

    def test_one_line_per_customer_and_day(self):
        self._build()
        lines = self._build()
        self.assertEqual(len(lines.filtered(lambda l: l.partner_id == self.customer)), 1)
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            self.Line.create({"partner_id": self.customer.id, "date": self.today, "user_id": self.collector_2.id})

    def test_refresh_keeps_done_lines_and_drops_stale(self):
        line = self._build().filtered(lambda l: l.partner_id == self.customer)
        line.state = "done"
        self._build()
        self.assertEqual(line.state, "done")
        self.call.action_cancel()
        line.state = "todo"
        self._build()
        self.assertFalse(line.exists(), "nothing calls for a person any more")

    def test_refresh_my_agenda_button(self):
        action = self.Line.with_user(self.collector).action_refresh_my_agenda()
        self.assertEqual(action["res_model"], "ar.collection.agenda.line")
        self.assertTrue(self.Line.with_user(self.collector).search([("user_id", "=", self.collector.id)]))

    def test_postpone_and_send_now(self):
        line = self._build().filtered(lambda l: l.partner_id == self.customer).with_user(self.collector)
        line.action_send_now()
        self.assertEqual(self.call.state, "done")
        self.assertEqual(line.state, "done")
        line.sudo().state = "todo"
        line.action_postpone(3)
        self.assertEqual(line.date, self._day(3))
        self.assertTrue(line.postponed)

    def test_access_collector_only_own_lines(self):
        self._planned_call(self.customer_2, self.invoice_2)
        lines = self._build()
        mine = lines.filtered(lambda l: l.user_id == self.collector)
        theirs = lines.filtered(lambda l: l.user_id == self.collector_2)
        self.assertTrue(mine and theirs)
        as_collector = self.Line.with_user(self.collector)
        self.assertEqual(as_collector.search([("id", "in", lines.ids)]), lines, "collectors see every line")
        with self.assertRaises(AccessError):
            as_collector.browse(theirs.ids).action_postpone(1)
        with self.assertRaises(AccessError):
            as_collector.browse(theirs.ids).action_log_call()
        with self.assertRaises(AccessError):
            as_collector.browse(theirs.ids).write({"state": "done"})
        with self.assertRaises(AccessError):
            as_collector.browse(mine.ids).action_reassign(self.collector_2)
        # A manager acts on anybody's lines.
        self.Line.with_user(self.manager).browse(theirs.ids).action_reassign(self.collector)
        self.assertEqual(theirs.user_id, self.collector)
        self.assertTrue(theirs.user_locked)
        self._build()
        self.assertEqual(theirs.user_id, self.collector, "a manual reassignment survives the rebuild")
        event = self.env["ar.collection.event"].search(
            [("res_model", "=", "ar.collection.agenda.line"), ("res_id", "=", theirs.id)])
        self.assertEqual(event.event_type, "assignment")

    def test_views_render(self):
        for model in ("ar.collection.agenda.line", "ar.reconciliation.exception"):
            views = self.env[model].with_user(self.collector).get_views(
                [(False, "list"), (False, "form"), (False, "search")])
            self.assertEqual(set(views["views"]), {"list", "form", "search"})
        self.env["ar.collection.call.log"].with_user(self.collector).get_views([(False, "form")])
        self.env["ar.collection.override"].with_user(self.manager).get_views([(False, "form")])
