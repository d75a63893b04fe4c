from odoo import Command, api, models
from odoo.exceptions import UserError
from odoo.tools import plaintext2html


class ArPromise(models.Model):
    _inherit = "ar.promise"
    # Whoever may read a promise may talk about it: customers answer the collector from the portal.
    _mail_post_access = "read"

    @api.model
    def _portal_create(self, invoice, author, amount, promise_date, note=""):
        """Record the promise to pay ``invoice`` that ``author`` makes on the portal.

        To be called in sudo, once the portal has checked that ``author`` acts for the invoice's customer
        and has validated the input. The promise is confirmed by email.

        :raise UserError: when the invoice cannot be promised or the customer sent too many requests
        """
        invoice.ensure_one()
        customer = invoice.commercial_partner_id
        customer._portal_check_request_limit()
        if blocker := invoice._portal_promise_blocker():
            raise UserError(blocker)
        company = invoice.company_id
        promise = self.with_company(company).create({
            "partner_id": customer.id,
            "company_id": company.id,
            "invoice_ids": [Command.set(invoice.ids)],
            "amount": amount,
            "promise_date": promise_date,
            "note": note,
            "source": "portal",
            "user_id": customer._portal_collector(company).id,
        })
        promise.message_subscribe(partner_ids=author.ids)
        if note:
            promise.message_post(body=plaintext2html(note), author_id=author.id, message_type="comment",
                                 subtype_xmlid="mail.mt_comment")
        promise._portal_reply("ar_collections_portal.mail_template_promise_confirmation", author)
        return promise
