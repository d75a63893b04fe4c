from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    collection_phone_invalid = fields.Boolean(
        string="Wrong Phone Number", tracking=True,
        help="A collector called and reached the wrong person; fix the number before the next call.")
    collection_agenda_line_ids = fields.One2many("ar.collection.agenda.line", "partner_id", string="Agenda Lines")

    def action_collection_log_call(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Log a Call"),
            "res_model": "ar.collection.call.log",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_id": self.commercial_partner_id.id},
        }

    def action_collection_override(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Manager Override"),
            "res_model": "ar.collection.override",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_id": self.commercial_partner_id.id},
        }
