from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    collection_dispute_threshold = fields.Float(related="company_id.collection_dispute_threshold", readonly=False)
    collection_dispute_reason_id = fields.Many2one(related="company_id.collection_dispute_reason_id",
                                                   readonly=False)
    collection_high_risk_score = fields.Integer(related="company_id.collection_high_risk_score", readonly=False)
    collection_contact_gap_days = fields.Integer(related="company_id.collection_contact_gap_days", readonly=False)
