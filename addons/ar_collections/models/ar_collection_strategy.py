from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..engine import guardrails
from .ar_collection_step import ESCALATION_LEVELS

# A legal handoff always waits for an approval: a broken promise cannot trigger it directly.
BROKEN_PROMISE_LEVELS = [(level, label) for level, label in ESCALATION_LEVELS if level != "legal"]


class ArCollectionStrategy(models.Model):
    _name = "ar.collection.strategy"
    _description = "Collection Strategy"
    _inherit = ["mail.thread"]
    _order = "company_id, sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    description = fields.Text(translate=True)
    step_ids = fields.One2many("ar.collection.step", "strategy_id", string="Steps", copy=True)
    segment_ids = fields.One2many("ar.collection.segment", "strategy_id", string="Segments")
    step_count = fields.Integer(compute="_compute_step_count")

    # Action limits (guardrails) applied to every send of this strategy.
    max_touches = fields.Integer(
        string="Max. Touches per Customer", default=4, tracking=True,
        help="Maximum number of contacts with one customer within the period. 0 = no limit.")
    touch_period_days = fields.Integer(string="Period (days)", default=30, tracking=True)
    min_gap_days = fields.Integer(
        string="Min. Days Between Touches", default=3, tracking=True,
        help="Minimum number of days between two contacts with the same customer.")
    quiet_weekday_ids = fields.Many2many(
        "ar.collection.weekday", string="Quiet Days",
        default=lambda self: self.env["ar.collection.weekday"].search([("number", ">=", 5)]),
        help="No customer is contacted on these days.")
    quiet_hour_start = fields.Float(
        string="Quiet From", default=20.0,
        help="No customer is contacted from this hour (customer's time zone) ...")
    quiet_hour_end = fields.Float(string="Quiet Until", default=8.0, help="... until this hour.")
    min_overdue_amount = fields.Monetary(
        string="Min. Overdue Amount", currency_field="currency_id", tracking=True,
        help="Customers owing less than this (company currency) are not contacted.")
    consolidate_per_customer = fields.Boolean(
        string="One Message per Customer", default=True,
        help="A reminder covers all overdue invoices of the customer, credit notes netted.")
    catch_up_by_age = fields.Boolean(
        string="Catch Up by Age", tracking=True,
        help="An invoice takes at once the step its age reached, skipping the earlier ones (for example the "
        "final notice for an invoice found 60 days overdue). By default, every invoice goes through the steps "
        "in order, one after the other, with the minimum gap between them: going live on an old book starts "
        "every customer at the first reminder.")
    copy_invoice_contacts = fields.Boolean(
        string="Copy Invoicing Contacts",
        help="Reminder emails also go to the customer's contacts of type Invoice, besides its collections contact.")
    send_thank_you = fields.Boolean(string="Thank-You on Payment", help="Thank customers who pay a reminded invoice.")
    control_group_percent = fields.Float(
        string="Control Group (%)", default=0.0,
        help="Share of customers kept on the plain schedule to measure the gain of automated decisions.")
    paused = fields.Boolean(tracking=True, help="Pause every action of this strategy.")
    broken_promise_escalate_to = fields.Selection(
        BROKEN_PROMISE_LEVELS, string="Broken Promise Escalates To", default="manager", tracking=True,
        help="Who takes over the account when a customer breaks a promise to pay. Empty: no escalation.")
    escalation_amount = fields.Monetary(
        string="Escalate from Overdue Amount", currency_field="currency_id", tracking=True,
        help="Escalate a customer's account once its overdue invoices reach this amount (company currency). "
        "0: no amount threshold.")
    escalation_days = fields.Integer(
        string="Escalate from Days Overdue", tracking=True,
        help="Escalate a customer's account once its oldest overdue invoice is this many days late. "
        "0: no age threshold.")
    threshold_escalate_to = fields.Selection(
        BROKEN_PROMISE_LEVELS, string="Threshold Escalates To", default="manager", tracking=True,
        help="Who takes over an account past the amount or age threshold.")

    @api.depends("step_ids")
    def _compute_step_count(self):
        for strategy in self:
            strategy.step_count = len(strategy.step_ids)

    @api.constrains("max_touches", "touch_period_days", "min_gap_days", "quiet_hour_start",
                    "quiet_hour_end", "min_overdue_amount", "control_group_percent")
    def _check_action_limits(self):
        for strategy in self:
            if strategy.max_touches < 0:
                raise ValidationError(self.env._("The maximum number of touches cannot be negative."))
            if strategy.max_touches and strategy.touch_period_days <= 0:
                raise ValidationError(self.env._("A touch limit needs a period of at least one day."))
            if strategy.min_gap_days < 0:
                raise ValidationError(self.env._("The minimum gap between touches cannot be negative."))
            for hour in (strategy.quiet_hour_start, strategy.quiet_hour_end):
                if not 0 <= hour <= 24:
                    raise ValidationError(self.env._("Quiet hours must lie between 00:00 and 24:00."))
            if strategy.min_overdue_amount < 0:
                raise ValidationError(self.env._("The minimum overdue amount cannot be negative."))
            if not 0 <= strategy.control_group_percent <= 50:
                raise ValidationError(self.env._("The control group is between 0% and 50% of the customers."))

    @api.constrains("escalation_amount", "escalation_days", "threshold_escalate_to")
    def _check_escalation_thresholds(self):
        for strategy in self:
            if strategy.escalation_amount < 0 or strategy.escalation_days < 0:
                raise ValidationError(self.env._("Escalation thresholds cannot be negative."))
            if (strategy.escalation_amount or strategy.escalation_days) and not strategy.threshold_escalate_to:
                raise ValidationError(self.env._(
                    "Strategy %s: say who takes over the accounts past its escalation thresholds.", strategy.name))

    @api.constrains("quiet_weekday_ids")
    def _check_quiet_days(self):
        for strategy in self:
            if len(strategy.quiet_weekday_ids) >= 7:
                raise ValidationError(self.env._(
                    "Strategy %s: with every day quiet, no customer could ever be contacted.", strategy.name))

    def _guardrail_limits(self):
        """The action limits of the strategy, as the engine's guardrails read them."""
        self.ensure_one()
        return guardrails.Limits(
            max_touches=self.max_touches,
            touch_period_days=self.touch_period_days or 30,
            min_gap_days=self.min_gap_days,
            quiet_weekdays=frozenset(self.quiet_weekday_ids.mapped("number")),
            quiet_hour_start=self.quiet_hour_start,
            quiet_hour_end=self.quiet_hour_end,
            min_overdue_amount=self.min_overdue_amount,
        )

    def is_quiet_hour(self, hour):
        """Whether ``hour`` (a float, local time) falls in the quiet hours, which may span midnight."""
        self.ensure_one()
        return guardrails.is_quiet_hour(self._guardrail_limits(), hour)
