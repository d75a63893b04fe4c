from odoo import fields, models


class ArDisputeReason(models.Model):
    _name = "ar.dispute.reason"
    _description = "Dispute Reason"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    team_id = fields.Many2one("ar.collection.team", string="Owner Team",
                              help="Team that receives disputes of this reason by default.")
    sla_days = fields.Integer(string="SLA (days)", default=10)

    _sql_constraints = [("code_uniq", "unique(code)", "A dispute reason code must be unique.")]
