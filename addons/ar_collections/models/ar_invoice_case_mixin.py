from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ArInvoiceCaseMixin(models.AbstractModel):
    """What disputes and promises share: a customer, a company and its invoices.

    Inheriting models define ``invoice_ids`` (with their own relation table).
    """

    _name = "ar.invoice.case.mixin"
    _description = "Collections Case on Invoices"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, tracking=True,
        domain="[('parent_id', '=', False)]")
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(
        "res.currency", required=True, compute="_compute_currency_id", store=True, readonly=False, precompute=True)
    invoice_count = fields.Integer(compute="_compute_invoice_count")
    amount_residual = fields.Monetary(string="Open Amount", compute="_compute_amount_residual",
                                      currency_field="currency_id")

    @api.depends("invoice_ids", "company_id")
    def _compute_currency_id(self):
        for case in self:
            case.currency_id = case.invoice_ids[:1].currency_id or case.company_id.currency_id

    @api.depends("invoice_ids")
    def _compute_invoice_count(self):
        for case in self:
            case.invoice_count = len(case.invoice_ids)

    @api.depends("invoice_ids.amount_residual")
    def _compute_amount_residual(self):
        for case in self:
            case.amount_residual = sum(case.invoice_ids.mapped("amount_residual"))

    @api.onchange("partner_id")
    def _onchange_partner_commercial(self):
        if self.partner_id and self.partner_id != self.partner_id.commercial_partner_id:
            self.partner_id = self.partner_id.commercial_partner_id

    @api.constrains("partner_id", "invoice_ids", "company_id", "currency_id")
    def _check_invoices(self):
        for case in self:
            invoices = case.invoice_ids
            if not invoices:
                raise ValidationError(self.env._("%s needs at least one invoice.", case.display_name))
            customer = case.partner_id.commercial_partner_id
            wrong_partner = invoices.filtered(lambda m, customer=customer: m.commercial_partner_id != customer)
            if wrong_partner:
                raise ValidationError(self.env._(
                    "Invoices %(invoices)s do not belong to %(customer)s.",
                    invoices=", ".join(wrong_partner.mapped("name")), customer=case.partner_id.display_name))
            not_receivable = invoices.filtered(lambda m: not m.is_sale_document(include_receipts=True)
                                               or m.state != "posted")
            if not_receivable:
                raise ValidationError(self.env._(
                    "Only posted customer invoices can be part of %(case)s: %(invoices)s.",
                    case=case._description, invoices=", ".join(not_receivable.mapped("display_name"))))
            if invoices.currency_id != case.currency_id:
                raise ValidationError(self.env._(
                    "All invoices of %(case)s must be in %(currency)s.",
                    case=case.display_name, currency=case.currency_id.name))

    def action_view_invoices(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Invoices"),
            "res_model": "account.move",
            "view_mode": "list,form",
            "domain": [("id", "in", self.invoice_ids.ids)],
        }
