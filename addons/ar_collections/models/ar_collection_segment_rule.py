from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..engine import segmentation

METRICS = [
    ("avg_days_late", "Average days late"),
    ("late_ratio", "Share of invoices paid late (%)"),
    ("open_balance", "Open balance"),
    ("overdue_amount", "Overdue amount"),
    ("avg_invoice_amount", "Average invoice amount (deal size)"),
    ("invoice_count", "Invoices in the look-back period"),
    ("risk_score", "Risk score (0-100)"),
    ("country", "Country"),
    ("tag", "Customer tag (e.g. company size)"),
]
OPERATORS = [
    (">=", "at least"),
    (">", "more than"),
    ("<=", "at most"),
    ("<", "less than"),
    ("=", "equal to"),
    ("!=", "not equal to"),
    ("in", "is one of"),
    ("not in", "is none of"),
]


class ArCollectionSegmentRule(models.Model):
    _name = "ar.collection.segment.rule"
    _description = "Collection Segment Rule"
    _order = "segment_id, sequence, id"

    segment_id = fields.Many2one("ar.collection.segment", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="segment_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    metric = fields.Selection(METRICS, required=True, default="overdue_amount")
    operator = fields.Selection(OPERATORS, required=True, default=">=")
    value = fields.Float(digits=(16, 2))
    country_ids = fields.Many2many("res.country", string="Countries")
    tag_ids = fields.Many2many("res.partner.category", string="Tags")

    @api.constrains("metric", "operator", "value", "country_ids", "tag_ids")
    def _check_rule(self):
        for rule in self:
            is_set_metric = rule.metric in segmentation.SET_METRICS
            if is_set_metric != (rule.operator in segmentation.SET_OPERATORS):
                raise ValidationError(self.env._(
                    "Segment %(segment)s: the condition on %(metric)s must use %(operators)s.",
                    segment=rule.segment_id.name,
                    metric=dict(METRICS)[rule.metric],
                    operators=self.env._('"is one of" or "is none of"') if is_set_metric
                    else self.env._("a comparison"),
                ))
            if rule.metric == "country" and not rule.country_ids:
                raise ValidationError(self.env._("Segment %s: choose at least one country.", rule.segment_id.name))
            if rule.metric == "tag" and not rule.tag_ids:
                raise ValidationError(self.env._("Segment %s: choose at least one tag.", rule.segment_id.name))
            if rule.metric == "late_ratio" and not 0 <= rule.value <= 100:
                raise ValidationError(self.env._("A share of late invoices is a percentage between 0 and 100."))
            if rule.metric == "risk_score" and not 0 <= rule.value <= 100:
                raise ValidationError(self.env._("A risk score is between 0 and 100."))

    @api.depends("metric", "operator", "value", "country_ids", "tag_ids")
    def _compute_display_name(self):
        for rule in self:
            if rule.metric == "country":
                target = ", ".join(rule.country_ids.mapped("code"))
            elif rule.metric == "tag":
                target = ", ".join(rule.tag_ids.mapped("name"))
            else:
                target = f"{rule.value:g}"
            rule.display_name = f"{dict(METRICS).get(rule.metric, '')} {rule.operator} {target}"

    def _to_engine(self):
        self.ensure_one()
        ids = self.country_ids.ids if self.metric == "country" else self.tag_ids.ids
        value = self.value / 100.0 if self.metric == "late_ratio" else self.value
        return segmentation.Rule(metric=self.metric, operator=self.operator, value=value, ids=frozenset(ids))
