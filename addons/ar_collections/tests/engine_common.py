from datetime import timedelta

from odoo import Command, fields
from odoo.tools import format_amount

from odoo.addons.mail.tests.common import MailCommon

from .common import ArCollectionsCommon


def html_amount(env, amount, currency):
    """An amount as the HTML of a message shows it."""
    return format_amount(env, amount, currency).replace("\xa0", "&nbsp;")


class ArCollectionsEngineCommon(ArCollectionsCommon, MailCommon):
    """A strategy without quiet times or touch limits, so that each test decides what it plans and sends."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.write({
            "email": "ar@company.example.com",
            "collection_strategy_id": cls.strategy.id,
            "collection_user_id": cls.collector.id,
            "collection_manager_id": cls.manager.id,
        })
        cls.strategy.write({"quiet_weekday_ids": [Command.clear()], "quiet_hour_start": 0, "quiet_hour_end": 0,
                            "min_gap_days": 0, "max_touches": 0})
        cls.step_courtesy, cls.step_reminder = cls.strategy.step_ids.sorted("offset_days")
        cls.customer.write({"lang": "en_US", "mobile": "+32 470 12 34 56"})
        cls.Engine = cls.env["ar.collection.engine"]
        cls.Action = cls.env["ar.collection.action"]
        cls.engine_cron = cls.env.ref("ar_collections.ir_cron_collection_engine")

    def _plan(self, today=None, company=None):
        return self.Engine._plan(company or self.company, today=today or self.today)

    def _actions(self, partner=None):
        return self.Action.search([("partner_id", "=", (partner or self.customer).id)])

    def _overdue_invoice(self, amount, days_overdue, partner=None, **kwargs):
        """A posted invoice due ``days_overdue`` days ago (30-day terms)."""
        return self._invoice(partner or self.customer, amount, self._day(-days_overdue - 30), **kwargs)

    def _make_due(self, actions):
        """Bring actions scheduled later (such as retries) to now."""
        actions.write({"scheduled_date": fields.Datetime.now() - timedelta(seconds=1)})

    def _events(self, record, event_type):
        return self.env["ar.collection.event"].search([
            ("res_model", "=", record._name), ("res_id", "=", record.id), ("event_type", "=", event_type)])

    def _engine_triggers(self):
        return self.env["ir.cron.trigger"].search([("cron_id", "=", self.engine_cron.id)])

    def _replace_steps(self, *values_list):
        """Replace the strategy's steps by ``values_list``; return the new steps by offset."""
        self.strategy.step_ids = [Command.clear()] + [Command.create(values) for values in values_list]
        return self.strategy.step_ids.sorted("offset_days")
