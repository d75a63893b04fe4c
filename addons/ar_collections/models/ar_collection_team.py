from odoo import fields, models


class ArCollectionTeam(models.Model):
    _name = "ar.collection.team"
    _description = "Collections Team"
    _order = "sequence, name"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    leader_id = fields.Many2one("res.users", string="Team Leader", domain=[("share", "=", False)])
    member_ids = fields.Many2many("res.users", string="Members", domain=[("share", "=", False)])
    dispute_sla_days = fields.Integer(string="Dispute SLA (days)", default=10,
                                      help="Days this team has to resolve a dispute.")
