from odoo import models

FAILED_STATUSES = ("exception", "bounce")
PENDING_KEY = "ar_collections.failed_notification_ids"


class MailNotification(models.Model):
    _inherit = "mail.notification"

    def write(self, vals):
        result = super().write(vals)
        if vals.get("notification_status") in FAILED_STATUSES:
            self._collection_judge_at_commit()
        return result

    def _collection_judge_at_commit(self):
        """Fail the collection actions behind these notifications if they are still failed at commit.

        The mail queue marks a notification failed while it sends the email, and
        sent once the server accepted it, in the same transaction: only the
        final status tells a failure.
        """
        pending = self.env.cr.precommit.data.setdefault(PENDING_KEY, set())
        if not pending:
            self.env.cr.precommit.add(self._collection_fail_undelivered_actions)
        pending.update(self.ids)

    def _collection_fail_undelivered_actions(self):
        notifications = self.sudo().browse(self.env.cr.precommit.data.pop(PENDING_KEY, ())).exists()
        failed = notifications.filtered(lambda notification: notification.notification_status in FAILED_STATUSES)
        if failed:
            self.env["ar.collection.action"].sudo()._collection_delivery_failed(failed)
            self.env.flush_all()
