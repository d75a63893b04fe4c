from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    collection_portal_max_promise_days = fields.Integer(
        related="company_id.collection_portal_max_promise_days", readonly=False)
