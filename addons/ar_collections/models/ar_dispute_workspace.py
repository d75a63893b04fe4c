from markupsafe import Markup
from odoo import Command, api, fields, models
from odoo.exceptions import UserError


class ArDispute(models.Model):
    """Disputes from every channel: credit-note resolution, explained rejection, false positives."""

    _inherit = "ar.dispute"

    resolution = fields.Selection(selection_add=[("dismissed", "Dismissed (not a dispute)")],
                                  ondelete={"dismissed": "set null"})
    source_message_id = fields.Many2one("mail.message", string="Customer Email", readonly=True, copy=False,
                                        help="The customer's email reply the dispute was detected in.")
    detection_score = fields.Float(readonly=True, copy=False, digits=(16, 2))
    detection_phrases = fields.Char(string="Detected Phrases", readonly=True, copy=False)
    credit_note_ids = fields.Many2many("account.move", "ar_dispute_credit_note_rel", "dispute_id", "move_id",
                                       string="Credit Notes", readonly=True, copy=False)

    # ------------------------------------------------------------------
    # Resolution by credit note (Odoo's reversal)
    # ------------------------------------------------------------------

    def action_resolve_credit_note(self):
        """Credit the disputed amount through Odoo's reversal, match it with the invoices, resolve."""
        for dispute in self:
            dispute._check_open()
            credit_notes = dispute._create_credit_notes()
            dispute.write({"credit_note_ids": [Command.link(move.id) for move in credit_notes],
                           "resolution": "credit_note"})
            dispute.message_post(body=Markup("%s %s") % (
                self.env._("Resolved by credit note:"), Markup(", ").join(m._get_html_link() for m in credit_notes)))
        self.with_context(ar_collection_reason=self.env._("Credit note")).action_resolve()
        return True

    def _create_credit_notes(self):
        """One posted credit note per invoice, for the disputed amount, reconciled with its invoice."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        remaining = self.disputed_amount
        credit_notes = self.env["account.move"]
        for invoice in self.invoice_ids.sorted(lambda move: (move.invoice_date_due or today, move.id)):
            if self.currency_id.compare_amounts(remaining, 0) <= 0:
                break
            amount = min(remaining, invoice.amount_residual)
            if self.currency_id.is_zero(amount):
                continue
            credit = invoice._reverse_moves([{
                "ref": self.env._("Dispute %(dispute)s: %(reason)s", dispute=self.name,
                                  reason=self.reason_id.display_name),
                "date": today, "invoice_date": today,
            }], cancel=False)
            ratio = amount / invoice.amount_total
            if self.currency_id.compare_amounts(amount, invoice.amount_total) < 0:
                for line in credit.invoice_line_ids.filtered(lambda line: line.display_type == "product"):
                    line.price_unit = self.currency_id.round(line.price_unit * ratio)
            credit.action_post()
            (invoice.line_ids | credit.line_ids).filtered(
                lambda line: line.account_type == "asset_receivable" and not line.reconciled).reconcile()
            remaining -= credit.amount_total
            credit_notes |= credit
        if not credit_notes:
            raise UserError(self.env._("Nothing is left open on the invoices of dispute %s to credit.", self.name))
        return credit_notes

    def action_view_credit_notes(self):
        self.ensure_one()
        return {"type": "ir.actions.act_window", "name": self.env._("Credit Notes"), "res_model": "account.move",
                "view_mode": "list,form", "domain": [("id", "in", self.credit_note_ids.ids)]}

    # ------------------------------------------------------------------
    # Rejection with an explanation to the customer; false positives
    # ------------------------------------------------------------------

    def action_reject(self):
        result = super().action_reject()
        if not self.env.context.get("ar_collection_no_rejection_email"):
            self._send_rejection_email()
        return result

    def _send_rejection_email(self):
        template = self.env.ref("ar_collections.mail_template_dispute_rejected", raise_if_not_found=False)
        if not template:
            return
        for dispute in self:
            dispute.with_context(mail_post_autofollow=False).message_post_with_source(
                template, message_type="comment", subtype_xmlid="mail.mt_comment")

    def action_dismiss(self):
        """Not a dispute after all (a false positive of the email detector): close it, no email, recorded."""
        for dispute in self:
            dispute._check_open()
        reason = self.env._("False positive: the customer's email was not a dispute")
        self.with_context(ar_collection_reason=reason).write({
            "state": "rejected", "resolution": "dismissed", "resolved_date": fields.Datetime.now(),
            "resolution_note": reason})
        for dispute in self:
            dispute._audit_log("dismissal", description=self.env._("Dispute dismissed as a false positive"),
                               reason=reason, new_value=(dispute.detection_phrases or "")[:200],
                               rule="dispute_detection")
        return True

    # ------------------------------------------------------------------
    # Opened from an email reply
    # ------------------------------------------------------------------

    @api.model
    def _open_from_email(self, invoice, message, score, phrases):
        """Open a dispute on ``invoice`` from the customer's ``message``; route it to its owner."""
        company = invoice.company_id
        partner = invoice.commercial_partner_id
        owner = (partner.with_company(company).collection_user_id or company.collection_user_id
                 or company.collection_manager_id)
        reason = company.collection_dispute_reason_id or self.env.ref("ar_collections.dispute_reason_other")
        dispute = self.sudo().with_company(company).with_context(mail_create_nosubscribe=True).create({
            "partner_id": partner.id,
            "company_id": company.id,
            "invoice_ids": [Command.set(invoice.ids)],
            "reason_id": reason.id,
            "disputed_amount": invoice.amount_residual,
            "description": message.preview or "",
            "source": "email",
            "user_id": owner.id or False,
            "source_message_id": message.id,
            "detection_score": score,
            "detection_phrases": ", ".join(phrases),
        })
        attachments = message.attachment_ids.copy({"res_model": dispute._name, "res_id": dispute.id}) \
            if message.attachment_ids else self.env["ir.attachment"]
        dispute.message_post(
            body=Markup("<p>%s</p>%s") % (self.env._("Opened from the customer's email reply:"), message.body),
            attachment_ids=attachments.ids, message_type="comment", subtype_xmlid="mail.mt_note",
            author_id=message.author_id.id)
        if owner:
            dispute.activity_schedule(
                "mail.mail_activity_data_todo", user_id=owner.id,
                summary=self.env._("Dispute from an email reply: %s", invoice.name),
                note=self.env._("Phrases found: %s. Dismiss the dispute if it is not one.", ", ".join(phrases)))
        return dispute
