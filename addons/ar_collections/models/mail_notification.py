from odoo import models

FAILED_STATUSES = ("exception", "bounce")


class MailNotification(models.Model):
    _inherit = "mail.notification"

    def write(self, vals):
        result = super().write(vals)
        if vals.get("notification_status") in FAILED_STATUSES:
            self.env["ar.collection.action"].sudo()._collection_delivery_failed(self)
        return result
