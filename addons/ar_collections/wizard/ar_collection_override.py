from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError

OPERATIONS = [
    ("skip", "Skip Planned Actions"),
    ("postpone", "Postpone Planned Actions"),
    ("change_step", "Change Step"),
    ("change_segment", "Change Strategy (Segment)"),
    ("release_hold", "Release Invoice Hold"),
    ("release_credit_hold", "Release Credit Hold"),
    ("reassign", "Reassign Collector"),
]


class ArCollectionOverride(models.TransientModel):
    """A manager overrides the engine on one customer; the reason is required and recorded."""

    _name = "ar.collection.override"
    _description = "Collections Manager Override"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True,
                                 domain="[('parent_id', '=', False)]")
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    operation = fields.Selection(OPERATIONS, required=True, default="skip")
    reason = fields.Text(required=True)
    action_ids = fields.Many2many(
        "ar.collection.action", string="Actions", compute="_compute_action_ids", store=True, readonly=False,
        domain="[('partner_id', '=', partner_id), ('state', 'in', ('planned', 'to_approve', 'failed'))]")
    invoice_ids = fields.Many2many(
        "account.move", "ar_collection_override_move_rel", "wizard_id", "move_id", string="Invoices",
        compute="_compute_invoice_ids", store=True, readonly=False,
        domain="[('commercial_partner_id', '=', partner_id), ('state', '=', 'posted'),"
        " ('move_type', 'in', ('out_invoice', 'out_receipt'))]")
    postpone_days = fields.Integer(default=7)
    step_id = fields.Many2one("ar.collection.step", string="New Step")
    segment_id = fields.Many2one("ar.collection.segment", string="New Segment",
                                 domain="[('company_id', '=', company_id)]")
    user_id = fields.Many2one("res.users", string="New Collector", domain=[("share", "=", False)])

    @api.depends("partner_id", "operation")
    def _compute_action_ids(self):
        for wizard in self:
            wizard.action_ids = [Command.set(self.env["ar.collection.action"].search([
                ("partner_id", "=", wizard.partner_id.id), ("company_id", "=", wizard.company_id.id),
                ("state", "in", ("planned", "to_approve", "failed"))]).ids)] if wizard.partner_id else False

    @api.depends("partner_id", "operation")
    def _compute_invoice_ids(self):
        for wizard in self:
            domain = [("commercial_partner_id", "=", wizard.partner_id.id), ("company_id", "=", wizard.company_id.id),
                      ("state", "=", "posted"), ("payment_state", "in", ("not_paid", "partial")),
                      ("move_type", "in", ("out_invoice", "out_receipt"))]
            if wizard.operation == "release_hold":
                domain.append(("collection_hold_state", "!=", False))
            wizard.invoice_ids = [Command.set(self.env["account.move"].search(domain).ids)] \
                if wizard.partner_id else False

    def action_apply(self):
        self.ensure_one()
        if not self.env.user.has_group("ar_collections.group_ar_collections_manager"):
            raise AccessError(self.env._("Only a collections manager can override the collections engine."))
        if not (self.reason or "").strip():
            raise UserError(self.env._("Say why you override."))
        labels = dict(OPERATIONS)
        old, new = getattr(self, f"_apply_{self.operation}")()
        self.env["ar.collection.event"]._record([{
            "event_type": "override", "description": labels[self.operation], "company_id": self.company_id.id,
            "partner_id": self.partner_id.id, "res_model": "res.partner", "res_id": self.partner_id.id,
            "record_name": self.partner_id.display_name, "reason": self.reason, "old_value": old, "new_value": new,
            "rule": f"override:{self.operation}",
            "payload": {"action_ids": self.action_ids.ids, "invoice_ids": self.invoice_ids.ids},
        }])
        self.partner_id.message_post(
            body=self.env._("Manager override: %(operation)s. Reason: %(reason)s",
                            operation=labels[self.operation], reason=self.reason),
            message_type="comment", subtype_xmlid="mail.mt_note")
        return {"type": "ir.actions.act_window_close"}

    def _require(self, records, what):
        if not records:
            raise UserError(self.env._("Choose the %s to override.", what))

    def _apply_skip(self):
        self._require(self.action_ids, self.env._("actions"))
        self.action_ids.with_context(ar_collection_reason=self.reason).write(
            {"state": "cancelled", "cancel_reason": self.env._("Skipped by a manager: %s", self.reason)})
        return ", ".join(self.action_ids.mapped("name")), self.env._("Skipped")

    def _apply_postpone(self):
        self._require(self.action_ids, self.env._("actions"))
        if self.postpone_days < 1:
            raise UserError(self.env._("Postpone by one day at least."))
        for action in self.action_ids:
            action.with_context(ar_collection_reason=self.reason).write(
                {"scheduled_date": action.scheduled_date + timedelta(days=self.postpone_days)})
        return ", ".join(self.action_ids.mapped("name")), self.env._("+%s days", self.postpone_days)

    def _apply_change_step(self):
        self._require(self.invoice_ids, self.env._("invoices"))
        if not self.step_id:
            raise UserError(self.env._("Choose the new step."))
        old = ", ".join(sorted(set(self.invoice_ids.mapped("collection_step_id.display_name")))) or "-"
        self.invoice_ids.sudo().with_context(ar_collection_reason=self.reason).write(
            {"collection_step_id": self.step_id.id})
        return old, self.step_id.display_name

    def _apply_change_segment(self):
        if not self.segment_id:
            raise UserError(self.env._("Choose the new segment."))
        partner = self.partner_id.with_company(self.company_id)
        old = partner.collection_segment_id.display_name or "-"
        partner.with_context(ar_collection_reason=self.reason).write(
            {"collection_segment_override_id": self.segment_id.id})
        return old, self.segment_id.display_name

    def _apply_release_hold(self):
        held = self.invoice_ids.filtered("collection_hold_state")
        self._require(held, self.env._("held invoices"))
        old = ", ".join(f"{move.name}: {move.collection_hold_state}" for move in held)
        held.sudo().with_context(ar_collection_reason=self.reason).write({"collection_hold_state": False})
        return old, self.env._("Released")

    def _apply_release_credit_hold(self):
        partner = self.partner_id.with_company(self.company_id)
        if not partner.collection_credit_hold:
            raise UserError(self.env._("%s is not on credit hold.", partner.display_name))
        old = partner.collection_credit_hold_reason or self.env._("Credit hold")
        partner._collection_release_credit_hold(self.reason)
        return old, self.env._("Released until %s", partner.collection_credit_hold_exempt_until)

    def _apply_reassign(self):
        if not self.user_id:
            raise UserError(self.env._("Choose the new collector."))
        partner = self.partner_id.with_company(self.company_id)
        old = partner.collection_user_id.name or "-"
        partner.with_context(ar_collection_reason=self.reason).write({"collection_user_id": self.user_id.id})
        self.action_ids.filtered(lambda a: a.state in ("planned", "to_approve", "failed")).write(
            {"user_id": self.user_id.id})
        self.env["ar.collection.agenda.line"].search([
            ("partner_id", "=", partner.id), ("company_id", "=", self.company_id.id), ("state", "=", "todo"),
            ("date", ">=", fields.Date.context_today(self))]).write({"user_id": self.user_id.id, "user_locked": True})
        return old, self.user_id.name
