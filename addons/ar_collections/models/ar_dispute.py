from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

DISPUTE_STATES = [("open", "Open"), ("resolved", "Resolved"), ("rejected", "Rejected")]
RESOLUTIONS = [
    ("credit_note", "Credit Note"),
    ("correction", "Correction"),
    ("rejection", "Rejected"),
]
SOURCES = [
    ("backoffice", "Back Office"),
    ("portal", "Customer Portal"),
    ("email", "Email Reply"),
    ("call", "Call"),
]


class ArDispute(models.Model):
    _name = "ar.dispute"
    _description = "Invoice Dispute"
    _inherit = ["ar.invoice.case.mixin", "ar.collection.audit.mixin", "mail.thread", "mail.activity.mixin",
                "portal.mixin"]
    _order = "state_sequence, sla_deadline, id desc"
    _check_company_auto = True

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/")
    invoice_ids = fields.Many2many(
        "account.move", "ar_dispute_account_move_rel", "dispute_id", "move_id", string="Invoices",
        required=True, check_company=True, domain="[('partner_id.commercial_partner_id', '=', partner_id),"
        " ('move_type', 'in', ('out_invoice', 'out_receipt')), ('state', '=', 'posted')]")
    state = fields.Selection(DISPUTE_STATES, default="open", required=True, tracking=True, index=True, copy=False)
    state_sequence = fields.Integer(compute="_compute_state_sequence", store=True)
    reason_id = fields.Many2one("ar.dispute.reason", string="Reason", required=True, tracking=True)
    disputed_amount = fields.Monetary(currency_field="currency_id", required=True, tracking=True)
    description = fields.Text(string="Customer's Explanation")
    source = fields.Selection(SOURCES, default="backoffice", required=True)
    team_id = fields.Many2one("ar.collection.team", string="Owner Team", tracking=True, check_company=True,
                              compute="_compute_team_id", store=True, readonly=False)
    user_id = fields.Many2one("res.users", string="Owner", tracking=True, default=lambda self: self.env.user,
                              domain=[("share", "=", False)])
    sla_deadline = fields.Datetime(string="SLA Deadline", compute="_compute_sla_deadline", store=True,
                                   readonly=False, tracking=True)
    sla_breached = fields.Boolean(string="SLA Breached", compute="_compute_sla_breached",
                                  search="_search_sla_breached")
    resolution = fields.Selection(RESOLUTIONS, tracking=True, copy=False)
    resolution_note = fields.Text(copy=False)
    resolved_date = fields.Datetime(readonly=True, copy=False)
    _audit_fields = ("state", "user_id")

    @api.depends("state")
    def _compute_state_sequence(self):
        order = {state: index for index, (state, _label) in enumerate(DISPUTE_STATES)}
        for dispute in self:
            dispute.state_sequence = order.get(dispute.state, 0)

    @api.depends("reason_id")
    def _compute_team_id(self):
        for dispute in self:
            if dispute.reason_id.team_id and not dispute.team_id:
                dispute.team_id = dispute.reason_id.team_id

    @api.depends("reason_id", "team_id")
    def _compute_sla_deadline(self):
        for dispute in self:
            days = dispute.team_id.dispute_sla_days or dispute.reason_id.sla_days or 10
            start = dispute.create_date or fields.Datetime.now()
            dispute.sla_deadline = start + timedelta(days=days)

    @api.depends("sla_deadline", "state")
    def _compute_sla_breached(self):
        now = fields.Datetime.now()
        for dispute in self:
            dispute.sla_breached = dispute.state == "open" and bool(dispute.sla_deadline) and dispute.sla_deadline < now

    def _search_sla_breached(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on the SLA breach."))
        breached = [("state", "=", "open"), ("sla_deadline", "<", fields.Datetime.now())]
        return breached if (operator == "=") == value else ["!", "&", *breached]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("ar.dispute") or "/"
        disputes = super().create(vals_list)
        disputes.invoice_ids._collection_recompute_state()
        return disputes

    def write(self, vals):
        closing = self.browse()
        if vals.get("state") in ("resolved", "rejected"):
            closing = self.filtered(lambda d: d.state == "open")
        result = super().write(vals)
        if {"state", "invoice_ids"} & set(vals):
            self.invoice_ids._collection_recompute_state()
        if closing:
            # The invoices are back in the dunning flow (or credited): let the engine look at them now.
            self.env["ar.collection.engine"]._trigger_run()
        return result

    @api.constrains("disputed_amount", "invoice_ids", "state")
    def _check_disputed_amount(self):
        for dispute in self.filtered(lambda d: d.state == "open"):
            if dispute.disputed_amount <= 0:
                raise ValidationError(self.env._("The disputed amount must be positive."))
            if dispute.currency_id.compare_amounts(dispute.disputed_amount, dispute._invoices_total()) > 0:
                raise ValidationError(self.env._(
                    "The disputed amount (%(amount)s) exceeds the total of the disputed invoices (%(total)s).",
                    amount=dispute.currency_id.format(dispute.disputed_amount),
                    total=dispute.currency_id.format(dispute._invoices_total())))

    def _invoices_total(self):
        return sum(self.invoice_ids.mapped("amount_total"))

    def action_resolve(self):
        for dispute in self:
            dispute._check_open()
            if not dispute.resolution or dispute.resolution == "rejection":
                raise UserError(self.env._("Choose how dispute %s was resolved (credit note or correction).",
                                           dispute.name))
        self.write({"state": "resolved", "resolved_date": fields.Datetime.now()})
        return True

    def action_reject(self):
        for dispute in self:
            dispute._check_open()
            if not dispute.resolution_note:
                raise UserError(self.env._("Explain to the customer why dispute %s is rejected.", dispute.name))
        self.write({"state": "rejected", "resolution": "rejection", "resolved_date": fields.Datetime.now()})
        return True

    def action_reopen(self):
        self.filtered(lambda d: d.state != "open").with_context(
            ar_collection_reason=self.env._("Reopened")).write({
                "state": "open", "resolution": False, "resolved_date": False})
        return True

    def _check_open(self):
        if self.state != "open":
            raise UserError(self.env._("Dispute %s is already closed.", self.name))

    def _compute_access_url(self):
        super()._compute_access_url()
        for dispute in self:
            dispute.access_url = f"/my/disputes/{dispute.id}"

