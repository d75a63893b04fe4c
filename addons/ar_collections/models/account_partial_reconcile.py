from odoo import api, models


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        (partials.debit_move_id.move_id | partials.credit_move_id.move_id)._collection_on_payment()
        return partials
