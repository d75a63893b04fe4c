from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    collection_portal_max_promise_days = fields.Integer(
        string="Portal Promise Horizon (days)", default=30,
        help="Customers can promise on the portal to pay at the latest this many days from today, unless their "
        "strategy sets its own horizon.")

    @api.constrains("collection_portal_max_promise_days")
    def _check_collection_portal_max_promise_days(self):
        for company in self:
            if not 1 <= company.collection_portal_max_promise_days <= 365:
                raise ValidationError(self.env._(
                    "The horizon of promises to pay made on the portal is between 1 and 365 days."))
