import logging

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, format_amount, format_date

_logger = logging.getLogger(__name__)

COLLECTION_STATES = [
    ("normal", "Normal"),
    ("reminded", "Reminded"),
    ("promised", "Promised"),
    ("disputed", "Disputed"),
    ("paused", "Paused"),
    ("escalated", "Escalated"),
    ("legal", "Legal"),
    ("written_off", "Written Off"),
]
HOLD_STATES = [
    ("paused", "Paused"),
    ("escalated", "Escalated"),
    ("legal", "Legal"),
    ("written_off", "Written Off"),
]
# Fields whose change can move the collection state.
STATE_INPUTS = {"collection_hold_state", "collection_last_action_date"}
# Customer documents that the collections engine reminds.
REMINDED_TYPES = ("out_invoice", "out_receipt")


class AccountMove(models.Model):
    _inherit = "account.move"

    collection_state = fields.Selection(
        COLLECTION_STATES, string="Collection Status", default="normal", readonly=True, copy=False, index=True,
        tracking=True, help="Where the invoice stands in collections; derived from disputes, promises, "
        "holds and the actions taken.")
    collection_hold_state = fields.Selection(
        HOLD_STATES, string="Collection Hold", copy=False, tracking=True,
        help="Set by a manager or by an escalation; takes the invoice out of the regular flow.")
    collection_credit_hold = fields.Boolean(related="commercial_partner_id.collection_credit_hold")
    collection_credit_hold_reason = fields.Char(related="commercial_partner_id.collection_credit_hold_reason")
    collection_writeoff_move_id = fields.Many2one(
        "account.move", string="Write-Off Entry", copy=False, readonly=True,
        help="The journal entry that wrote off what was left to pay on this invoice.")
    collection_step_id = fields.Many2one("ar.collection.step", string="Current Step", copy=False, readonly=True)
    collection_last_action_date = fields.Date(string="Last Collection Action", copy=False, readonly=True)
    collection_next_action_date = fields.Date(string="Next Collection Action", copy=False, readonly=True)
    collection_dispute_ids = fields.Many2many(
        "ar.dispute", "ar_dispute_account_move_rel", "move_id", "dispute_id", string="Disputes", copy=False)
    collection_promise_ids = fields.Many2many(
        "ar.promise", "ar_promise_account_move_rel", "move_id", "promise_id", string="Promises to Pay", copy=False)
    collection_action_ids = fields.One2many("ar.collection.action", "move_id", string="Collection Actions")
    collection_event_ids = fields.One2many("ar.collection.event", "move_id", string="Collection Events")
    collection_aging_bucket = fields.Integer(
        string="Aging Bucket", readonly=True, copy=False,
        help="Days past due of the last aging bucket the invoice crossed (see the company's aging buckets); "
        "0 while it is within the first one.")

    def write(self, vals):
        if "collection_hold_state" in vals:
            self._collection_check_hold_rights()
        result = super().write(vals)
        if STATE_INPUTS & set(vals):
            self._collection_recompute_state()
        return result

    def _collection_check_hold_rights(self):
        """A hold is a manager's decision (escalations set it as the system)."""
        if not self.env.su and not self.env.user.has_group("ar_collections.group_ar_collections_manager"):
            raise AccessError(self.env._("Only a collections manager can put an invoice on hold or release it."))

    def _collection_target_state(self):
        self.ensure_one()
        hold = self.collection_hold_state
        if hold in ("written_off", "legal"):
            return hold
        if "open" in self.collection_dispute_ids.mapped("state"):
            return "disputed"
        if "open" in self.collection_promise_ids.mapped("state"):
            return "promised"
        if hold:
            return hold
        return "reminded" if self.collection_last_action_date else "normal"

    def _collection_recompute_state(self):
        """Bring ``collection_state`` in line with its inputs; each change is an audit event."""
        labels = dict(COLLECTION_STATES)
        events = []
        by_state = {}
        for move in self:
            target = move._collection_target_state()
            if target == move.collection_state:
                continue
            by_state.setdefault(target, self.browse())
            by_state[target] |= move
            events.append({
                "event_type": "state_change",
                "description": self.env._("Collection status changed"),
                "company_id": move.company_id.id,
                "partner_id": move.commercial_partner_id.id,
                "move_id": move.id,
                "res_model": move._name,
                "res_id": move.id,
                "record_name": move.display_name,
                "old_value": labels.get(move.collection_state),
                "new_value": labels[target],
                "reason": self.env.context.get("ar_collection_reason"),
            })
        for state, moves in by_state.items():
            super(AccountMove, moves.sudo()).write({"collection_state": state})
        self.env["ar.collection.event"]._record(events)

    def _notify_by_email_prepare_rendering_context(self, message, msg_vals=False, model_description=False,
                                                   force_email_company=False, force_email_lang=False):
        """A collection message's header shows what is left to pay, not the invoice's total."""
        render_context = super()._notify_by_email_prepare_rendering_context(
            message, msg_vals, model_description=model_description,
            force_email_company=force_email_company, force_email_lang=force_email_lang)
        if (self.env.context.get("ar_collection_message") and self.is_invoice(include_receipts=True)
                and self.invoice_date_due and self.payment_state not in ("in_payment", "paid")):
            lang = render_context.get("lang")
            render_context["subtitles"] = render_context["subtitles"][:1] + [self.env._(
                "%(amount)s due\N{NO-BREAK SPACE}%(date)s",
                amount=format_amount(self.env, self.amount_residual, self.currency_id, lang_code=lang),
                date=format_date(self.env, self.invoice_date_due, lang_code=lang))]
        return render_context

    def _collection_reminded(self):
        """The invoices of ``self`` that a reminder (email, SMS, letter or portal notice) was already sent about."""
        if not self:
            return self
        done = self.env["ar.collection.action"].sudo().search([
            ("move_ids", "in", self.ids), ("state", "=", "done"),
            ("channel", "in", ("email", "sms", "letter", "portal"))])
        return self & done.move_ids

    def action_view_collection_events(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Audit Trail"),
            "res_model": "ar.collection.event",
            "view_mode": "list,form",
            "domain": [("move_id", "=", self.id)],
        }

    # ------------------------------------------------------------------
    # Events of the collections engine
    # ------------------------------------------------------------------

    def _collection_check_credit_hold(self):
        """A new customer invoice for a customer on credit hold needs a collections manager to release the hold."""
        for invoice in self.filtered(lambda move: move.move_type in ("out_invoice", "out_receipt")):
            invoice.commercial_partner_id._collection_check_credit_hold(invoice.company_id, invoice)

    # ------------------------------------------------------------------
    # Write-offs
    # ------------------------------------------------------------------

    def _collection_write_off(self, account, journal, date, reason):
        """Post an entry moving what is left to pay to ``account``, in the invoice's currency, and reconcile it."""
        self.ensure_one()
        receivables = self.line_ids.filtered(
            lambda line: line.account_type == "asset_receivable" and not line.reconciled)
        residual, residual_company = self.amount_residual, self.amount_residual_signed
        if self.move_type == "out_refund" or self.currency_id.compare_amounts(residual, 0) <= 0:
            raise UserError(self.env._("Invoice %s has nothing left to write off.", self.name))
        label = self.env._("Write-off of %(invoice)s: %(reason)s", invoice=self.name, reason=reason)
        entry = self.env["account.move"].sudo().create({
            "move_type": "entry", "journal_id": journal.id, "date": date, "ref": label,
            "company_id": self.company_id.id,
            "line_ids": [
                Command.create({"name": label, "account_id": receivables[0].account_id.id,
                                "partner_id": self.commercial_partner_id.id, "currency_id": self.currency_id.id,
                                "amount_currency": -residual, "balance": -residual_company}),
                Command.create({"name": label, "account_id": account.id,
                                "partner_id": self.commercial_partner_id.id, "currency_id": self.currency_id.id,
                                "amount_currency": residual, "balance": residual_company}),
            ],
        })
        entry.action_post()
        (receivables | entry.line_ids.filtered(lambda line: line.account_id == receivables[0].account_id)).reconcile()
        self.sudo().with_context(ar_collection_reason=reason).write({
            "collection_writeoff_move_id": entry.id, "collection_hold_state": "written_off"})
        self.env["ar.collection.event"]._record([{
            "event_type": "state_change", "description": self.env._("Written off"), "company_id": self.company_id.id,
            "res_model": self._name, "res_id": self.id, "record_name": self.name, "move_id": self.id,
            "partner_id": self.commercial_partner_id.id, "old_value": f"{residual} {self.currency_id.name}",
            "new_value": entry.name, "reason": reason, "rule": "write_off",
        }])
        return entry

    def action_collection_reverse_write_off(self):
        """Undo a write-off: the entry is reversed and what was written off is due again."""
        if not self.env.user.has_group("ar_collections.group_ar_collections_manager"):
            raise AccessError(self.env._("Only a collections manager can reverse a write-off."))
        for invoice in self.filtered("collection_writeoff_move_id"):
            entry = invoice.collection_writeoff_move_id.sudo()
            entry.line_ids.filtered(lambda line: line.account_type == "asset_receivable").remove_move_reconcile()
            reversal = entry._reverse_moves([{
                "date": fields.Date.context_today(self),
                "ref": self.env._("Reversal of %s", entry.name)}], cancel=True)
            invoice.sudo().with_context(ar_collection_reason=self.env._("Write-off reversed")).write({
                "collection_writeoff_move_id": False, "collection_hold_state": False})
            self.env["ar.collection.event"]._record([{
                "event_type": "override", "description": self.env._("Write-off reversed"),
                "company_id": invoice.company_id.id, "res_model": invoice._name, "res_id": invoice.id,
                "record_name": invoice.name, "move_id": invoice.id, "partner_id": invoice.commercial_partner_id.id,
                "old_value": entry.name, "new_value": reversal.name, "rule": "write_off_reversal",
            }])
        return True

    def _post(self, soft=True):
        self._collection_check_credit_hold()
        posted = super()._post(soft=soft)
        invoices = posted.filtered(lambda move: move.move_type in REMINDED_TYPES)
        if invoices.company_id.filtered(lambda company: not company.collection_engine_paused):
            self.env["ar.collection.engine"]._trigger_run()
        return posted

    def _invoice_paid_hook(self):
        result = super()._invoice_paid_hook()
        self.filtered(lambda move: move.move_type in REMINDED_TYPES)._collection_on_paid()
        return result

    def _collection_on_paid(self):
        """Invoices just paid: their pending actions are pointless, their payers may be thanked."""
        if not self:
            return
        self._collection_cancel_pending_actions(self.env._("Invoice paid"))
        self._collection_send_thank_you()

    def _collection_on_payment(self):
        """A payment (full or partial) was matched with these moves: settle the promises it keeps."""
        invoices = self.filtered(lambda move: move.move_type in REMINDED_TYPES)
        if not invoices:
            return
        promises = self.env["ar.promise"].sudo().search([("invoice_ids", "in", invoices.ids), ("state", "=", "open")])
        promises._evaluate()

    def _collection_cancel_pending_actions(self, reason):
        """Cancel the actions waiting to be sent whose invoices are all settled."""
        actions = self.env["ar.collection.action"].sudo().search([
            ("move_ids", "in", self.ids), ("state", "in", ("planned", "to_approve", "failed"))])
        settled = actions.filtered(
            lambda action: all(move.payment_state not in ("not_paid", "partial") for move in action.move_ids))
        settled._cancel_with_reason(reason)
        return settled

    def _collection_send_thank_you(self):
        """Thank the customer of each reminded invoice, where its strategy says so, once per invoice."""
        template = self.env.ref("ar_collections.mail_template_thank_you", raise_if_not_found=False)
        reminded = self.filtered("collection_last_action_date")
        if not template or not reminded:
            return
        thanked = self.env["ar.collection.event"].sudo().search([
            ("move_id", "in", reminded.ids), ("event_type", "=", "sent"), ("rule", "=", "thank_you")]).move_id
        for move in reminded - thanked:
            if move._collection_strategy().send_thank_you:
                move.with_company(move.company_id)._collection_thank(template)

    def _collection_strategy(self):
        """The strategy that reminds this invoice: its step's, else the customer's segment's, else the default."""
        self.ensure_one()
        move = self.sudo().with_company(self.company_id)
        return (move.collection_step_id.strategy_id
                or move.commercial_partner_id.collection_segment_id.strategy_id
                or move.company_id.collection_strategy_id)

    def _collection_thank(self, template):
        """Email the thank-you; a failure is logged and never blocks the payment that triggered it."""
        self.ensure_one()
        Action = self.env["ar.collection.action"]
        partner = self.commercial_partner_id
        recipient = Action._collection_recipient(partner)
        lang = Action._collection_lang(partner, recipient, self.company_id)
        event = {
            "company_id": self.company_id.id, "partner_id": partner.id, "move_id": self.id, "res_model": self._name,
            "res_id": self.id, "record_name": self.display_name, "rule": "thank_you",
        }
        try:
            with self.env.cr.savepoint():
                Action.with_context(**({"lang": lang} if lang else {}), mail_create_nosubscribe=True)._post_template(
                    self, template, recipient)
        except Exception as error:  # noqa: BLE001 - a thank-you must never block a payment
            _logger.warning("Thank-you email for %s failed: %s", self.display_name, error)
            self.env["ar.collection.event"]._record([{
                **event, "event_type": "failed", "description": self.env._("Thank-you email failed"),
                "reason": str(error)}])
            return
        self.env["ar.collection.event"]._record([{
            **event, "event_type": "sent", "description": self.env._("Thank-you email sent")}])

    # ------------------------------------------------------------------
    # Aging buckets
    # ------------------------------------------------------------------

    @api.model
    def _cron_collection_update_aging(self):
        for company in self.env["res.company"].search([]):
            self._collection_update_aging_buckets(company)

    @api.model
    def _collection_update_aging_buckets(self, company, today=None):
        """Store the aging bucket of every open invoice of ``company`` in one statement; return the crossings.

        An invoice crossing into a later bucket is an audit event, and the
        engine is asked to run so that the crossing is acted upon.
        """
        today = today or fields.Date.context_today(self.with_company(company))
        self.flush_model(["company_id", "state", "move_type", "payment_state", "invoice_date_due",
                          "collection_aging_bucket"])
        self.env.cr.execute(SQL("""
            WITH aging AS (
                SELECT move.id, move.commercial_partner_id, COALESCE(move.collection_aging_bucket, 0) AS old_bucket,
                       COALESCE((SELECT MAX(threshold) FROM unnest(%(thresholds)s::int[]) AS threshold
                                  WHERE %(today)s::date - move.invoice_date_due >= threshold), 0) AS new_bucket
                  FROM account_move move
                 WHERE move.company_id = %(company)s
                   AND move.state = 'posted'
                   AND move.move_type IN %(types)s
                   AND move.payment_state IN ('not_paid', 'partial')
                   AND move.invoice_date_due IS NOT NULL
            )
            UPDATE account_move move
               SET collection_aging_bucket = aging.new_bucket
              FROM aging
             WHERE move.id = aging.id
               AND aging.new_bucket != aging.old_bucket
         RETURNING move.id, move.name, aging.commercial_partner_id, aging.old_bucket, aging.new_bucket
        """, thresholds=company._collection_aging_thresholds(), today=today, company=company.id,
            types=REMINDED_TYPES))
        crossings = [row for row in self.env.cr.fetchall() if row[4] > row[3]]
        self.invalidate_model(["collection_aging_bucket"])
        self._collection_log_aging(company, crossings)
        if crossings and not company.collection_engine_paused:
            self.env["ar.collection.engine"]._trigger_run()
        return crossings

    @api.model
    def _collection_log_aging(self, company, crossings):
        """One audit event per crossing, written in bulk: the first run may age a whole book."""
        if not crossings:
            return
        now = fields.Datetime.now()
        uid = self.env.uid
        description = self.env._("Aging bucket crossed")
        rows = [(now, "state_change", description, uid, company.id, self._name, move_id, name, partner_id, move_id,
                 str(old), str(new), f"aging:{new}", uid, now, uid, now)
                for move_id, name, partner_id, old, new in crossings]
        self.env.cr.execute_values("""
            INSERT INTO ar_collection_event (
                date, event_type, description, user_id, company_id, res_model, res_id, record_name, partner_id,
                move_id, old_value, new_value, rule, create_uid, create_date, write_uid, write_date)
            VALUES %s
        """, rows, page_size=1000)
        self.env["ar.collection.event"].invalidate_model()


    # ------------------------------------------------------------------
    # Disputes from the customer's email replies
    # ------------------------------------------------------------------

    def _message_post_after_hook(self, message, msg_values):
        result = super()._message_post_after_hook(message, msg_values)
        if len(self) == 1 and message.message_type == "email" and self.move_type in REMINDED_TYPES:
            self._collection_detect_dispute(message)
        return result

    def _collection_detect_dispute(self, message):
        """Open a dispute when the customer's reply on this invoice says it is wrong; return it.

        The dispute covers the invoices of the customer that the reply names,
        else this invoice.
        """
        self.ensure_one()
        move = self.sudo()
        if move.state != "posted" or move.payment_state not in ("not_paid", "partial", "in_payment"):
            return None
        customer = move.commercial_partner_id.with_company(move.company_id)
        return customer._collection_detect_dispute(message, move)

    def _collection_disputable(self):
        """The invoices of ``self`` a customer can still dispute: posted, not paid, without an open dispute."""
        return self.filtered(lambda move: move.state == "posted" and move.move_type in REMINDED_TYPES
                             and move.payment_state in ("not_paid", "partial", "in_payment")
                             and "open" not in move.collection_dispute_ids.mapped("state"))
