from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_date

PROMISE_STATES = [
    ("open", "Open"),
    ("kept", "Kept"),
    ("partial", "Partly Kept"),
    ("broken", "Broken"),
    ("cancelled", "Cancelled"),
]
SOURCES = [
    ("call", "Call"),
    ("email", "Email"),
    ("portal", "Customer Portal"),
    ("backoffice", "Back Office"),
]


class ArPromise(models.Model):
    _name = "ar.promise"
    _description = "Promise to Pay"
    _inherit = ["ar.invoice.case.mixin", "ar.collection.audit.mixin", "mail.thread", "mail.activity.mixin",
                "portal.mixin"]
    _order = "promise_date, id desc"
    _check_company_auto = True

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/")
    invoice_ids = fields.Many2many(
        "account.move", "ar_promise_account_move_rel", "promise_id", "move_id", string="Invoices",
        required=True, check_company=True, domain="[('partner_id.commercial_partner_id', '=', partner_id),"
        " ('move_type', 'in', ('out_invoice', 'out_receipt')), ('state', '=', 'posted')]")
    state = fields.Selection(PROMISE_STATES, default="open", required=True, tracking=True, index=True, copy=False)
    amount = fields.Monetary(string="Promised Amount", currency_field="currency_id", required=True, tracking=True)
    promise_date = fields.Date(string="Promised Date", required=True, tracking=True)
    grace_days = fields.Integer(default=lambda self: self.env.company.collection_promise_grace_days,
                                help="Days after the promised date before the promise counts as broken.")
    deadline = fields.Date(compute="_compute_deadline", store=True, index=True)
    source = fields.Selection(SOURCES, default="backoffice", required=True)
    user_id = fields.Many2one("res.users", string="Collector", default=lambda self: self.env.user,
                              domain=[("share", "=", False)], tracking=True)
    residual_at_promise = fields.Monetary(
        currency_field="currency_id", readonly=True, copy=False,
        help="Open amount of the invoices when the promise was made; payments are measured against it.")
    amount_paid = fields.Monetary(compute="_compute_amount_paid", currency_field="currency_id",
                                  help="Paid on the invoices since the promise was made.")
    note = fields.Text()
    _audit_fields = ("state",)

    @api.depends("promise_date", "grace_days")
    def _compute_deadline(self):
        for promise in self:
            promise.deadline = promise.promise_date and promise.promise_date + timedelta(days=promise.grace_days)

    @api.depends("residual_at_promise", "invoice_ids.amount_residual")
    def _compute_amount_paid(self):
        for promise in self:
            promise.amount_paid = max(promise.residual_at_promise - promise.amount_residual, 0.0)

    @api.constrains("amount", "promise_date", "grace_days", "state")
    def _check_promise(self):
        for promise in self.filtered(lambda p: p.state == "open"):
            if promise.amount <= 0:
                raise ValidationError(self.env._("The promised amount must be positive."))
            if promise.grace_days < 0:
                raise ValidationError(self.env._("The grace period cannot be negative."))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("ar.promise") or "/"
        promises = super().create(vals_list)
        for promise in promises:
            promise._check_new_promise()
            promise.residual_at_promise = promise.amount_residual
        promises.invoice_ids._collection_recompute_state()
        return promises

    def write(self, vals):
        result = super().write(vals)
        if {"state", "invoice_ids"} & set(vals):
            self.invoice_ids._collection_recompute_state()
        return result

    def _check_new_promise(self):
        if self.promise_date < fields.Date.context_today(self):
            raise ValidationError(self.env._("A promise to pay cannot be dated in the past."))
        if self.currency_id.compare_amounts(self.amount, self.amount_residual) > 0:
            raise ValidationError(self.env._(
                "The promised amount (%(amount)s) exceeds what is open on the invoices (%(open)s).",
                amount=self.currency_id.format(self.amount), open=self.currency_id.format(self.amount_residual)))

    def _evaluate(self, today=None):
        """Settle open promises from the payments received since they were made.

        Fully paid: kept at once. At the deadline: partly kept if something
        was paid, otherwise broken.
        """
        today = today or fields.Date.context_today(self)
        outcome = {"kept": self.browse(), "partial": self.browse(), "broken": self.browse()}
        for promise in self.filtered(lambda p: p.state == "open"):
            paid = promise.amount_paid
            if promise.currency_id.compare_amounts(paid, promise.amount) >= 0:
                outcome["kept"] |= promise
            elif promise.deadline and promise.deadline < today:
                outcome["partial" if not promise.currency_id.is_zero(paid) else "broken"] |= promise
        for state, promises in outcome.items():
            if promises:
                promises.with_context(ar_collection_reason=self.env._("Evaluated from payments")).write(
                    {"state": state})
        self._collection_after_evaluation(outcome)
        return outcome

    def _collection_after_evaluation(self, outcome):
        """Escalate broken promises; invoices back in the flow wake the engine up."""
        outcome["broken"]._collection_escalate_broken()
        if outcome["broken"] or outcome["partial"]:
            self.env["ar.collection.engine"]._trigger_run()

    def _collection_escalate_broken(self):
        """Hand each broken promise's account to the level its strategy names; hold its credit if the company
        says so."""
        for promise in self.filtered(lambda promise: promise.company_id.collection_hold_on_broken_promise):
            promise.partner_id._collection_put_on_credit_hold(
                promise.company_id, self.env._("Broken promise %s", promise.name), "broken_promise")
        Escalation = self.env["ar.collection.escalation"]
        for promise in self.filtered("invoice_ids"):
            invoices = promise.invoice_ids
            level = invoices[:1]._collection_strategy().broken_promise_escalate_to
            if level:
                Escalation._escalate(
                    promise, level, invoices.filtered(lambda move: move.payment_state in ("not_paid", "partial")),
                    reason=self.env._("Promise %(promise)s to pay %(amount)s by %(date)s was broken.",
                                      promise=promise.name, amount=promise.currency_id.format(promise.amount),
                                      date=format_date(self.env, promise.promise_date)))

    @api.model
    def _cron_evaluate_promises(self):
        self.search([("state", "=", "open")])._evaluate()

    def action_cancel(self):
        if self.filtered(lambda p: p.state != "open"):
            raise UserError(self.env._("Only open promises can be cancelled."))
        self.write({"state": "cancelled"})
        return True

    def _compute_access_url(self):
        super()._compute_access_url()
        for promise in self:
            promise.access_url = f"/my/promises/{promise.id}"
