from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    collection_dispute_threshold = fields.Float(
        string="Dispute Detection Threshold", default=1.0, digits=(16, 2),
        help="A customer's email reply on an invoice opens a dispute when the weights of the dispute phrases "
        "it contains add up to this.")
    collection_dispute_reason_id = fields.Many2one(
        "ar.dispute.reason", string="Reason of Detected Disputes",
        help="Reason given to the disputes opened from an email reply; 'Other' when empty.")
    collection_high_risk_score = fields.Integer(
        string="High Risk Score", default=70,
        help="Overdue customers at or above this risk score go on the agenda when nobody contacted them lately.")
    collection_contact_gap_days = fields.Integer(
        string="Recent Contact (days)", default=14,
        help="A high-risk customer contacted within these days does not go on the agenda for that reason.")

