from odoo import fields, models


class ArCollectionAgendaBulk(models.TransientModel):
    """Postpone or reassign agenda lines in bulk."""

    _name = "ar.collection.agenda.bulk"
    _description = "Agenda Bulk Action"

    line_ids = fields.Many2many("ar.collection.agenda.line", string="Lines",
                                default=lambda self: self.env.context.get("active_ids"))
    operation = fields.Selection([("postpone", "Postpone"), ("reassign", "Reassign")], required=True,
                                 default="postpone")
    days = fields.Integer(default=1)
    user_id = fields.Many2one("res.users", string="Collector", domain=[("share", "=", False)])

    def action_apply(self):
        self.ensure_one()
        if self.operation == "postpone":
            self.line_ids.action_postpone(self.days)
        else:
            self.line_ids.action_reassign(self.user_id)
        return {"type": "ir.actions.act_window_close"}
