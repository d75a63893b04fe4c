from odoo import Command, api, models
from odoo.exceptions import UserError
from odoo.tools import plaintext2html


class ArDispute(models.Model):
    _inherit = "ar.dispute"
    # Whoever may read a dispute may talk about it: customers answer the collector from the portal.
    _mail_post_access = "read"

    @api.model
    def _portal_create(self, invoice, author, reason, amount, comment, files=()):
        """Open the dispute that ``author`` files on ``invoice`` from the portal.

        To be called in sudo, once the portal has checked that ``author`` acts for the invoice's customer
        and has validated the input. The customer's explanation and ``files`` (``(name, content)`` pairs)
        start the dispute's conversation, and the dispute is acknowledged by email.

        :raise UserError: when the invoice cannot be disputed or the customer sent too many requests
        """
        invoice.ensure_one()
        customer = invoice.commercial_partner_id
        customer._portal_check_request_limit()
        if blocker := invoice._portal_dispute_blocker():
            raise UserError(blocker)
        company = invoice.company_id
        dispute = self.with_company(company).create({
            "partner_id": customer.id,
            "company_id": company.id,
            "invoice_ids": [Command.set(invoice.ids)],
            "reason_id": reason.id,
            "disputed_amount": amount,
            "description": comment,
            "source": "portal",
            "user_id": customer._portal_collector(company).id,
        })
        dispute.message_subscribe(partner_ids=author.ids)
        dispute.message_post(
            body=plaintext2html(comment), author_id=author.id, message_type="comment",
            subtype_xmlid="mail.mt_comment", attachments=list(files))
        dispute._portal_reply("ar_collections_portal.mail_template_dispute_acknowledgement", author)
        return dispute
