import logging

from odoo import models

_logger = logging.getLogger(__name__)


class AccountMove(models.Model):
    """A customer's email reply on an invoice that says the invoice is wrong opens a dispute."""

    _inherit = "account.move"

    def _message_post_after_hook(self, message, msg_values):
        result = super()._message_post_after_hook(message, msg_values)
        if len(self) == 1 and message.message_type == "email" and self.move_type in ("out_invoice", "out_receipt"):
            self._collection_detect_dispute(message)
        return result

    def _collection_detect_dispute(self, message):
        """Open a dispute when the customer's reply scores above the company's threshold; return it."""
        self.ensure_one()
        move = self.sudo()
        author = message.author_id
        if move.state != "posted" or move.payment_state not in ("not_paid", "partial", "in_payment"):
            return None
        if author and author.user_ids.filtered(lambda user: not user.share):
            return None  # an employee, not the customer
        if "open" in move.collection_dispute_ids.mapped("state"):
            return None
        score, phrases = self.env["ar.dispute.phrase"]._detect(
            message.body or "", lang=author.lang or move.commercial_partner_id.lang)
        threshold = move.company_id.collection_dispute_threshold or 1.0
        if not phrases or score < threshold:
            return None
        _logger.info("Email %s on %s reads as a dispute (score %s)", message.id, move.name, score)
        return self.env["ar.dispute"]._open_from_email(move, message, score, phrases)
