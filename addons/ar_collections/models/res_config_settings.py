from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    collection_strategy_id = fields.Many2one(
        related="company_id.collection_strategy_id", readonly=False,
        domain="[('company_id', '=', company_id)]")
    collection_user_id = fields.Many2one(related="company_id.collection_user_id", readonly=False)
    collection_compliance_profile_id = fields.Many2one(
        related="company_id.collection_compliance_profile_id", readonly=False)
    collection_lookback_days = fields.Integer(related="company_id.collection_lookback_days", readonly=False)
    collection_promise_grace_days = fields.Integer(
        related="company_id.collection_promise_grace_days", readonly=False)
    collection_engine_paused = fields.Boolean(related="company_id.collection_engine_paused", readonly=False)

