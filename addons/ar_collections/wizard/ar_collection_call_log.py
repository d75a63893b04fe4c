from datetime import timedelta

from markupsafe import Markup
from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..models.ar_collection_agenda_line import CALL_OUTCOMES


class ArCollectionCallLog(models.TransientModel):
    """Log a call in one step: its outcome creates the promise, dispute or follow-up it calls for."""

    _name = "ar.collection.call.log"
    _description = "Log a Collection Call"

    agenda_line_id = fields.Many2one("ar.collection.agenda.line", string="Agenda Line")
    partner_id = fields.Many2one("res.partner", string="Customer", required=True,
                                 domain="[('parent_id', '=', False)]")
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    phone = fields.Char(related="partner_id.phone")
    outcome = fields.Selection(CALL_OUTCOMES, required=True, default="reached")
    note = fields.Text(string="Notes")
    invoice_ids = fields.Many2many(
        "account.move", "ar_collection_call_log_move_rel", "wizard_id", "move_id", string="Invoices",
        compute="_compute_invoice_ids", store=True, readonly=False,
        domain="[('commercial_partner_id', '=', partner_id), ('move_type', 'in', ('out_invoice', 'out_receipt')),"
        " ('state', '=', 'posted'), ('payment_state', 'in', ('not_paid', 'partial'))]")
    amount_residual = fields.Monetary(compute="_compute_amount_residual", currency_field="currency_id")
    promise_amount = fields.Monetary(currency_field="currency_id")
    promise_date = fields.Date()
    dispute_reason_id = fields.Many2one("ar.dispute.reason", string="Dispute Reason")
    dispute_amount = fields.Monetary(currency_field="currency_id")
    callback_date = fields.Date(string="Call Back On")

    @api.depends("partner_id", "agenda_line_id")
    def _compute_invoice_ids(self):
        for wizard in self:
            invoices = wizard.agenda_line_id.move_ids.filtered(
                lambda move: move.payment_state in ("not_paid", "partial") and move.state == "posted")
            if not invoices and wizard.partner_id:
                invoices = wizard.partner_id._collection_overdue_invoices()
            wizard.invoice_ids = [Command.set(invoices.ids)]

    @api.depends("invoice_ids")
    def _compute_amount_residual(self):
        for wizard in self:
            wizard.amount_residual = sum(wizard.invoice_ids.mapped("amount_residual"))

    @api.onchange("outcome", "invoice_ids")
    def _onchange_outcome(self):
        if self.outcome == "promise" and not self.promise_amount:
            self.promise_amount = self.amount_residual
        if self.outcome == "promise" and not self.promise_date:
            self.promise_date = fields.Date.context_today(self) + timedelta(days=7)
        if self.outcome == "dispute" and not self.dispute_amount:
            self.dispute_amount = self.amount_residual
        if self.outcome == "call_back" and not self.callback_date:
            self.callback_date = fields.Date.context_today(self) + timedelta(days=1)

    def action_confirm(self):
        self.ensure_one()
        if self.agenda_line_id:
            self.agenda_line_id._check_can_act()
        partner = self.partner_id.commercial_partner_id
        handler = getattr(self, f"_outcome_{self.outcome}")
        created = handler(partner)
        action = self._log_action(partner, created)
        self._post_note(partner, created)
        if self.agenda_line_id:
            self.agenda_line_id.write({"state": "done", "call_outcome": self.outcome})
        return action if self.env.context.get("ar_call_log_return_action") else {"type": "ir.actions.act_window_close"}

    # Outcomes ---------------------------------------------------------

    def _outcome_reached(self, partner):
        return self.env["ar.collection.action"].browse()

    _outcome_voicemail = _outcome_reached

    def _outcome_wrong_number(self, partner):
        partner.write({"collection_phone_invalid": True})
        return partner

    def _outcome_promise(self, partner):
        if not self.invoice_ids or not self.promise_amount or not self.promise_date:
            raise UserError(self.env._("A promise needs invoices, an amount and a date."))
        return self.env["ar.promise"].create({
            "partner_id": partner.id, "company_id": self.company_id.id, "invoice_ids": [Command.set(self.invoice_ids.ids)],
            "amount": self.promise_amount, "promise_date": self.promise_date, "source": "call",
            "user_id": self.env.user.id, "note": self.note,
        })

    def _outcome_dispute(self, partner):
        if not self.invoice_ids or not self.dispute_reason_id or not self.dispute_amount:
            raise UserError(self.env._("A dispute needs invoices, a reason and an amount."))
        return self.env["ar.dispute"].create({
            "partner_id": partner.id, "company_id": self.company_id.id, "invoice_ids": [Command.set(self.invoice_ids.ids)],
            "reason_id": self.dispute_reason_id.id, "disputed_amount": self.dispute_amount, "source": "call",
            "user_id": self.env.user.id, "description": self.note,
        })

    def _outcome_paid(self, partner):
        return self._schedule(partner, fields.Date.context_today(self) + timedelta(days=2),
                              self.env._("Check the payment the customer says was made"))

    def _outcome_call_back(self, partner):
        if not self.callback_date:
            raise UserError(self.env._("When should the customer be called back?"))
        return self._schedule(partner, self.callback_date, self.env._("Call back %s", partner.name))

    def _schedule(self, partner, date, summary):
        activity_type = self.env.ref("ar_collections.mail_activity_type_collection_call")
        return partner.activity_schedule(activity_type_id=activity_type.id, user_id=self.env.user.id,
                                         date_deadline=date, summary=summary, note=self.note or "")

    # Logging -----------------------------------------------------------

    def _log_action(self, partner, created):
        """The call as a done action; planned calls of the agenda line count as made; an audit event."""
        outcome = dict(self._fields["outcome"]._description_selection(self.env))[self.outcome]
        now = fields.Datetime.now()
        action = self.env["ar.collection.action"].create({
            "partner_id": partner.id, "company_id": self.company_id.id, "channel": "call", "state": "done",
            "scheduled_date": now, "done_date": now, "user_id": self.env.user.id,
            "move_id": self.invoice_ids.id if len(self.invoice_ids) == 1 else False,
            "move_ids": [Command.set(self.invoice_ids.ids)], "reason_codes": f"call:{self.outcome}",
            "decision_inputs": {"outcome": self.outcome, "note": self.note or ""},
        })
        planned = self.agenda_line_id.action_ids.filtered(
            lambda a: a.state in ("planned", "failed") and a.channel == "call")
        if planned:
            planned.with_context(ar_collection_reason=self.env._("Call logged: %s", outcome)).write(
                {"state": "done", "done_date": now})
        if self.invoice_ids and self.outcome not in ("wrong_number", "voicemail"):
            self.invoice_ids.sudo().write({"collection_last_action_date": fields.Date.context_today(self)})
        action._audit_log("call", description=self.env._("Call logged: %s", outcome), new_value=outcome,
                          reason=self.note, payload={
                              "outcome": self.outcome, "invoice_ids": self.invoice_ids.ids,
                              "created": {"model": created._name, "ids": created.ids} if created else None})
        return action

    def _post_note(self, partner, created):
        outcome = dict(self._fields["outcome"]._description_selection(self.env))[self.outcome]
        body = Markup("<p><strong>%s</strong> %s</p>") % (self.env._("Collection call:"), outcome)
        if self.note:
            body += Markup("<p>%s</p>") % self.note
        if created and created._name in ("ar.promise", "ar.dispute"):
            body += Markup("<p>%s</p>") % created._get_html_link()
        partner.message_post(body=body, message_type="comment", subtype_xmlid="mail.mt_note")
