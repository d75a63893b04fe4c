from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    collection_late_probability = fields.Float(
        string="Late-Payment Risk", readonly=True, copy=False, digits=(16, 4),
        help="Probability that the invoice is paid after its due date, from the active learned model.")
