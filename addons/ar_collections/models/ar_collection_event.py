from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG

EVENT_TYPES = [
    ("create", "Created"),
    ("state_change", "State Change"),
    ("decision", "Engine Decision"),
    ("blocked", "Blocked by Guardrail"),
    ("approval", "Approved"),
    ("rejection", "Rejected"),
    ("override", "Manager Override"),
    ("assignment", "Assignment"),
    ("sent", "Sent"),
    ("failed", "Failed"),
    ("escalation", "Escalation"),
    ("call", "Call Logged"),
    ("dismissal", "False Positive Dismissed"),
    ("exception", "Reconciliation Exception"),
]


class ArCollectionEvent(models.Model):
    """Immutable audit trail: who did what, when, why and under which rule.

    Events are only ever created by the system (through ``_record``, in sudo);
    nobody can edit or delete one through the application, administrators and
    the superuser included.
    """

    _name = "ar.collection.event"
    _description = "Collections Audit Event"
    _order = "date desc, id desc"
    _rec_name = "description"

    date = fields.Datetime(required=True, default=fields.Datetime.now, readonly=True, index=True)
    event_type = fields.Selection(EVENT_TYPES, required=True, readonly=True, index=True)
    description = fields.Char(readonly=True)
    user_id = fields.Many2one("res.users", string="By", readonly=True, ondelete="restrict",
                              default=lambda self: self.env.user)
    company_id = fields.Many2one("res.company", readonly=True, index=True, ondelete="cascade")
    res_model = fields.Char(string="Document Model", readonly=True, index=True)
    res_id = fields.Many2oneReference(string="Document ID", model_field="res_model", readonly=True, index=True)
    record_name = fields.Char(string="Document", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True, index=True, ondelete="set null")
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True, index=True, ondelete="set null")
    old_value = fields.Char(readonly=True)
    new_value = fields.Char(readonly=True)
    reason = fields.Text(readonly=True)
    rule = fields.Char(string="Rule", readonly=True, help="The rule, step or guardrail behind the event.")
    payload = fields.Json(readonly=True, help="The inputs behind a decision.")

    @api.model
    def _record(self, vals_list):
        """Append events; the only supported way of writing the trail."""
        return self.sudo().with_context(ar_collection_event_write=True).create(vals_list)

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.context.get("ar_collection_event_write"):
            raise UserError(self.env._("Audit events are written by the system only."))
        return super().create(vals_list)

    def write(self, vals):
        raise UserError(self.env._("Audit events are immutable: they cannot be modified."))

    def unlink(self):
        if not self.env.context.get(MODULE_UNINSTALL_FLAG):
            raise UserError(self.env._("Audit events are immutable: they cannot be deleted."))
        return super().unlink()

    def action_open_document(self):
        self.ensure_one()
        if not self.res_model or not self.res_id:
            return False
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
        }
