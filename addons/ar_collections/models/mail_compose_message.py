from odoo import models


class MailComposeMessage(models.TransientModel):
    """An email a collector edited before sending completes its collection action."""

    _inherit = "mail.compose.message"

    def _action_send_mail(self, auto_commit=False):
        result = super()._action_send_mail(auto_commit=auto_commit)
        action_id = self.env.context.get("ar_collection_action_id")
        if action_id:
            _mails, messages = result
            action = self.env["ar.collection.action"].browse(action_id).with_context(ar_collection_action_id=False)
            action._sent_from_composer(messages)
        return result
