from odoo import SUPERUSER_ID, Command, models


class ArInvoiceCaseMixin(models.AbstractModel):
    _inherit = "ar.invoice.case.mixin"

    def _portal_reply(self, template_xmlid, recipient):
        """Email ``recipient`` the template, in the case's conversation, to confirm what they did on the portal."""
        template = self.env.ref(template_xmlid, raise_if_not_found=False)
        if not template:
            return self.env["mail.message"]
        # Sent on behalf of the collector: posted as the portal user, the message would not notify them.
        sender = self.with_user(self.user_id or SUPERUSER_ID).sudo()
        return sender.with_context(lang=recipient.lang or self.partner_id.lang).message_post_with_source(
            template, message_type="comment", subtype_xmlid="mail.mt_comment",
            author_id=(self.user_id.partner_id or self.company_id.partner_id).id,
            partner_ids=[Command.link(recipient.id)])
