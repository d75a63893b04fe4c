from odoo import fields, models

from ..engine.ranking import FACTORS


class ArCollectionRankingRule(models.Model):
    """One weighted factor of the agenda ranking; managers edit them."""

    _name = "ar.collection.ranking.rule"
    _description = "Agenda Ranking Rule"
    _inherit = ["ar.collection.audit.mixin"]
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    factor = fields.Selection(FACTORS, required=True)
    weight = fields.Float(required=True, default=1.0, digits=(16, 2),
                          help="How much the factor counts; each factor is worth between 0 and 1 before weighting.")
    segment_ids = fields.Many2many(
        "ar.collection.segment", string="Segments", check_company=True,
        help="Segment factor: customers of these segments score in full, the others nothing.")
    _audit_fields = ("weight", "active", "factor")

    def _rule_tuples(self):
        return [(rule.factor, rule.weight, set(rule.segment_ids.ids)) for rule in self]
