from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ArCollectionStrategy(models.Model):
    _inherit = "ar.collection.strategy"

    portal_max_promise_days = fields.Integer(
        string="Portal Promise Horizon (days)", tracking=True,
        help="Customers of this strategy can promise on the portal to pay at the latest this many days from "
        "today. 0: the company's horizon.")

    @api.constrains("portal_max_promise_days")
    def _check_portal_max_promise_days(self):
        for strategy in self:
            if not 0 <= strategy.portal_max_promise_days <= 365:
                raise ValidationError(self.env._(
                    "The portal promise horizon of a strategy is between 0 (company's horizon) and 365 days."))
