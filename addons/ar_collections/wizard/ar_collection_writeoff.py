from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError


class ArCollectionWriteoff(models.TransientModel):
    """Write off what is left to pay on invoices: a posted journal entry to the write-off account, reconciled."""

    _name = "ar.collection.writeoff"
    _description = "Collections Write-Off"

    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    invoice_ids = fields.Many2many(
        "account.move", string="Invoices", required=True,
        domain="[('company_id', '=', company_id), ('state', '=', 'posted'),"
        " ('move_type', 'in', ('out_invoice', 'out_receipt')), ('payment_state', 'in', ('not_paid', 'partial'))]")
    small_residuals_only = fields.Boolean(
        help="Keep only the invoices whose residual is at most the company's write-off tolerance.")
    account_id = fields.Many2one(
        "account.account", string="Write-Off Account", required=True, check_company=True,
        compute="_compute_account_id", store=True, readonly=False, precompute=True)
    journal_id = fields.Many2one(
        "account.journal", string="Journal", required=True, check_company=True,
        compute="_compute_journal_id", store=True, readonly=False, precompute=True,
        domain="[('type', '=', 'general')]")
    date = fields.Date(required=True, default=fields.Date.context_today)
    reason = fields.Text(required=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount = fields.Monetary(string="Amount Written Off", compute="_compute_amount",
                             help="Total of the residuals written off, in the company's currency.")

    @api.depends("company_id")
    def _compute_account_id(self):
        for wizard in self:
            wizard.account_id = wizard.company_id._collection_writeoff_account()

    @api.depends("company_id")
    def _compute_journal_id(self):
        for wizard in self:
            wizard.journal_id = wizard.company_id._collection_writeoff_journal()

    @api.depends("invoice_ids", "small_residuals_only")
    def _compute_amount(self):
        for wizard in self:
            wizard.amount = sum(wizard._invoices_to_write_off().mapped("amount_residual_signed"))

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "account.move" and "invoice_ids" in fields_list:
            values["invoice_ids"] = [Command.set(self.env.context.get("active_ids", []))]
        return values

    def _invoices_to_write_off(self):
        invoices = self.invoice_ids.filtered(
            lambda move: move.state == "posted" and move.payment_state in ("not_paid", "partial")
            and not move.currency_id.is_zero(move.amount_residual))
        if self.small_residuals_only:
            tolerance = self.company_id.collection_writeoff_tolerance
            invoices = invoices.filtered(
                lambda move: self.company_id.currency_id.compare_amounts(move.amount_residual_signed, tolerance) <= 0)
        return invoices

    def action_write_off(self):
        self.ensure_one()
        if not self.env.user.has_group("ar_collections.group_ar_collections_manager"):
            raise AccessError(self.env._("Only a collections manager can write off invoices."))
        if not (self.reason or "").strip():
            raise UserError(self.env._("Say why the invoices are written off."))
        invoices = self._invoices_to_write_off()
        if not invoices:
            raise UserError(self.env._("Nothing to write off: the invoices are paid, or above the tolerance."))
        if invoices.company_id != self.company_id:
            raise UserError(self.env._("Write off the invoices of one company at a time."))
        for invoice in invoices:
            invoice._collection_write_off(self.account_id, self.journal_id, self.date, self.reason)
        return {"type": "ir.actions.act_window_close"}
