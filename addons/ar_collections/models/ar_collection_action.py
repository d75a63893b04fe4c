from odoo import api, fields, models
from odoo.exceptions import UserError

from .ar_collection_step import CHANNELS

ACTION_STATES = [
    ("planned", "Planned"),
    ("to_approve", "Awaiting Approval"),
    ("done", "Done"),
    ("skipped", "Skipped"),
    ("failed", "Failed"),
    ("cancelled", "Cancelled"),
]


class ArCollectionAction(models.Model):
    _name = "ar.collection.action"
    _description = "Collection Action"
    _inherit = ["ar.collection.audit.mixin", "mail.thread"]
    _order = "scheduled_date desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True)
    move_id = fields.Many2one("account.move", string="Invoice", index=True, check_company=True,
                              help="Empty when the action covers several invoices of the customer.")
    move_ids = fields.Many2many("account.move", "ar_collection_action_account_move_rel", "action_id", "move_id",
                                string="Invoices", check_company=True)
    strategy_id = fields.Many2one("ar.collection.strategy", index=True, check_company=True)
    step_id = fields.Many2one("ar.collection.step", index=True, check_company=True)
    channel = fields.Selection(CHANNELS, required=True)
    state = fields.Selection(ACTION_STATES, default="planned", required=True, index=True, tracking=True)
    scheduled_date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    done_date = fields.Datetime(readonly=True)
    user_id = fields.Many2one("res.users", string="Owner", index=True, domain=[("share", "=", False)])
    contact_id = fields.Many2one("res.partner", string="Contact")
    reason_codes = fields.Char(help="Why the engine chose this action.")
    decision_inputs = fields.Json(help="The inputs the decision was made from.")
    score = fields.Float(digits=(16, 4))
    blocked_by = fields.Char(string="Blocked by Guardrail")
    failure_reason = fields.Text()
    is_control_group = fields.Boolean(help="Customer of the control group, on the plain schedule.")
    approved_by_id = fields.Many2one("res.users", readonly=True)
    approval_comment = fields.Text()
    currency_id = fields.Many2one("res.currency")
    amount_due = fields.Monetary(currency_field="currency_id")
    _audit_fields = ("state", "user_id")

    @api.depends("channel", "partner_id", "step_id")
    def _compute_name(self):
        labels = dict(CHANNELS)
        for action in self:
            action.name = " - ".join(filter(None, [
                labels.get(action.channel), action.step_id.name, action.partner_id.display_name]))

    def _audit_event_values(self):
        return {**super()._audit_event_values(), "move_id": self.move_id.id, "rule": self.step_id.display_name}

    def _check_state(self, allowed, verb):
        wrong = self.filtered(lambda action: action.state not in allowed)
        if wrong:
            raise UserError(self.env._(
                "Only actions that are %(states)s can be %(verb)s (%(actions)s).",
                states=" / ".join(dict(ACTION_STATES)[s] for s in allowed), verb=verb,
                actions=", ".join(wrong.mapped("name"))))

    def action_approve(self, comment=None):
        """Approve; ``comment`` defaults to the one typed on each action."""
        self._check_manager()
        self._check_state(("to_approve",), self.env._("approved"))
        for action in self:
            action._decide("planned", "approval", self.env._("Action approved"), comment or action.approval_comment)
        return True

    def action_reject(self, comment=None):
        self._check_manager()
        self._check_state(("to_approve",), self.env._("rejected"))
        for action in self:
            reason = comment or action.approval_comment
            if not reason:
                raise UserError(self.env._("Say why action %s is rejected.", action.name))
            action._decide("cancelled", "rejection", self.env._("Action rejected"), reason)
        return True

    def _decide(self, state, event_type, description, comment):
        self.with_context(ar_collection_reason=comment).write({
            "state": state, "approved_by_id": self.env.uid, "approval_comment": comment})
        self._audit_log(event_type, description=description, reason=comment)

    def action_cancel(self):
        self._check_state(("planned", "to_approve", "failed"), self.env._("cancelled"))
        self.write({"state": "cancelled"})
        return True

    def _check_manager(self):
        if not self.env.user.has_group("ar_collections.group_ar_collections_manager"):
            raise UserError(self.env._("Only a collections manager can approve or reject actions."))
