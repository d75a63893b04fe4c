from odoo import fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    collection_credit_hold = fields.Boolean(related="partner_id.commercial_partner_id.collection_credit_hold")
    collection_credit_hold_reason = fields.Char(
        related="partner_id.commercial_partner_id.collection_credit_hold_reason")

    def action_confirm(self):
        self._collection_check_credit_hold()
        return super().action_confirm()

    def _collection_check_credit_hold(self):
        """An order of a customer on credit hold waits until a collections manager releases the hold."""
        for order in self:
            order.partner_id.commercial_partner_id._collection_check_credit_hold(order.company_id, order)
