from odoo import fields, models
from odoo.exceptions import UserError


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
            customer = order.partner_id.commercial_partner_id.with_company(order.company_id).sudo()
            if customer.collection_credit_hold:
                raise UserError(self.env._(
                    "%(customer)s is on credit hold (%(reason)s): a collections manager must release the hold, "
                    "with a reason, before order %(order)s is confirmed.",
                    customer=customer.display_name, reason=customer.collection_credit_hold_reason or "-",
                    order=order.name))
