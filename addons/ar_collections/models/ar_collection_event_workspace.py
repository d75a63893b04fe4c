from odoo import fields, models


class ArCollectionEvent(models.Model):
    _inherit = "ar.collection.event"

    event_type = fields.Selection(
        selection_add=[("call", "Call Logged"), ("dismissal", "False Positive Dismissed"),
                       ("exception", "Reconciliation Exception")],
        ondelete={"call": "cascade", "dismissal": "cascade", "exception": "cascade"})
