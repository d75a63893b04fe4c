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
    collection_manager_id = fields.Many2one(related="company_id.collection_manager_id", readonly=False)
    collection_director_id = fields.Many2one(related="company_id.collection_director_id", readonly=False)
    collection_legal_user_id = fields.Many2one(related="company_id.collection_legal_user_id", readonly=False)
    collection_aging_buckets = fields.Char(related="company_id.collection_aging_buckets", readonly=False)
