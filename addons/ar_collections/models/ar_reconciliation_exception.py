from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, LazyTranslate

_lt = LazyTranslate(__name__)

EXCEPTION_TYPES = [
    ("short_payment", "Short Payment"),
    ("overpayment", "Overpayment"),
    ("unapplied_cash", "Unapplied Cash"),
    ("disputed_payment", "Payment on a Disputed Invoice"),
    ("unmatched_receipt", "Unmatched Bank Receipt"),
]
RESOLUTION_STEPS = {
    "short_payment": _lt("Ask the customer why the payment is short; write off the difference, or chase it."),
    "overpayment": _lt("Apply the credit to another open invoice, or refund the customer."),
    "unapplied_cash": _lt("Match the payment with the customer's open invoices."),
    "disputed_payment": _lt("Check the dispute: a payment on a disputed invoice often settles it."),
    "unmatched_receipt": _lt("Match the bank statement line with the customer's open invoices: reminders do not "
                             "ask for this money again meanwhile."),
}


class ArReconciliationException(models.Model):
    """A receivable that does not match: a queue of work with an owner, closed when resolved."""

    _name = "ar.reconciliation.exception"
    _description = "Reconciliation Exception"
    _inherit = ["ar.collection.audit.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "state desc, date desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name")
    exception_type = fields.Selection(EXCEPTION_TYPES, string="Type", required=True, readonly=True, index=True)
    state = fields.Selection([("open", "Open"), ("resolved", "Resolved")], default="open", required=True,
                             index=True, tracking=True)
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True,
                                 default=lambda self: self.env.company)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True, index=True)
    user_id = fields.Many2one("res.users", string="Owner", tracking=True, domain=[("share", "=", False)])
    date = fields.Date(readonly=True, default=fields.Date.context_today)
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True, check_company=True)
    move_line_id = fields.Many2one("account.move.line", string="Payment Line", readonly=True)
    dispute_id = fields.Many2one("ar.dispute", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount = fields.Monetary(currency_field="currency_id", readonly=True, help="The amount that does not match.")
    resolution_steps = fields.Text(compute="_compute_resolution_steps")
    resolution_note = fields.Text(tracking=True)
    resolved_date = fields.Datetime(readonly=True)
    dedup_key = fields.Char(readonly=True, required=True, copy=False)
    _audit_fields = ("state", "user_id")

    _sql_constraints = [
        ("dedup_key_uniq", "unique(company_id, dedup_key)", "This exception is already in the queue."),
    ]

    @api.depends("exception_type", "partner_id")
    def _compute_name(self):
        labels = dict(EXCEPTION_TYPES)
        for exception in self:
            exception.name = " - ".join(filter(None, [
                labels.get(exception.exception_type), exception.partner_id.display_name]))

    @api.depends("exception_type")
    def _compute_resolution_steps(self):
        for exception in self:
            steps = RESOLUTION_STEPS.get(exception.exception_type)
            exception.resolution_steps = self.env._(steps) if steps else False

    def action_resolve(self):
        for exception in self:
            if exception.state != "open":
                raise UserError(self.env._("Exception %s is already resolved.", exception.name))
            if not exception.resolution_note:
                raise UserError(self.env._("Say how exception %s was resolved.", exception.name))
        self.with_context(ar_collection_reason=self.env._("Resolved")).write(
            {"state": "resolved", "resolved_date": fields.Datetime.now()})
        return True

    # ------------------------------------------------------------------
    # Detection (cron), in bulk
    # ------------------------------------------------------------------

    @api.model
    def _cron_detect(self):
        for company in self.env["res.company"].search([]):
            self._detect(company)

    @api.model
    def _detect(self, company, today=None):
        """Queue each situation once; close the open exceptions whose situation is gone. Return the new ones."""
        return self.sudo().with_company(company)._detect_company(company, today)

    @api.model
    def _detect_company(self, company, today):
        today = today or fields.Date.context_today(self)
        self.env["account.move.line"].flush_model()
        self.env["account.move"].flush_model()
        self.env["account.partial.reconcile"].flush_model()
        self.env["ar.dispute"].flush_model()
        self.env["account.bank.statement.line"].flush_model()
        self.env.cr.execute(self._detection_query(company, today))
        found = {row[0]: row for row in self.env.cr.fetchall()}
        known = {row["dedup_key"]: row for row in self.search_read(
            [("company_id", "=", company.id), ("dedup_key", "in", list(found))], ["dedup_key"])}
        owners = self._owners(company, {row[2] for row in found.values() if row[2]})
        # Owners find the exceptions in their queue: a bulk detection emails nobody.
        new = self.with_context(mail_auto_subscribe_no_notify=True).create([{
            "dedup_key": key, "exception_type": kind, "partner_id": partner_id, "move_id": move_id,
            "move_line_id": line_id, "dispute_id": dispute_id, "amount": abs(amount or 0.0),
            "company_id": company.id, "user_id": owners.get(partner_id) or False, "date": today,
        } for key, kind, partner_id, move_id, line_id, dispute_id, amount in found.values() if key not in known])
        gone = self.search([("company_id", "=", company.id), ("state", "=", "open"),
                            ("dedup_key", "not in", list(found))])
        if gone:
            gone.with_context(ar_collection_reason=self.env._("The situation cleared")).write({
                "state": "resolved", "resolved_date": fields.Datetime.now(),
                "resolution_note": self.env._("Cleared automatically: the entries now match.")})
        return new

    @api.model
    def _owners(self, company, partner_ids):
        partners = self.env["res.partner"].browse(list(partner_ids)).with_company(company)
        default = company.collection_user_id.id
        return {row["id"]: (row["collection_user_id"] and row["collection_user_id"][0]) or default
                for row in partners.read(["collection_user_id"])}

    @api.model
    def _detection_query(self, company, today):
        """Rows ``(dedup key, type, partner, invoice, payment line, dispute, amount)`` of ``company``."""
        return SQL("""
            -- Short payments: an invoice partly paid and overdue.
            SELECT 'short:' || move.id, 'short_payment', move.commercial_partner_id, move.id, NULL::int, NULL::int,
                   move.amount_residual_signed
              FROM account_move move
             WHERE move.company_id = %(company)s AND move.state = 'posted'
               AND move.move_type IN ('out_invoice', 'out_receipt') AND move.payment_state = 'partial'
               AND move.invoice_date_due < %(today)s
               AND NOT EXISTS (SELECT 1 FROM ar_dispute_account_move_rel rel
                                 JOIN ar_dispute dispute ON dispute.id = rel.dispute_id
                                WHERE rel.move_id = move.id AND dispute.state = 'open')
            UNION ALL
            -- Customer payments with money left: applied in part (overpayment) or not at all (unapplied cash).
            SELECT CASE WHEN applied.line_id IS NULL THEN 'unapplied:' ELSE 'over:' END || line.id,
                   CASE WHEN applied.line_id IS NULL THEN 'unapplied_cash' ELSE 'overpayment' END,
                   line.partner_id, NULL::int, line.id, NULL::int, line.amount_residual
              FROM account_move_line line
              JOIN account_account account ON account.id = line.account_id
         LEFT JOIN (SELECT DISTINCT credit_move_id AS line_id FROM account_partial_reconcile
                     WHERE company_id = %(company)s) applied ON applied.line_id = line.id
             WHERE line.company_id = %(company)s AND line.parent_state = 'posted'
               AND account.account_type = 'asset_receivable' AND NOT line.reconciled
               AND line.amount_residual < 0 AND line.payment_id IS NOT NULL AND line.partner_id IS NOT NULL
            UNION ALL
            -- Payments matched with an invoice under an open dispute, after the dispute was opened.
            SELECT DISTINCT ON (dispute.id, credit.move_id)
                   'disputed:' || dispute.id || ':' || credit.move_id, 'disputed_payment', dispute.partner_id,
                   debit.move_id, credit.id, dispute.id, partial.amount
              FROM ar_dispute dispute
              JOIN ar_dispute_account_move_rel rel ON rel.dispute_id = dispute.id
              JOIN account_move_line debit ON debit.move_id = rel.move_id
              JOIN account_account account ON account.id = debit.account_id AND account.account_type = 'asset_receivable'
              JOIN account_partial_reconcile partial ON partial.debit_move_id = debit.id
              JOIN account_move_line credit ON credit.id = partial.credit_move_id
             WHERE dispute.company_id = %(company)s AND dispute.state = 'open'
               AND partial.create_date >= dispute.create_date AND credit.payment_id IS NOT NULL
            UNION ALL
            -- Money from a known customer on the bank account, not matched with its invoices yet.
            SELECT 'receipt:' || st_line.id, 'unmatched_receipt', partner.commercial_partner_id, NULL::int,
                   NULL::int, NULL::int, -st_line.amount_residual
              FROM account_bank_statement_line st_line
              JOIN account_move move ON move.id = st_line.move_id AND move.state = 'posted'
              JOIN res_partner partner ON partner.id = st_line.partner_id
             WHERE st_line.company_id = %(company)s AND NOT st_line.is_reconciled AND st_line.amount > 0
        """, company=company.id, today=today)
