from odoo import Command, api, fields, models

from ..models.ar_collection_step import CHANNELS

PREVIEW_STATES = [("planned", "To Send"), ("to_approve", "To Approve"), ("skipped", "Blocked")]


class ArCollectionEnginePreviewLine(models.TransientModel):
    _name = "ar.collection.engine.preview.line"
    _description = "Collections Engine Preview Line"
    _order = "state, partner_id, id"

    preview_id = fields.Many2one("ar.collection.engine.preview", required=True, ondelete="cascade")
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    channel = fields.Selection(CHANNELS, readonly=True)
    step_id = fields.Many2one("ar.collection.step", string="Step", readonly=True)
    segment_id = fields.Many2one("ar.collection.segment", string="Segment", readonly=True)
    state = fields.Selection(PREVIEW_STATES, readonly=True)
    move_ids = fields.Many2many("account.move", string="Invoices", readonly=True)
    currency_id = fields.Many2one(related="preview_id.company_id.currency_id")
    amount = fields.Monetary(readonly=True)
    scheduled_local = fields.Char(string="Send At", readonly=True,
                                  help="When the action would be sent, in the customer's time zone.")
    reason_codes = fields.Char(readonly=True)
    blocked_by = fields.Char(string="Blocked by Guardrail", readonly=True)
    is_control_group = fields.Boolean(string="Control Group", readonly=True)

    @api.model
    def _values_from_decision(self, decision, segment_id=False):
        return {
            "partner_id": decision.partner_id,
            "segment_id": segment_id,
            "channel": decision.channel,
            "step_id": decision.step_id,
            "state": decision.state,
            "move_ids": [Command.set(decision.move_ids)],
            "amount": decision.amount,
            "scheduled_local": decision.scheduled_local and decision.scheduled_local.strftime("%Y-%m-%d %H:%M"),
            "reason_codes": ", ".join(decision.reasons),
            "blocked_by": decision.blocked_by,
            "is_control_group": decision.is_control,
        }
